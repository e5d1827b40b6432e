"""Which reminders are due, as pure functions of an obligation and the clock.

A reminder applies only once its moment has come and only if the obligation existed before that moment;
when the sweep missed a day, only the latest applicable reminder of a series is due, so a missed day is
caught up once instead of sending every missed step at once.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from lms import dates

from .models import Kind

COMPLETION_NOTICE_DAYS = 7  # a completion confirmation is not sent later than this
NOTICE_DAYS = 14  # nor the notice of a new assignment


def quiet_until(now: datetime) -> datetime | None:
    """The end of the quiet hours if `now` falls inside them (21:00–07:00 in Asia/Ho_Chi_Minh), else None."""
    local = dates.local(now)
    start, end = settings.REMINDER_QUIET_START_HOUR, settings.REMINDER_QUIET_END_HOUR
    if end <= local.hour < start:
        return None
    day = local.date() if local.hour < end else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(end, 0)), timezone.get_default_timezone())


def allowed_from(now: datetime) -> datetime:
    return quiet_until(now) or now


def due_reminders(obligation, now: datetime) -> list[tuple[str, int]]:
    """(kind, offset) pairs due now for one obligation (a row or any object with the same attributes)."""
    if not obligation.is_current or obligation.exempt_at is not None:
        return []
    if obligation.completed_at is not None:
        recent = now - obligation.completed_at <= timedelta(days=COMPLETION_NOTICE_DAYS)
        if obligation.completed_at >= obligation.opened_at and recent:
            # One confirmation per completion: a completion taken back by a revoked certificate and made
            # again is confirmed again (the offset counts the reopenings).
            return [(Kind.COMPLETED, obligation.reopen_count)]
        return []
    due = []
    if now - obligation.opened_at <= timedelta(days=NOTICE_DAYS):
        due.append((Kind.EXPIRING if obligation.cycle > 1 else Kind.ASSIGNED, 0))
    today, due_day = dates.local(now).date(), dates.local(obligation.due_at).date()
    opened_day = dates.local(obligation.opened_at).date()
    if now <= obligation.due_at:
        days_left = (due_day - today).days
        if days_left == 0:
            if opened_day < due_day:
                due.append((Kind.DUE_TODAY, 0))
        else:
            steps = [d for d in settings.REMINDER_DUE_SOON_DAYS if days_left <= d]
            if steps:
                step = min(steps)
                if opened_day < due_day - timedelta(days=step):
                    due.append((Kind.DUE_SOON, step))
    else:
        days_late = (today - due_day).days
        if days_late >= 1:
            week = (days_late - 1) // 7
            if week < settings.REMINDER_OVERDUE_MAX:
                due.append((Kind.OVERDUE, week))
    return due


def digest_period(now: datetime) -> str:
    year, week, _weekday = dates.local(now).isocalendar()
    return f"{year}-W{week:02d}"


def is_digest_day(now: datetime) -> bool:
    """Whether this week's digests are due: from the digest weekday to the end of the (ISO) week, so a sweep
    that did not run on the digest day catches the digests up once on a later day of the same week (the
    unique key (recipient, kind, period) keeps them to one a week)."""
    return dates.local(now).weekday() >= settings.REMINDER_DIGEST_WEEKDAY


NUDGE_EPOCH = date(2000, 1, 1)


def nudge_day(now: datetime) -> int:
    """The day number a nudge is keyed by (its `offset`): days since 2000-01-01 in Ho Chi Minh City, so the
    same calendar day of another year is a different day."""
    return (dates.local(now).date() - NUDGE_EPOCH).days
