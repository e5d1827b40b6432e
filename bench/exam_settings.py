"""Settings of the server bench/exam.py starts: production's (DEBUG off, WhiteNoise and the hashed static
files, the cache in Redis, Celery's broker in Redis), over plain HTTP on 127.0.0.1 (no HTTPS redirect, no
secure-only cookies: nothing in front terminates TLS here), persistent database connections as
docs/operations.md recommends behind gunicorn, and quiet logs."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DB_CONN_MAX_AGE", "60")

from lms.settings.production import *  # noqa: E402, F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

if os.environ.get("BENCH_PROFILE_DIR"):  # bench/exam.py --profile (bench/exam_profile.py)
    MIDDLEWARE = [*MIDDLEWARE, "bench.exam_profile.ProfileMiddleware"]  # noqa: F405
