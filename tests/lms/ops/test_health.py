"""The health endpoint: every part healthy, then each part failing for real (no mocks): the broker on an
unused port, the database unreachable, beat that stopped running the sweep."""

import os
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from lms.ops import health
from tests.smtp import free_port

pytestmark = pytest.mark.django_db

URL = "/health/"


@pytest.fixture(autouse=True)
def real_cache(settings):
    """Where REDIS_URL is set (the PostgreSQL runs in CI), the cache is a real Redis, as in production: the
    Redis database of this test process (lms/settings/test.py)."""
    if os.environ.get("REDIS_URL"):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": settings.REDIS_URL,
            }
        }


def sweep_schedule(*, last_run_at, every=15, enabled=True) -> PeriodicTask:
    interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=IntervalSchedule.MINUTES)
    return PeriodicTask.objects.create(
        name=health.SWEEP_SCHEDULE,
        task="reminders.sweep",
        interval=interval,
        enabled=enabled,
        last_run_at=last_run_at,
    )


@pytest.fixture
def beat_running(db):
    return sweep_schedule(last_run_at=timezone.now() - timedelta(minutes=10))


def test_everything_healthy_answers_200(client, beat_running):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "cache": "ok", "beat": "ok"},
        "failed": [],
    }
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"


def test_no_login_is_needed_and_no_session_is_started(client, beat_running):
    response = client.get(URL)

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_the_broker_down_answers_503_naming_it(client, beat_running, monkeypatch):
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there

    response = client.get(URL)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"] == "unavailable"
    assert response["Cache-Control"] == "no-store"


@pytest.fixture
def database_unreachable():
    """The default connection replaced, for the request, by one to a database that does not exist."""
    original = connections["default"]
    settings_dict = dict(original.settings_dict)
    if original.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent/smartward-health/db.sqlite3"
    else:
        settings_dict["NAME"] = "smartward_health_missing_database"
    broken = original.__class__(settings_dict, alias="default")
    connections["default"] = broken
    try:
        yield broken
    finally:
        broken.close()
        connections["default"] = original


def test_the_database_down_answers_503_naming_it(client, beat_running, database_unreachable):
    response = client.get(URL)

    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "unavailable"
    assert body["checks"]["beat"] == "unavailable"  # read from the database: cannot be told
    assert body["checks"]["broker"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert "database" in body["failed"]


def test_beat_that_stopped_answers_503_naming_it(client):
    sweep_schedule(last_run_at=timezone.now() - timedelta(hours=2))  # 15-minute sweep: 8 runs missed

    response = client.get(URL)

    assert response.status_code == 503
    assert response.json()["failed"] == ["beat"]
    assert response.json()["checks"]["beat"] == "stale"


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (None, "missing"),
        ({"last_run_at": None}, "ok"),  # just created: its first run is still to come
        ({"last_run_at": timezone.now() - timedelta(minutes=40)}, "ok"),  # within three intervals
        ({"last_run_at": timezone.now() - timedelta(minutes=40), "every": 5}, "stale"),
        ({"last_run_at": timezone.now(), "enabled": False}, "disabled"),
    ],
)
def test_the_beat_check(schedule, expected):
    if schedule is not None:
        sweep_schedule(**schedule)

    assert health.check_beat() == expected


def test_a_schedule_created_long_ago_that_never_ran_is_stale():
    task = sweep_schedule(last_run_at=None)
    PeriodicTask.objects.filter(pk=task.pk).update(date_changed=timezone.now() - timedelta(days=1))

    assert health.check_beat() == "stale"


def test_a_load_balancer_can_ask_for_some_checks_only(client):
    sweep_schedule(last_run_at=timezone.now() - timedelta(hours=2))  # beat is late: not a web server's fault

    response = client.get(URL, {"check": ["database", "cache"]})

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}


def test_an_unknown_check_is_refused(client):
    response = client.get(URL, {"check": "everything"})

    assert response.status_code == 400
    assert response.json() == {"status": "error", "unknown_checks": ["everything"]}


def test_only_get_is_accepted(client):
    assert client.post(URL).status_code == 405
