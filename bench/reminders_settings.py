"""Settings of bench/reminders.py and of the Celery workers it starts: production's settings (DATABASE_URL,
CELERY_BROKER_URL and EMAIL_* from the environment), a queue of the bench's own, a cache in each process
and quiet logs (200,000 task lines would cost more than the tasks)."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

from lms.settings.production import *  # noqa: E402, F403

CELERY_TASK_DEFAULT_QUEUE = "bench-reminders"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
