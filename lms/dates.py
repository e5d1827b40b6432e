"""Days and hours as Ho Chi Minh City counts them: the platform's one time zone (`settings.TIME_ZONE`).

Django converts to the *current* time zone, which a request may change: the Wagtail admin activates the
time zone each person chose in their profile. Due dates, reports, certificates, reminders and exports count
calendar days in the platform's zone whoever looks, so they convert here, never with `timezone.localtime`
or `localdate` without a zone.

Shared like lms/errors.py: any app may import this module; it imports no app.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def site_zone() -> ZoneInfo:
    """The platform's time zone (Asia/Ho_Chi_Minh), whatever zone is active."""
    return ZoneInfo(settings.TIME_ZONE)


def local(moment: datetime) -> datetime:
    """The moment on Ho Chi Minh City's clock. A naive datetime is refused (ValueError): it is not a moment
    until someone says in which zone it was read; `aware` says so for the platform's zone."""
    if timezone.is_naive(moment):
        raise ValueError(f"A naive datetime has no place in time: {moment!r}")
    return moment.astimezone(site_zone())


def local_date(moment: datetime | None) -> date | None:
    """The calendar day of a moment in Ho Chi Minh City; None stays None (a moment that has not happened)."""
    return local(moment).date() if moment is not None else None


def today(now: datetime | None = None) -> date:
    """Today in Ho Chi Minh City (or the day of `now` there)."""
    return local(now or timezone.now()).date()


def aware(moment: datetime) -> datetime:
    """A naive datetime read on Ho Chi Minh City's clock (e.g. from JSON); an aware one unchanged."""
    return timezone.make_aware(moment, site_zone()) if timezone.is_naive(moment) else moment


def at(day: date, clock: time = time.min) -> datetime:
    """The moment Ho Chi Minh City's clock shows `clock` on `day` (its first moment by default)."""
    return timezone.make_aware(datetime.combine(day, clock), site_zone())


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first moment of a year and of the next one, in Ho Chi Minh City."""
    return at(date(year, 1, 1)), at(date(year + 1, 1, 1))


def date_vn(value: date | datetime | None) -> str:
    """dd/mm/yyyy, the Vietnamese way, of a day or of a moment's day in Ho Chi Minh City; "" for None."""
    if value is None:
        return ""
    day = local(value).date() if isinstance(value, datetime) else value
    return day.strftime("%d/%m/%Y")
