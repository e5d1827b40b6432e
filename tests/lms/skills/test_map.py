"""The HR skills map: figures against a direct count, drill-down, a cell's people, scoping, suggestions; the
snapshot a large map reads "as of" its moment, equal to the live count, and the map's query budgets."""

import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lms.compliance.reports import snapshot as snapshots
from lms.people.models import Official
from lms.skills.models import Evidence, ExpectedLevel, MapSnapshot, MapSnapshotCounts, PersonLevel
from lms.skills.selectors import cell_people, gap_suggestions, skills_map
from lms.skills.snapshot import map_snapshot_take
from lms.skills.tasks import map_snapshot_refresh_task
from tests.builders import make_catalogue, make_course
from tests.org_builders import make_admin_user, make_hr, make_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org, security, data_skill):
    """Officials in both wards and the office, with levels drawn at random (fixed seed)."""
    ExpectedLevel.objects.create(position=org.chair, competency=security, level=3)
    ExpectedLevel.objects.create(position=org.chair, competency=data_skill, level=2)
    ExpectedLevel.objects.create(position=org.justice, competency=security, level=2)
    rng = random.Random(7)
    officials = []
    for unit in (org.ward_a, org.ward_b, org.office_a, org.ward_a):
        for position in (org.chair, org.justice, None):
            official = make_official(unit, position=position)
            officials.append(official)
            for competency in (security, data_skill):
                level = rng.randint(0, 4)
                if level:
                    PersonLevel.objects.create(user=official.user, competency=competency, level=level)
    leaver = officials[0]
    leaver.user.is_active = False
    leaver.user.save()
    return officials


def direct_count(unit_path: str, competency) -> tuple[int, int]:
    reached = expected = 0
    for official in Official.objects.select_related("user", "unit", "position"):
        if not official.user.is_active or not official.unit.path.startswith(unit_path):
            continue
        want = ExpectedLevel.objects.filter(position=official.position, competency=competency).first()
        if want is None:
            continue
        expected += 1
        have = PersonLevel.objects.filter(user=official.user, competency=competency).first()
        reached += have is not None and have.level >= want.level
    return reached, expected


def test_the_city_map_and_the_ward_rows_match_a_direct_count(org, people, security, data_skill):
    viewer = make_admin_user()

    city = skills_map(viewer=viewer, unit=org.city)

    assert {c.pk for c in city.competencies} == {security.pk, data_skill.pk}
    for competency in (security, data_skill):
        cell = city.total.cells[competency.pk]
        assert (cell.reached, cell.expected) == direct_count(org.city.path, competency)
        for row in city.rows:
            cell = row.cells.get(competency.pk)
            assert ((cell.reached, cell.expected) if cell else (0, 0)) == direct_count(
                row.unit.path, competency
            )
    assert {row.unit.pk for row in city.rows} == {org.ward_a.pk, org.ward_b.pk}


def test_drilling_into_a_ward_gives_its_offices(org, people, security):
    viewer = make_admin_user()
    ward = skills_map(viewer=viewer, unit=org.ward_a)
    assert [row.unit.pk for row in ward.rows] == [org.office_a.pk]
    cell = ward.total.cells[security.pk]
    assert (cell.reached, cell.expected) == direct_count(org.ward_a.path, security)


def test_the_position_filter_keeps_only_that_positions_people(org, people, security, data_skill):
    viewer = make_admin_user()
    justice = skills_map(viewer=viewer, unit=org.city, position_id=org.justice.pk)
    assert [c.pk for c in justice.competencies] == [security.pk]
    expected_people = sum(1 for o in people if o.position_id == org.justice.pk and o.user.is_active)
    assert justice.total.cells[security.pk].expected == expected_people


def test_an_hr_manager_of_one_ward_sees_only_that_ward(org, people, security):
    hr = make_hr(org.ward_b)
    mine = skills_map(viewer=hr, unit=None)
    assert [row.unit.pk for row in mine.rows] == [org.ward_b.pk]
    cell = mine.total.cells[security.pk]
    assert (cell.reached, cell.expected) == direct_count(org.ward_b.path, security)
    units = {o.unit_id for o in cell_people(viewer=hr, unit=None, competency=security)}
    assert units == {org.ward_b.pk}


def test_a_cells_people_come_lowest_level_first_with_their_level(org, people, security):
    viewer = make_admin_user()
    rows = list(cell_people(viewer=viewer, unit=org.ward_a, competency=security))
    assert [r.level for r in rows] == sorted(r.level for r in rows)
    assert len(rows) == direct_count(org.ward_a.path, security)[1]


def test_the_biggest_gap_suggests_the_courses_that_give_evidence(org, people, security, data_skill):
    course = make_course(make_catalogue(), title="An toàn thông tin cho cán bộ phường")
    Evidence.objects.create(competency=security, level=3, kind=Evidence.Kind.COURSE, page=course.page_ptr)
    viewer = make_admin_user()
    suggestions = gap_suggestions(skills=skills_map(viewer=viewer, unit=org.city))
    by_competency = {s.competency.pk: s for s in suggestions}
    assert [c.pk for c in by_competency[security.pk].courses] == [course.pk]
    reached, expected = direct_count(org.city.path, security)
    assert by_competency[security.pk].missing == expected - reached


def test_an_hr_manager_of_units_at_two_depths_gets_a_row_for_each(org, people, security):
    hr = make_hr(org.office_a, org.ward_b)
    mine = skills_map(viewer=hr, unit=None)
    assert {row.unit.pk for row in mine.rows} == {org.office_a.pk, org.ward_b.pk}
    for row in mine.rows:
        cell = row.cells.get(security.pk)
        assert ((cell.reached, cell.expected) if cell else (0, 0)) == direct_count(row.unit.path, security)


