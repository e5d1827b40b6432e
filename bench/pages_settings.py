"""Settings of bench/pages.py: production's on PostgreSQL (DEBUG off, WhiteNoise and the manifest of the
collected static files, the Redis cache of REDIS_URL through lms.cache), the test settings on SQLite; both
with the bench-only app of the bare Wagtail page (bench/barepage) and quiet logs."""

import os

if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("CELERY_BROKER_URL", os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("SECURE_COOKIES", "0")
    os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    from lms.settings.production import *  # noqa: F403
else:
    from lms.settings.test import *  # noqa: F403

from lms.settings.base import INSTALLED_APPS, REDIS_URL  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "bench.barepage"]
CELERY_TASK_ALWAYS_EAGER = True  # nothing is sent to a broker
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
