"""The HR dashboard's snapshot (reports.snapshot, reports.dashboard): its figures, curve and hours equal a
live count at the snapshot's moment, for every viewer and unit in their scope, before and after the changes
that move them (a completion, an exemption, a withdrawal, a new official, a moved official); until the next
snapshot the page keeps showing the old figures with their moment ("as of"); small dashboards stay live."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from lms.compliance.models import Assignment, FiguresSnapshot, Obligation, SnapshotCounts
from lms.compliance.reports import snapshot as snapshots
from lms.compliance.reports.dashboard import dashboard_figures
from lms.compliance.reports.selectors import ReportFilters, current_year, obligation_rows, people_page
from lms.compliance.services import assignment_create, assignment_withdraw, obligation_exempt
from lms.compliance.tasks import dashboard_figures_refresh_task
from lms.people.services import official_save
from tests.builders import client_for, make_catalogue, wagtail_root_ensure
from tests.lms.compliance.report_data import add_people, build_city, complete
from tests.org_builders import make_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(catalogue, settings):
    settings.DASHBOARD_LIVE_LIMIT = 0  # this small city counts as large: its dashboards read the snapshot
    return build_city(catalogue)


def views_of(city):
    """(viewer, unit) pairs of the dashboard: the administrator and the city's HR manager everywhere, ward A's
    HR manager on ward A and on "all my units"."""
    org = city.org
    return [
        (city.admin, None),
        (city.admin, org.city),
        (city.admin, org.ward_a),
        (city.admin, org.ward_b),
        (city.hr, org.city),
        (city.hr, org.ward_a),
        (city.hr_a, None),
        (city.hr_a, org.ward_a),
        (city.hr_a, org.office_a),
    ]


def plain(figures) -> dict:
    """Everything the page shows from the figures, comparable."""
    return {
        "top": dict(figures.top.counts),
        "children": [(c.unit.pk, dict(c.counts)) for c in figures.children],
        "months": [(p.month, p.completed, p.cumulative, p.percent) for p in figures.months],
        "hours": (figures.hours.total, dict(figures.hours.by_unit)),
    }


def assert_snapshot_is_exact(city, filters_list=None) -> FiguresSnapshot:
    """A snapshot now, then for every view and filter: its figures equal a live count at its moment."""
    snapshot = snapshots.snapshot_take()
    year = current_year(snapshot.taken_at)
    for filters in filters_list or [ReportFilters(), ReportFilters(course_id=city.course.pk)]:
        for viewer, unit in views_of(city):
            fast = dashboard_figures(viewer=viewer, unit=unit, year=year, filters=filters)
            live = dashboard_figures(
                viewer=viewer, unit=unit, year=year, filters=filters, now=snapshot.taken_at, live=True
            )
            assert fast.as_of == snapshot.taken_at, (viewer, unit)
            assert live.as_of is None
            assert plain(fast) == plain(live), (viewer.username, unit, filters)
    return snapshot


def city_top(city):
    return dashboard_figures(viewer=city.admin, unit=city.org.city, year=current_year())


def test_the_snapshot_equals_a_live_count_for_every_viewer_unit_and_course(city):
    snapshot = assert_snapshot_is_exact(city)
    figures = city_top(city)
    # the known figures of report_data, read from the snapshot
    assert figures.as_of == snapshot.taken_at
    top = figures.top
    assert (top.total, top.completed, top.late, top.percent) == (10, 2, 5, 22.2)
    assert figures.hours.total > 0  # the two completions issued certificates
    assert figures.months[-1].cumulative == 2


def test_a_viewer_reads_only_the_units_they_manage(city):
    snapshots.snapshot_take()
    ward_a = dashboard_figures(viewer=city.hr_a, unit=None, year=current_year())
    assert ward_a.as_of is not None
    assert ward_a.top.total == 4  # ward A only (its office included), not the city's 10
    assert [c.unit.pk for c in ward_a.children] == [city.org.ward_a.pk]
    outside = dashboard_figures(viewer=city.hr_a, unit=city.org.ward_b, year=current_year())
    assert outside.top.total == 0 and outside.children == []


def test_after_a_completion_and_an_exemption_the_old_figures_stay_as_of_until_the_next_snapshot(city):
    first = snapshots.snapshot_take()
    before = plain(city_top(city))
    late = city.people["a_late"].user
    complete(late, city.course)
    exempted = Obligation.objects.get(user=city.people["o_late"].user, course=city.course, is_current=True)
    obligation_exempt(by=city.admin, obligation=exempted, reason="Đi học tập trung")
    stale = city_top(city)
    assert stale.as_of == first.taken_at
    assert plain(stale) == before  # the snapshot's moment, as the page says
    assert_snapshot_is_exact(city)
    after = city_top(city)
    assert (after.top.completed, after.top.counts["exempt"]) == (3, 2)
    assert after.hours.total > stale.hours.total
    assert FiguresSnapshot.objects.count() == 1  # the older one is gone


def test_after_a_withdrawal(city):
    snapshots.snapshot_take()
    withdrawn = Assignment.objects.get(course=city.course_b, unit=city.org.ward_b)
    assignment_withdraw(by=city.admin, assignment=withdrawn)
    snapshot = assert_snapshot_is_exact(city)
    assert city_top(city).top.total == 8
    assert not SnapshotCounts.objects.filter(snapshot=snapshot, course=city.course_b).exists()


def test_after_a_new_official_and_a_moved_official(city):
    snapshots.snapshot_take()
    make_official(city.org.ward_b, name="Người Mới")  # the city-wide course reaches them
    moved = city.people["a_late"]
    official_save(
        employee_code=moved.employee_code,
        full_name=moved.user.full_name,
        unit=city.org.ward_b,
        email=moved.user.email,
    )
    assert_snapshot_is_exact(city)
    figures = city_top(city)
    totals = {c.unit.pk: c.total for c in figures.children}
    assert figures.top.total == 13  # the newcomer's two courses, ward B's course for a_late
    assert totals[city.org.ward_a.pk] == 3  # a_late left ward A …
    assert totals[city.org.ward_b.pk] == 8  # … and ward B has them and the newcomer, two courses each


def test_time_alone_changes_a_status_and_the_snapshot_counts_as_of_its_moment(city):
    """Course 2 falls due in 30 days: a snapshot taken as of 31 days later counts ward B's two as overdue."""
    later = timezone.now() + timedelta(days=31)
    snapshot = snapshots.snapshot_take(now=later)
    fast = dashboard_figures(viewer=city.admin, unit=city.org.city, year=current_year(later), now=later)
    live = dashboard_figures(
        viewer=city.admin, unit=city.org.city, year=current_year(later), now=later, live=True
    )
    assert fast.as_of == snapshot.taken_at
    assert plain(fast) == plain(live)
    assert fast.top.late == 7


