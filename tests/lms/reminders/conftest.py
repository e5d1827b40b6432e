"""Shared data for the reminder tests: an organisation, an HR manager, people with mandatory courses, and a
clock that the tests move by hand (every service takes `now`)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from lms.compliance.models import Obligation
from lms.compliance.services import assignment_create
from lms.reminders import scheduling, selectors
from lms.reminders.models import Reminder
from tests.org_builders import make_hr, make_official, make_org

# A Monday (the digest day) in the morning, Asia/Ho_Chi_Minh. Every test moves the clock from here.
MONDAY = date(2026, 3, 2)


def at(day: date, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    """A moment in the platform's time zone (Asia/Ho_Chi_Minh)."""
    moment = datetime.combine(day, time(hour, minute, second))
    return timezone.make_aware(moment, timezone.get_default_timezone())


T0 = at(MONDAY)


def days(n: int) -> timedelta:
    return timedelta(days=n)


@pytest.fixture
def org(db):
    return make_org()


@pytest.fixture
def hr(org):
    return make_hr(org.ward_a)


@pytest.fixture
def person(org):
    return make_official(org.ward_a, name="Nguyễn Thị Học Viên")


def assign(*, hr, course, user, due_in: int = 20, now: datetime = T0, **extra):
    """A mandatory course for one person, assigned at `now` and due `due_in` days later (end of that day)."""
    return assignment_create(
        by=hr, course=course, user=user, due_date=timezone.localdate(now) + days(due_in), now=now, **extra
    )


def obligation_of(assignment, user) -> Obligation:
    return Obligation.objects.get(assignment=assignment, user=user, is_current=True)


def sweep_plan(now: datetime) -> list[int]:
    """What the periodic sweep plans at `now`, without sending: every assignment, the digests on their
    days, and every reminder whose time has come. Returns the ids that would be queued."""
    from lms.reminders import planning

    ids: list[int] = []
    for assignment_id in selectors.assignments_to_sweep():
        ids += scheduling.assignment_reminders_plan(assignment_id=assignment_id, now=now)
    if planning.is_digest_day(now):
        ids += scheduling.digests_plan(now=now)
    ids += scheduling.reminders_claim(now=now)
    return ids


def sweep_and_send(now: datetime) -> list[int]:
    """`sweep_plan`, then mark what it queued as sent, as the send tasks would (planning tests send
    nothing). Returns the queued ids."""
    ids = sweep_plan(now)
    Reminder.objects.filter(pk__in=ids, state=Reminder.State.PENDING).update(
        state=Reminder.State.SENT, sent_at=now
    )
    return ids


def keys(user=None, **filters) -> list[tuple[str, int]]:
    """The (kind, offset) of a person's reminders, oldest first."""
    rows = Reminder.objects.filter(**filters)
    if user is not None:
        rows = rows.filter(recipient=user)
    return list(rows.order_by("created_at", "pk").values_list("kind", "offset"))


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server in the test process, and Django's SMTP backend pointed at it."""
    from tests.smtp import SmtpSink

    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield sink


@pytest.fixture
def real_workers(transactional_db, tmp_path):
    """Real Celery workers (separate processes) on Redis and the test's PostgreSQL database, sending to an
    SMTP server in the test process. `real_workers.start("A")` starts one; all are stopped at the end, before
    the database is emptied. Skips without PostgreSQL and Redis (fails under REQUIRE_WORKER=1)."""
    from types import SimpleNamespace

    from django.db import connection

    from tests.smtp import SmtpSink

    from . import workers

    broker_url = workers.requirements()
    workers.wagtail_root()
    broker = workers.Broker(broker_url)
    sink = SmtpSink().start()
    env = workers.worker_env(
        broker=broker, smtp_port=sink.port, database=workers.database_url(connection.settings_dict)
    )
    started: list[workers.Worker] = []

    def start(name: str, concurrency: int = 2) -> workers.Worker:
        worker = workers.Worker(name, broker=broker, env=env, log_dir=tmp_path, concurrency=concurrency)
        started.append(worker)
        return worker.start()

    try:
        yield SimpleNamespace(broker=broker, sink=sink, start=start, started=started)
    finally:
        for worker in started:
            worker.stop()
        broker.cleanup()
        sink.stop()


@pytest.fixture
def confirmations_by_the_sweep_only():
    """For tests of the sweep's own planning of completion confirmations (on a clock they move): the
    confirmation that follows each announced completion at once (lms.reminders.receivers) is switched off,
    so the sweep is the one that plans it, as it does when that task was lost."""
    from lms.learning.signals import course_completed
    from lms.reminders.receivers import completion_confirm

    course_completed.disconnect(dispatch_uid="reminders_confirm_completion")
    yield
    course_completed.connect(completion_confirm, dispatch_uid="reminders_confirm_completion")
