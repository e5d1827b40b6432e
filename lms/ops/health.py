"""The health of the installation, part by part: database, Celery broker, cache and Celery beat.

Each check answers "ok" or a short fixed word saying what is wrong, never an exception's text (which could
name hosts or users). Every check is bounded by a short timeout, so a part that hangs cannot hang the
load balancer's probe.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"  # could not be reached or answered wrongly
STALE = "stale"  # beat has not run the sweep for too long
DISABLED = "disabled"  # the sweep's schedule is switched off
MISSING = "missing"  # the sweep has no schedule (setup_reminder_schedules never ran)

SWEEP_SCHEDULE = "reminders.sweep"  # lms/reminders/management/commands/setup_reminder_schedules.py
# Beat writes last_run_at to the database every few minutes (django-celery-beat syncs every 3 minutes):
# a sweep counts as late after this many of its intervals, plus that delay.
STALE_AFTER_INTERVALS = 3
BEAT_WRITE_DELAY = timedelta(minutes=5)


def check_database(alias: str = "default") -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    except DatabaseError:
        logger.warning("Health: the database %s is unavailable.", alias, exc_info=True)
        return UNAVAILABLE
    return OK if row and row[0] == 1 else UNAVAILABLE


def check_broker(timeout: float | None = None) -> str:
    """Open a connection to Celery's broker (one attempt, no retry) and close it."""
    from lms.celery import app

    timeout = settings.HEALTH_BROKER_TIMEOUT if timeout is None else timeout
    try:
        with app.connection_for_write(connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=0, timeout=timeout)
    except Exception:  # any transport's error: kombu, redis, socket
        logger.warning("Health: the Celery broker is unavailable.", exc_info=True)
        return UNAVAILABLE
    return OK


def check_cache(alias: str = "default") -> str:
    """Write a random value and read it back."""
    key, value = f"health:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache = caches[alias]
        cache.set(key, value, timeout=10)
        found = cache.get(key)
        cache.delete(key)
    except Exception:  # any backend's error: redis, memcached, file system
        logger.warning("Health: the cache is unavailable.", exc_info=True)
        return UNAVAILABLE
    return OK if found == value else UNAVAILABLE


def _interval(task) -> timedelta | None:
    if task.interval is not None:
        return timedelta(**{task.interval.period: task.interval.every})
    return None


def check_beat(now=None) -> str:
    """Whether Celery beat runs the reminders sweep: its last run is no older than a few of its intervals
    (a schedule that is not an interval, e.g. a crontab an administrator chose, is allowed a day)."""
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    try:
        task = PeriodicTask.objects.select_related("interval").filter(name=SWEEP_SCHEDULE).first()
    except DatabaseError:
        return UNAVAILABLE
    if task is None:
        return MISSING
    if not task.enabled:
        return DISABLED
    interval = _interval(task) or timedelta(days=1)
    # A schedule that has not run yet counts from when it was created or last changed.
    since = task.last_run_at or task.date_changed
    if since is None or now - since > STALE_AFTER_INTERVALS * interval + BEAT_WRITE_DELAY:
        return STALE
    return OK


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "cache": check_cache,
    "beat": check_beat,
}


def health(names=None) -> dict[str, str]:
    """{check: "ok" or what is wrong} for the named checks (all of them by default), in a fixed order."""
    return {name: check() for name, check in CHECKS.items() if names is None or name in names}
