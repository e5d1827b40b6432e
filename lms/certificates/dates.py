"""Dates on certificates are the calendar dates of Ho Chi Minh City, whatever time zone is active."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment, site_zone()).date()


def date_vn(moment: datetime) -> str:
    """dd/mm/yyyy, the Vietnamese way."""
    return local_date(moment).strftime("%d/%m/%Y")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first moment of a year and of the next one, in the site's time zone."""
    zone = site_zone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
