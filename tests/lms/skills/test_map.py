"""The HR skills map: figures against a direct count, drill-down, a cell's people, scoping, suggestions."""

import random

import pytest

from lms.people.models import Official
from lms.skills.models import Evidence, ExpectedLevel, PersonLevel
from lms.skills.selectors import cell_people, gap_suggestions, skills_map
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
