"""Fan-out of 100,000 due reminders through Redis to a local SMTP sink with 2 worker processes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smartward_bench_reminders \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/reminders.py

DATABASE_URL must name a THROW-AWAY PostgreSQL database: it is created when missing and migrated; the data
(a city with 50 wards, 100,000 officials with accounts and email addresses, one course, one city-wide
assignment due on the bench's day) is built once with COPY; every run empties the reminder tables first.
CELERY_BROKER_URL names Redis; the bench uses a queue of its own ("bench-reminders") and empties it first.

Each run: an SMTP sink (aiosmtpd, tests/smtp.py) in this process counts the X-SmartWard-Reminder header of
every message; one Celery worker with a prefork pool of 2 processes (`--concurrency`) runs with the
production settings (bench/reminders_settings.py); the sweep is sent for the bench's day at 10:00 in Ho Chi
Minh City; the clock stops when every reminder is marked sent in the database and the sink has received it.
Prints:

    fanout_100k_s: seconds from sending the sweep until every reminder was sent and received
    duplicates:    messages received beyond the first for a reminder
    misses:        reminders not sent, or sent but never received

and, on stderr, the build time, the planning time (every reminder queued; checked every 10 s), the rate, and
the CPU time per reminder of the worker (main process and pool) and of this process (the SMTP sink and the
polling), which do not depend on what else runs on the machine.
"""

import argparse
import os
import resource
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import reports  # noqa: E402
from bench.reports import FAMILY, GIVEN, MIDDLE, _copy, _maintenance_connection, _sync_sequence, log  # noqa: E402

CITY_CODE = "BENCH-REMINDERS"
QUEUE = "bench-reminders"
DAY = date(2026, 3, 4)  # a Wednesday: the reminders are "due today"
WARDS = 50


def database_config() -> dict:
    config = reports.database_config("bench/reminders.py", "smartward_bench_reminders")
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        sys.exit("bench/reminders.py needs Redis: set CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/13")
    return config


def database_create(config: dict) -> None:
    from psycopg import sql

    with _maintenance_connection(config) as maintenance:
        name = config["NAME"]
        if not maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"creating database {name}")
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.reminders_settings"
    import django

    django.setup()


def moment(day: date, hour: int) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, clock(hour, 0)), timezone.get_default_timezone())


# ---------------------------------------------------------------------------------------------------------
# The data


def built(people: int) -> bool:
    from lms.compliance.models import Obligation
    from lms.people.models import OrgUnit

    city = OrgUnit.objects.filter(code=CITY_CODE).first()
    if city is None:
        return False
    have = Obligation.objects.filter(unit__path__startswith=city.path, is_current=True).count()
    if have != people:
        sys.exit(
            f"The bench database holds {have} obligations, not {people}: drop it (or use another) to rebuild."
        )
    return True


def build(people: int) -> None:
    """The organisation, the people, one course and one assignment with an obligation per person."""
    import random

    from django.db import connection, transaction

    from lms.compliance.models import Assignment
    from lms.compliance.rules import end_of_day
    from lms.people.models import OrgUnit
    from lms.people.services import roles_sync, unit_create
    from tests.builders import make_catalogue, make_course

    rng = random.Random(2026)
    opened = moment(DAY, 10) - timedelta(days=30)
    with transaction.atomic():
        roles_sync()
        city = unit_create(name="Thành phố Hồ Chí Minh", code=CITY_CODE, kind=OrgUnit.Kind.CITY)
        wards = [
            unit_create(name=f"Phường {n}", code=f"BR-W{n:02d}", kind=OrgUnit.Kind.WARD, parent=city).pk
            for n in range(1, WARDS + 1)
        ]
        course = make_course(make_catalogue(), title="Chuyển đổi số cho cán bộ phường")
        assignment = Assignment.objects.create(
            course_id=course.pk,
            unit_id=city.pk,
            include_subunits=True,
            due_kind=Assignment.DueKind.FIXED,
            due_date=DAY,
            created_at=opened,
            note="bench/reminders.py",
        )
        cursor = connection.connection.cursor()
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM people_user")
        first = cursor.fetchone()[0] + 1
        ids = range(first, first + people)
        unit_of = {uid: wards[i % WARDS] for i, uid in enumerate(ids)}
        _copy(
            cursor,
            "people_user",
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "full_name",
            ],  # fmt: skip
            (
                (
                    uid,
                    "!",
                    False,
                    f"br{uid:07d}",
                    "",
                    "",
                    f"br{uid:07d}@phuong.example",
                    False,
                    True,
                    opened,
                    f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                )  # fmt: skip
                for uid in ids
            ),
        )
        _sync_sequence(cursor, "people_user")
        _copy(
            cursor,
            "people_official",
            ["user_id", "employee_code", "unit_id", "phone", "is_unit_head"],
            ((uid, f"BR{uid:07d}", unit_of[uid], "", False) for uid in ids),
        )
        due_at = end_of_day(DAY)
        _copy(
            cursor,
            "compliance_obligation",
            [
                "assignment_id",
                "user_id",
                "course_id",
                "unit_id",
                "cycle",
                "is_current",
                "opened_at",
                "due_at",
                "exempt_reason",
                "closed_reason",
                "reopen_count",
            ],  # fmt: skip
            (
                (assignment.pk, uid, course.pk, unit_of[uid], 1, True, opened, due_at, "", "", 0)
                for uid in ids
            ),
        )
    cursor = connection.cursor()
    cursor.execute("VACUUM ANALYZE people_user, people_official, compliance_obligation")


