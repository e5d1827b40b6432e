"""Test settings: SQLite by default, PostgreSQL when DATABASE_URL names it (CI runs both)."""

import os
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405 — each test gets its own folder (tests/conftest.py)
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"  # noqa: F405 — the same
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "lms.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "1") == "1"
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING = {"version": 1, "disable_existing_loggers": False}


def _redis_url_of_xdist_worker(url: str) -> str:
    """scripts/test runs the suite in processes of pytest-xdist (gw0, gw1, …). Each has a test database of its
    own (pytest-django adds _gw0, _gw1), and here a Redis database of its own: tests empty the cache (a
    FLUSHDB on Redis) and count what the broker's queues hold. gw0 keeps the database REDIS_URL names, gw1
    the one below it, and so on. The same in the Celery workers the worker tests start (they inherit
    PYTEST_XDIST_WORKER), so they find the queues of the test that started them."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) - int(worker[2:])
    if number < 0:
        raise ImproperlyConfigured(
            f"REDIS_URL names database {parts.path.strip('/') or 0}: too low for xdist worker {worker}, "
            "which takes the database that many below it. Name a higher one (CI: /15)."
        )
    return urlunsplit(parts._replace(path=f"/{number}"))


REDIS_URL = _redis_url_of_xdist_worker(REDIS_URL)  # noqa: F405
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or CELERY_BROKER_URL  # noqa: F405
