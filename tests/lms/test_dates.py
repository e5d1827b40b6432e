"""lms/dates.py: calendar days as Ho Chi Minh City counts them, whatever time zone a request activated."""

import ast
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from lms import dates

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# Midnight between 1 and 2 March 2025 in Ho Chi Minh City (UTC+7) is 17:00 UTC on 1 March.
JUST_BEFORE = datetime(2025, 3, 1, 16, 59, 59, 999999, tzinfo=UTC)
JUST_AFTER = datetime(2025, 3, 1, 17, 0, tzinfo=UTC)
# Zones a request may activate (Wagtail: a person's chosen admin time zone), on either side of the date line.
OTHER_ZONES = ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"]
APPS = ("lms", "courses", "content")  # the project's packages: lms.dates is shared and imports none of them


def test_the_site_zone_is_ho_chi_minh_city():
    assert dates.site_zone() == HCM


@pytest.mark.parametrize("active", OTHER_ZONES)
def test_the_day_turns_at_midnight_in_ho_chi_minh_city_whatever_zone_is_active(active):
    with timezone.override(active):
        assert dates.local_date(JUST_BEFORE) == date(2025, 3, 1)
        assert dates.local_date(JUST_AFTER) == date(2025, 3, 2)
        assert dates.today(JUST_BEFORE) == date(2025, 3, 1)
        assert dates.today(JUST_AFTER) == date(2025, 3, 2)


@pytest.mark.parametrize("active", OTHER_ZONES)
def test_a_moment_is_shown_on_ho_chi_minh_city_clock(active):
    with timezone.override(active):
        shown = dates.local(JUST_AFTER)
    assert (shown.date(), shown.time(), shown.utcoffset().total_seconds()) == (
        date(2025, 3, 2),
        time(0),
        7 * 3600,
    )
    assert shown == JUST_AFTER  # the same moment, only read on another clock


def test_today_without_a_moment_is_the_current_day_in_ho_chi_minh_city():
    with timezone.override("Pacific/Kiritimati"):  # UTC+14: a day ahead of UTC half of the time
        assert dates.today() == timezone.now().astimezone(HCM).date()


def test_a_naive_datetime_is_refused_where_a_moment_is_needed():
    naive = datetime(2025, 3, 1, 23, 59)
    with pytest.raises(ValueError):
        dates.local(naive)
    with pytest.raises(ValueError):
        dates.local_date(naive)
    with pytest.raises(ValueError):
        dates.date_vn(naive)


def test_aware_reads_a_naive_datetime_on_ho_chi_minh_city_clock():
    with timezone.override("UTC"):
        moment = dates.aware(datetime(2025, 3, 2, 0, 0))
    assert moment == JUST_AFTER
    assert dates.aware(JUST_BEFORE) is JUST_BEFORE  # an aware moment is left as it is


def test_none_stays_none():
    assert dates.local_date(None) is None
    assert dates.date_vn(None) == ""


def test_at_gives_the_moments_a_ho_chi_minh_city_clock_shows():
    with timezone.override("UTC"):
        assert dates.at(date(2025, 3, 2)) == JUST_AFTER
        assert dates.at(date(2025, 3, 1), time.max) == JUST_BEFORE


def test_a_year_runs_from_midnight_to_midnight_in_ho_chi_minh_city():
    start, end = dates.year_bounds(2025)
    assert start == datetime(2024, 12, 31, 17, 0, tzinfo=UTC)
    assert end == datetime(2025, 12, 31, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("active", OTHER_ZONES)
def test_date_vn_writes_the_day_in_ho_chi_minh_city_the_vietnamese_way(active):
    with timezone.override(active):
        assert dates.date_vn(JUST_BEFORE) == "01/03/2025"
        assert dates.date_vn(JUST_AFTER) == "02/03/2025"
    assert dates.date_vn(date(2025, 3, 9)) == "09/03/2025"


def test_the_module_imports_no_app():
    tree = ast.parse(Path(dates.__file__).read_text(encoding="utf-8"))
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    ]
    assert imported and not [
        name for name in imported if name is None or name.split(".")[0] in ("lms", "courses", "content")
    ]
