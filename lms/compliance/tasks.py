"""Celery tasks of mandatory training. Scheduling them (Celery beat) is issue 6's work."""

from datetime import datetime, time

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from lms import dates

from . import services

RENEWAL_BATCH = 1000


def parse_moment(now) -> datetime | None:
    """`now` as given to the task: None, a datetime, or an ISO 8601 date or date and time (tasks travel as
    JSON). A date alone means its first moment in the platform's time zone."""
    if now is None or isinstance(now, datetime):
        return now
    text = str(now).strip()
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise ValueError(f"Not a date and time: {now!r}")
        moment = datetime.combine(day, time.min)
    return dates.aware(moment)


def renewals_open_all(*, now: datetime | None = None) -> int:
    """Open every recertification cycle that is due, batch after batch. Returns how many were opened.

    Safe to run twice or in parallel: `services.renewals_open` opens each cycle under a row lock and a
    renewed obligation is no longer a candidate."""
    now = now or timezone.now()
    opened = 0
    while True:
        batch = services.renewals_open(now=now, limit=RENEWAL_BATCH)
        opened += batch
        if batch < RENEWAL_BATCH:
            return opened


@shared_task(acks_late=True, reject_on_worker_lost=True)
def renewals_open_task(now=None) -> int:
    """Periodic: open the next cycle of completions whose validity ends within the notice period."""
    return renewals_open_all(now=parse_moment(now))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dashboard_figures_refresh_task() -> str:
    """Periodic: count the HR dashboard's figures again (`reports.snapshot.snapshot_take`). Safe to run twice
    or at once: each run writes a whole snapshot and only the latest is read. Returns its moment."""
    from .reports.snapshot import snapshot_take

    return snapshot_take().taken_at.isoformat()