def reset(broker_url: str) -> None:
    """Empty the reminder tables and the bench's queue (and what a killed worker left unacknowledged)."""
    import json

    import redis
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reminders_notification, reminders_reminder, reminders_sweeprun")
        cursor.execute("VACUUM ANALYZE reminders_reminder")
    client = redis.Redis.from_url(broker_url)
    for key in [*client.scan_iter(match=f"{QUEUE}*"), f"_kombu.binding.{QUEUE}"]:
        client.delete(key)
    for tag, payload in client.hgetall("unacked").items():
        try:
            routing_key = json.loads(payload)[2]
        except (ValueError, TypeError, IndexError):
            continue
        if routing_key == QUEUE:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


# ---------------------------------------------------------------------------------------------------------
# The run


def worker_start(*, concurrency: int, smtp_port: int, log_path: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.reminders_settings",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        PYTHONPATH=str(ROOT),
    )
    command = [
        sys.executable, "-m", "celery", "-A", "lms", "worker", "-P", "prefork", "-c", str(concurrency),
        "-O", "fair", "--prefetch-multiplier", "1", "-Q", QUEUE, "-n", f"bench-reminders-{os.getpid()}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning",
    ]  # fmt: skip
    with log_path.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process


def worker_ready(process: subprocess.Popen, broker_url: str, timeout: float = 120) -> None:
    """Ping the worker through the broker (remote control) until it answers."""
    from celery import Celery

    app = Celery("bench-ping", broker=broker_url, set_as_current=False)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                sys.exit(f"the worker exited with {process.returncode}")
            if app.control.ping(timeout=1.0):
                return
        sys.exit("the worker did not start")
    finally:
        app.close()


def worker_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000, help="due reminders (one per person)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--timeout", type=float, default=900, help="give up after this many seconds")
    args = parser.parse_args()

    config = database_config()
    broker_url = os.environ["CELERY_BROKER_URL"]
    database_create(config)
    django_setup()
    from celery import Celery
    from django.core.management import call_command
    from django.db import connection

    from lms.reminders.models import Kind, Reminder
    from tests.smtp import SmtpSink, free_port

    call_command("migrate", verbosity=0)
    if not built(args.people):
        log(f"building {args.people} people …")
        start = time.perf_counter()
        build(args.people)
        print(f"build_s: {time.perf_counter() - start:.1f}", file=sys.stderr)
    reset(broker_url)
    connection.close()

    own_cpu_start = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    sink = SmtpSink(port=free_port(), keep_content=False).start()
    log_path = ROOT / "var" / "bench-reminders-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    worker = worker_start(concurrency=args.concurrency, smtp_port=sink.port, log_path=log_path)
    sender = Celery("bench-sender", broker=broker_url, set_as_current=False)
    try:
        worker_ready(worker, broker_url)
        log(f"worker ready (log: {log_path}); sweeping …")
        due = Reminder.objects.filter(kind=Kind.DUE_TODAY)
        start = time.perf_counter()
        sender.send_task("reminders.sweep", args=[moment(DAY, 10).isoformat()], queue=QUEUE)
        planned_s = None
        sent = 0
        last_report = start
        while True:
            now = time.perf_counter()
            if now - start > args.timeout:
                log(f"timeout after {args.timeout:.0f} s")
                break
            # The database is asked only when the sink has everything (or every 10 s for the log and the
            # planning time): counting 100,000 rows four times a second would take CPU from the run.
            received = len(sink.counts)
            if received >= args.people or now - last_report >= 10:
                if planned_s is None and due.filter(queued_at__isnull=False).count() >= args.people:
                    planned_s = now - start
                sent = due.filter(state=Reminder.State.SENT).count()
                if sent >= args.people and received >= args.people:
                    break
                if now - last_report >= 10:
                    log(f"{now - start:6.1f} s: {sent} sent, {sink.count} received")
                    last_report = now
            time.sleep(0.1)
        elapsed = time.perf_counter() - start
        time.sleep(3)  # late duplicates (a redelivered task) would arrive now
        with sink._lock:
            counts = dict(sink.counts)
        due_ids = set(due.values_list("pk", flat=True))
        sent_ids = set(due.filter(state=Reminder.State.SENT).values_list("pk", flat=True))
        duplicates = sum(n - 1 for n in counts.values() if n > 1)
        misses = args.people - len(sent_ids & set(counts))
        unknown = set(counts) - due_ids
    finally:
        worker_stop(worker)
        sender.close()
        sink.stop()
    workers_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)  # the worker and its pool, once reaped
    own_cpu = resource.getrusage(resource.RUSAGE_SELF)

    if planned_s is not None:
        print(f"planned_s: {planned_s:.1f}", file=sys.stderr)
    print(f"rate_per_s: {len(counts) / elapsed:.0f}", file=sys.stderr)
    for label, usage, before in (("worker", workers_cpu, None), ("sink_and_bench", own_cpu, own_cpu_start)):
        seconds = usage.ru_utime + usage.ru_stime - (before or 0)
        print(f"{label}_cpu_ms_per_reminder: {seconds * 1000 / max(1, len(counts)):.2f}", file=sys.stderr)
    if unknown:
        print(f"unexpected messages: {len(unknown)}", file=sys.stderr)
    label = "100k" if args.people == 100_000 else str(args.people)
    print(f"fanout_{label}_s: {elapsed:.1f}")
    print(f"duplicates: {duplicates}")
    print(f"misses: {misses}")


if __name__ == "__main__":
    main()