# --- The snapshot a large map reads ("as of") ---------------------------------------------------------


def plain(skills) -> dict:
    """What the page shows of a map: every row's cells, comparable."""
    return {
        (row.unit.pk if row.unit else None): {
            c: (cell.reached, cell.expected) for c, cell in row.cells.items()
        }
        for row in [skills.total, *skills.rows]
    }


@pytest.fixture
def large(settings):
    settings.SKILLS_MAP_LIVE_LIMIT = 0  # these small maps count as large: they read the snapshot


def test_the_snapshots_figures_equal_the_live_map_and_a_direct_count(
    org, people, security, data_skill, large
):
    snapshot = map_snapshot_take()
    admin, hr_b, hr_two = make_admin_user(), make_hr(org.ward_b), make_hr(org.office_a, org.ward_b)
    views = [
        (admin, org.city, None),
        (admin, None, None),
        (admin, org.ward_a, None),
        (admin, org.city, org.justice.pk),
        (hr_b, None, None),
        (hr_two, None, None),
    ]
    for viewer, unit, position_id in views:
        shown = skills_map(viewer=viewer, unit=unit, position_id=position_id)
        assert shown.as_of == snapshot.taken_at
        live = skills_map(viewer=viewer, unit=unit, position_id=position_id, live=True)
        assert live.as_of is None
        assert plain(shown) == plain(live)
    city = skills_map(viewer=admin, unit=org.city)
    for competency in (security, data_skill):
        for row in [city.total, *city.rows]:
            cell = row.cells.get(competency.pk)
            path = row.unit.path if row.unit else org.city.path
            assert ((cell.reached, cell.expected) if cell else (0, 0)) == direct_count(path, competency)


def test_the_map_keeps_the_snapshots_figures_until_the_next_one(org, people, security, large):
    map_snapshot_take()
    viewer = make_admin_user()
    before = plain(skills_map(viewer=viewer, unit=org.city))
    chair = next(o for o in people if o.position_id == org.chair.pk and o.user.is_active)
    PersonLevel.objects.update_or_create(user=chair.user, competency=security, defaults={"level": 4})
    newcomer = make_official(org.ward_b, position=org.justice)
    PersonLevel.objects.create(user=newcomer.user, competency=security, level=2)

    assert plain(skills_map(viewer=viewer, unit=org.city)) == before  # as of the snapshot
    map_snapshot_take()
    after = skills_map(viewer=viewer, unit=org.city)
    assert plain(after) == plain(skills_map(viewer=viewer, unit=org.city, live=True)) != before
    assert after.total.cells[security.pk].expected == direct_count(org.city.path, security)[1]


def test_a_small_map_and_a_stale_snapshot_are_counted_live(org, people, security, settings):
    settings.SKILLS_MAP_LIVE_LIMIT = 10_000
    map_snapshot_take()
    assert skills_map(viewer=make_admin_user(), unit=org.city).as_of is None  # a few people: live

    settings.SKILLS_MAP_LIVE_LIMIT = 0
    old = timezone.now() - snapshots.max_age() - timedelta(minutes=1)
    MapSnapshot.objects.all().delete()
    map_snapshot_take(now=old)
    assert skills_map(viewer=make_admin_user(), unit=org.city).as_of is None


def test_taking_the_snapshot_again_keeps_one_with_the_same_counts(org, people, large):
    first = map_snapshot_take()
    rows = set(
        MapSnapshotCounts.objects.values_list(
            "unit_id", "position_id", "competency_id", "expected", "reached"
        )
    )
    assert rows
    second = map_snapshot_take()
    assert list(MapSnapshot.objects.values_list("pk", flat=True)) == [second.pk] != [first.pk]
    again = MapSnapshotCounts.objects.values_list(
        "unit_id", "position_id", "competency_id", "expected", "reached"
    )
    assert set(again) == rows
    assert map_snapshot_refresh_task() == MapSnapshot.objects.get().taken_at.isoformat()


def test_the_command_refreshes_the_snapshot(org, people, large):
    out = StringIO()
    call_command("skills_map_refresh", stdout=out)
    assert MapSnapshot.objects.filter(finished_at__isnull=False).count() == 1
    assert "Skills map as of" in out.getvalue()


def test_the_map_costs_the_same_queries_with_3_or_30_people(org, security, data_skill, large):
    """Query budgets, live and from the snapshot: the count does not grow with the number of people."""
    ExpectedLevel.objects.create(position=org.chair, competency=security, level=2)
    ExpectedLevel.objects.create(position=org.justice, competency=data_skill, level=2)
    admin = make_admin_user()

    def costs() -> tuple[int, int]:
        map_snapshot_take()
        viewer = type(admin).objects.get(pk=admin.pk)  # as a new request loads it: no scope kept
        with CaptureQueriesContext(connection) as live:
            skills_map(viewer=viewer, unit=org.city, live=True)
        viewer = type(admin).objects.get(pk=admin.pk)
        with CaptureQueriesContext(connection) as from_snapshot:
            assert skills_map(viewer=viewer, unit=org.city).as_of is not None
        return len(live), len(from_snapshot)

    for unit in (org.ward_a, org.ward_b, org.office_a):
        make_official(unit, position=org.chair)
    few = costs()
    for n in range(27):
        official = make_official((org.ward_a, org.ward_b, org.office_a)[n % 3], position=org.justice)
        PersonLevel.objects.create(user=official.user, competency=data_skill, level=1 + n % 3)
    assert costs() == few
    # Live: the viewer's role, competences, row units, profiles, officials, levels. From the snapshot: the
    # role, competences, row units, the snapshot, its counts.
    assert few == (6, 5)
