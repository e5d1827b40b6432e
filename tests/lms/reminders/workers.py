"""Real Celery workers for the worker tests: separate processes on Redis, sharing the test's PostgreSQL
database and sending to the test's SMTP server.

They need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); without them the tests skip with the reason, and
with REQUIRE_WORKER=1 — or CI=true on a PostgreSQL run — the skip becomes a failure.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[3]


def requirements() -> str:
    """The broker URL, or skip (fail when the run must have workers) with the reason."""
    from django.conf import settings

    database = os.environ.get("DATABASE_URL", "")
    broker = settings.REDIS_URL  # REDIS_URL, with this test process's database number (lms/settings/test.py)
    postgres = database.startswith(("postgres://", "postgresql://", "pgsql://"))
    missing = []
    if not postgres:
        missing.append("DATABASE_URL naming PostgreSQL (a worker process must share the test database)")
    if not broker.startswith("redis://"):
        missing.append("REDIS_URL (the broker)")
    required = os.environ.get("REQUIRE_WORKER") == "1" or (os.environ.get("CI") == "true" and postgres)
    if missing:
        reason = "Tests with a real Celery worker need " + " and ".join(missing) + "."
        if required:
            pytest.fail(reason + " REQUIRE_WORKER=1 (or CI on PostgreSQL) makes this a failure.")
        pytest.skip(reason)
    import redis

    try:
        redis.Redis.from_url(broker, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        reason = f"Redis at {broker} does not answer: {exc}"
        if required:
            pytest.fail(reason)
        pytest.skip(reason)
    return broker


def database_url(settings_dict) -> str:
    """A URL for the database the tests run on (pytest-django's test database)."""
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(settings_dict['NAME'])}"


class Broker:
    """A queue of the test's own on Redis: messages are sent to it, workers listen to it, and everything it
    left behind (queued, unacknowledged) is removed at the end."""

    def __init__(self, url: str):
        import redis
        from celery import Celery

        self.url = url
        self.queue = f"reminders-test-{uuid.uuid4().hex[:12]}"
        self.redis = redis.Redis.from_url(url)
        self.app = Celery("reminders-test", broker=url, set_as_current=False)
        self.app.conf.broker_connection_retry_on_startup = True

    def send(self, name: str, *args) -> None:
        self.app.send_task(name, args=list(args), queue=self.queue)

    def waiting(self) -> int:
        """Messages in the queue (all priorities) plus messages taken but not acknowledged."""
        queued = sum(self.redis.llen(key) for key in self.redis.scan_iter(match=f"{self.queue}*"))
        return queued + len(self._unacked())

    def describe(self) -> str:
        queued = {key.decode(): self.redis.llen(key) for key in self.redis.scan_iter(match=f"{self.queue}*")}
        return f"queued {queued}, unacknowledged {len(self._unacked())}"

    def _unacked(self) -> list[bytes]:
        import json

        tags = []
        for tag, payload in self.redis.hgetall("unacked").items():
            try:
                _message, _exchange, routing_key = json.loads(payload)
            except (ValueError, TypeError):
                continue
            if routing_key == self.queue:
                tags.append(tag)
        return tags

    def cleanup(self) -> None:
        for key in [*self.redis.scan_iter(match=f"{self.queue}*"), f"_kombu.binding.{self.queue}"]:
            self.redis.delete(key)
        tags = self._unacked()
        if tags:
            self.redis.hdel("unacked", *tags)
            self.redis.zrem("unacked_index", *tags)
        self.app.close()


class Worker:
    """`celery -A lms worker` with the prefork pool, as production runs it, in its own process group."""

    def __init__(self, name: str, *, broker: Broker, env: dict, log_dir: Path, concurrency: int = 2):
        self.name = name
        self.broker = broker
        self.env = env
        self.concurrency = concurrency
        self.log_path = log_dir / f"worker-{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> "Worker":
        command = [
            sys.executable, "-m", "celery", "-A", "lms", "worker",
            "-P", "prefork", "-c", str(self.concurrency), "-O", "fair", "--prefetch-multiplier", "1",
            "-Q", self.broker.queue, "-n", f"{self.name}-{self.broker.queue}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info",
        ]  # fmt: skip
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"Worker {self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            if b" ready." in self.log_path.read_bytes():
                return self
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"Worker {self.name} did not start within {timeout} s:\n{self.log_tail()}")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process group: the main process and its pool children die at once, nothing
        is acknowledged, nothing is cleaned up."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, timeout: float = 30) -> None:
        """A warm shutdown (SIGTERM), then SIGKILL if it takes too long."""
        if not self.running:
            self.kill()  # children may survive a main process that died
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=timeout)
        self.kill()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def worker_env(*, broker: Broker, smtp_port: int, database: str, visibility_timeout: int = 5) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EMAIL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.lms.reminders.worker_settings",
        DATABASE_URL=database,
        CELERY_BROKER_URL=broker.url,
        REMINDER_TEST_QUEUE=broker.queue,
        REMINDER_TEST_VISIBILITY_TIMEOUT=str(visibility_timeout),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )
    return env


def wait_until(condition, *, timeout: float, interval: float = 0.1, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    pytest.fail(message or "timed out")


def wagtail_root() -> None:
    from tests.builders import wagtail_root_ensure

    wagtail_root_ensure()


def many_officials(unit, n: int, *, prefix: str) -> list[int]:
    """n active officials with accounts in a unit, in bulk (a few queries). Returns their user ids."""
    from lms.people.models import Official, User

    users = User.objects.bulk_create(
        User(
            username=f"{prefix}{i:05d}",
            full_name=f"Nguyễn Văn Cán Bộ {i}",
            email=f"{prefix}{i:05d}@phuong.example",
            password="!",
        )
        for i in range(n)
    )
    Official.objects.bulk_create(
        Official(user=user, unit=unit, employee_code=f"{prefix.upper()}{i:05d}")
        for i, user in enumerate(users)
    )
    return [u.pk for u in users]
