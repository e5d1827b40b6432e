"""The completion curve counts each completion in its month in Ho Chi Minh City, from month boundaries
computed in Python (one conditional count per boundary), and ends at the headline figure."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.compliance.models import Obligation
from lms.compliance.reports.selectors import completion_over_time, dashboard_summary
from lms.compliance.status import Status, status_of
from tests.lms.compliance.report_data import add_people, build_city

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 15, 5, 0, tzinfo=UTC)
END_OF_JANUARY_THERE = datetime(2026, 1, 31, 16, 59, 59, tzinfo=UTC)  # 23:59:59 on 31/01 in HCM City
START_OF_FEBRUARY_THERE = datetime(2026, 1, 31, 17, 0, tzinfo=UTC)  # 00:00 on 01/02 in HCM City


@pytest.fixture
def city(catalogue):
    return build_city(catalogue)


def complete_obligations(obligations, moments):
    for obligation, moment in zip(obligations, moments, strict=True):
        Obligation.objects.filter(pk=obligation.pk).update(
            started_at=moment - timedelta(hours=1), completed_at=moment
        )


def test_a_completion_counts_in_its_month_in_ho_chi_minh_city(city):
    done = Obligation.objects.filter(is_current=True, completed_at__isnull=False).order_by("pk")
    complete_obligations(done, [END_OF_JANUARY_THERE, START_OF_FEBRUARY_THERE])

    points = completion_over_time(viewer=city.hr, unit=city.org.city, now=NOW)

    by_month = {point.month: point.completed for point in points}
    assert by_month[date(2026, 1, 1)] == 1
    assert by_month[date(2026, 2, 1)] == 1
    assert points[-1].month == date(2026, 3, 1) and points[0].month == date(2025, 4, 1)
    assert points[-1].cumulative == 2


def test_every_month_matches_the_months_of_the_rows(city):
    extra = add_people(city.org.ward_b, 14, course=city.course, by=city.admin)
    obligations = list(
        Obligation.objects.filter(is_current=True, user__in=[o.user for o in extra], course=city.course)
    )
    moments = [
        datetime(2024, 11, 3, 2, 0, tzinfo=UTC),  # long before the window
        datetime(2025, 3, 31, 16, 59, tzinfo=UTC),  # the last minute before the window, there
        datetime(2025, 3, 31, 17, 0, tzinfo=UTC),  # its first moment
        datetime(2025, 6, 15, 9, 0, tzinfo=UTC),
        datetime(2025, 6, 30, 18, 0, tzinfo=UTC),  # 1 July there
        datetime(2025, 9, 1, 0, 0, tzinfo=UTC),
        datetime(2025, 12, 31, 16, 30, tzinfo=UTC),
        datetime(2025, 12, 31, 17, 30, tzinfo=UTC),  # New Year there
        END_OF_JANUARY_THERE,
        START_OF_FEBRUARY_THERE,
        datetime(2026, 3, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 15, 4, 0, tzinfo=UTC),
        datetime(2026, 4, 2, 6, 0, tzinfo=UTC),  # after the window: in the headline, in no month
    ]
    complete_obligations(obligations[: len(moments)], moments)
    lapsed = obligations[len(moments)]  # a completion whose validity ran out does not count
    Obligation.objects.filter(pk=lapsed.pk).update(
        completed_at=datetime(2025, 8, 1, tzinfo=UTC), valid_until=datetime(2026, 2, 1, tzinfo=UTC)
    )

    points = completion_over_time(viewer=city.hr, unit=city.org.city, now=NOW)

    window = [point.month for point in points]
    expected = dict.fromkeys(window, 0)
    before = after = 0
    for row in Obligation.objects.filter(is_current=True, unit__path__startswith=city.org.city.path):
        if status_of(row, NOW) != Status.COMPLETED:
            continue
        local = row.completed_at.astimezone(HCM).date().replace(day=1)
        if local < window[0]:
            before += 1
        elif local in expected:
            expected[local] += 1
        else:
            after += 1
    assert {point.month: point.completed for point in points} == expected
    assert points[0].cumulative == before + expected[window[0]]
    top, _children = dashboard_summary(viewer=city.hr, unit=city.org.city, now=NOW)
    assert after >= 1
    assert points[-1].cumulative == top.completed - after
    assert points[-1].percent == round(100 * points[-1].cumulative / top.counted, 1)


def test_given_figures_give_the_same_curve_with_fewer_queries(city):
    top, _children = dashboard_summary(viewer=city.hr, unit=city.org.ward_a, now=NOW)

    with CaptureQueriesContext(connection) as alone:
        computed = completion_over_time(viewer=city.hr, unit=city.org.ward_a, now=NOW)
    with CaptureQueriesContext(connection) as given:
        reused = completion_over_time(viewer=city.hr, unit=city.org.ward_a, now=NOW, figures=top)

    assert reused == computed
    assert len(given) < len(alone)


@pytest.mark.parametrize("months", [3, 24])
def test_one_query_whatever_the_number_of_months(city, months):
    top, _children = dashboard_summary(viewer=city.hr, unit=city.org.city, now=NOW)

    with CaptureQueriesContext(connection) as queries:
        points = completion_over_time(viewer=city.hr, unit=city.org.city, now=NOW, figures=top, months=months)

    assert len(points) == months
    assert len(queries) == 2  # the ids of the subtree's units, then the counts
