"""Settings of the server bench/weight.py starts: production's (DEBUG off, WhiteNoise serving the collected
static files, gzip for first-party HTML), on PostgreSQL, over plain HTTP on 127.0.0.1, with a cache in each
process, Celery tasks run eagerly (no broker needed) and quiet logs. Two switches reproduce earlier states:
BENCH_HTML_GZIP=0 takes lms.middleware.CompressionMiddleware out; BENCH_STATIC=plain collects the static
files unhashed and uncompressed (Django's StaticFilesStorage), as a server without the manifest would."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")  # nothing is sent: tasks run eagerly
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from lms.settings.production import *  # noqa: E402, F403
from lms.settings.production import MIDDLEWARE, STORAGES  # noqa: E402

if os.environ.get("BENCH_HTML_GZIP", "1") == "0":
    MIDDLEWARE = [name for name in MIDDLEWARE if name != "lms.middleware.CompressionMiddleware"]
if os.environ.get("BENCH_STATIC", "manifest") == "plain":
    STORAGES = {
        **STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