def test_a_due_period_a_stale_snapshot_or_a_small_dashboard_count_live(city, settings):
    assert city_top(city).as_of is None  # no snapshot yet
    snapshots.snapshot_take(now=timezone.now() - timedelta(minutes=31))
    assert city_top(city).as_of is None  # too old to be shown
    snapshots.snapshot_take()
    today = timezone.localdate()
    period = ReportFilters(due_from=today - timedelta(days=400), due_to=today + timedelta(days=400))
    assert dashboard_figures(viewer=city.admin, unit=None, year=today.year, filters=period).as_of is None
    assert city_top(city).as_of is not None
    settings.DASHBOARD_LIVE_LIMIT = 10  # the city's 10 obligations: small enough to count live
    assert city_top(city).as_of is None


def test_the_page_says_as_of_when_it_shows_a_snapshot(city):
    snapshot = snapshots.snapshot_take()
    url = reverse("compliance_reports:unit", args=[city.org.city.pk])
    with translation.override("vi"):
        html = client_for(city.admin).get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    moment = timezone.localtime(snapshot.taken_at)
    assert f"Số liệu lúc {moment:%H:%M} ngày {moment:%d/%m/%Y}" in html
    assert 'id="figure-total" data-value="10"' in html
    snapshot.delete()
    html = client_for(city.admin).get(url).content.decode()
    assert 'id="figures-as-of"' not in html
    assert 'id="figure-total" data-value="10"' in html


def test_the_task_and_the_command_take_a_snapshot(city):
    moment = dashboard_figures_refresh_task()
    assert FiguresSnapshot.objects.get().taken_at.isoformat() == moment
    out = StringIO()
    call_command("dashboard_figures_refresh", stdout=out)
    assert "Dashboard figures as of" in out.getvalue()
    assert FiguresSnapshot.objects.count() == 1  # run again: still one latest snapshot
    assert_snapshot_is_exact(city)


def test_a_course_assigned_after_the_snapshot_appears_at_the_next(city):
    snapshots.snapshot_take()
    assignment_create(by=city.admin, course=city.course_b, unit=city.org.ward_a, due_days=10)
    assert city_top(city).top.total == 10
    assert_snapshot_is_exact(city, [ReportFilters(course_id=city.course_b.pk)])
    assert city_top(city).top.total == 14


@pytest.mark.parametrize("status", [None, "late", "completed", "exempt", "not_started"])
def test_the_people_lists_length_from_the_snapshot_equals_a_live_count(city, status):
    snapshot = snapshots.snapshot_take()
    for course_id in (None, city.course.pk):
        filters = ReportFilters(course_id=course_id, status=status)
        for viewer, unit in views_of(city):
            fast = dashboard_figures(viewer=viewer, unit=unit, year=current_year(), filters=filters)
            live = people_page(viewer=viewer, unit=unit, filters=filters, now=snapshot.taken_at)
            assert fast.people_count == live.paginator.count, (viewer.username, unit, filters)
            with_count = people_page(viewer=viewer, unit=unit, filters=filters, count=fast.people_count)
            assert list(with_count.object_list) == list(live.object_list)


def test_a_page_reads_the_same_rows_in_the_same_order_as_one_query(city):
    """The two-step page (ids in list order, then the rows) equals the list read in one query."""
    add_people(city.org.ward_b, 70, course=city.course, by=city.admin)
    rows = list(obligation_rows(viewer=city.admin, unit=city.org.city))
    pages = [people_page(viewer=city.admin, unit=city.org.city, page_number=n) for n in (1, 2, 3)]
    assert pages[0].paginator.count == len(rows) == 150  # 70 newcomers with two courses each, and the 10
    assert [row for page in pages for row in page.object_list] == rows


@pytest.mark.django_db(transaction=True)
def test_the_task_outside_any_transaction_counts_in_one_state_of_the_database(settings):
    """As Celery runs it: its own transaction (REPEATABLE READ on PostgreSQL), exact, run twice."""
    settings.DASHBOARD_LIVE_LIMIT = 0
    wagtail_root_ensure()
    city = build_city(make_catalogue(), admin_username="quantri_baocao_tx")
    dashboard_figures_refresh_task()
    assert_snapshot_is_exact(city)
    assert FiguresSnapshot.objects.count() == 1
