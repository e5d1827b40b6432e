"""Settings of the Celery worker that the worker tests start as a separate process (tests/lms/reminders/
workers.py): the test settings and the test database (DATABASE_URL names it), real SMTP to the aiosmtpd
server in the test process, a queue of the test's own (so a test never takes or leaves messages of anyone
else on the same Redis), and a short Redis visibility timeout so that the unacknowledged messages of a
killed worker come back within seconds (kombu's default checks only every 100 s). Redis's default (one
hour) stays right for production: there a lost message is also queued again by the next sweep
(`scheduling.reminders_claim`, stale_after)."""

import os

from lms.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["REMINDER_TEST_QUEUE"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("REMINDER_TEST_VISIBILITY_TIMEOUT", "5")),
    # kombu looks for such messages every interval × throttle seconds (10 × 10 by default): every second.
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ["EMAIL_HOST"]
EMAIL_PORT = int(os.environ["EMAIL_PORT"])
EMAIL_USE_TLS = EMAIL_USE_SSL = False
EMAIL_TIMEOUT = 10
