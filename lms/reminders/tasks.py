"""Celery tasks. Each takes ids (and an ISO time for time-travel tests), and is safe to run twice.

The functions are named for the service they run (`<service>_task`); the task names (`name=`) are older and
stay as they are: beat schedules stored in the database and queued messages refer to them."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from . import delivery, planning, scheduling, selectors
from .models import SweepRun


def _moment(now: str | None) -> datetime:
    """The clock a task runs at: now, or the ISO time given (a time without a zone is the platform's)."""
    if not now:
        return timezone.now()
    moment = datetime.fromisoformat(now)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


SEND_BATCH = 100  # reminders per send task: one email connection and one read of courses and templates


def _send_all(ids, now: str | None = None) -> None:
    """Queue the send tasks, a batch of ids each. `now` is passed on only when the caller fixed the clock
    (tests)."""
    ids = list(ids)
    for start in range(0, len(ids), SEND_BATCH):
        reminders_deliver_task.delay(ids[start : start + SEND_BATCH], now)


@shared_task(name="reminders.sweep", ignore_result=True)
def sweep(now: str | None = None) -> int:
    """The periodic sweep: one planning task per active assignment, the weekly digests on their day, and
    every pending reminder whose time has come (deferred by quiet hours, or whose task was lost)."""
    moment = _moment(now)
    run = SweepRun.objects.create(started_at=moment)
    assignment_ids = selectors.assignments_to_sweep()
    for assignment_id in assignment_ids:
        assignment_reminders_plan_task.delay(assignment_id, moment.isoformat())
    if planning.is_digest_day(moment):
        digests_plan_task.delay(moment.isoformat())
    ready = scheduling.reminders_claim(now=moment)
    _send_all(ready, now)
    SweepRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), assignments=len(assignment_ids), queued=len(ready)
    )
    return len(assignment_ids)


@shared_task(name="reminders.plan_assignment", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def assignment_reminders_plan_task(assignment_id: int, now: str | None = None) -> int:
    """Plan one assignment's reminders; each planned batch is queued for sending at once, so sending starts
    while a large assignment is still being planned."""
    ids = scheduling.assignment_reminders_plan(
        assignment_id=assignment_id, now=_moment(now), on_ready=lambda ready: _send_all(ready, now)
    )
    return len(ids)


@shared_task(name="reminders.plan_digests", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def digests_plan_task(now: str | None = None) -> int:
    ids = scheduling.digests_plan(now=_moment(now))
    _send_all(ids, now)
    return len(ids)


@shared_task(
    name="reminders.confirm_completion", ignore_result=True, acks_late=True, reject_on_worker_lost=True
)
def completion_confirmations_plan_task(user_id: int, course_id: int) -> int:
    """Queued after a completion is announced (receivers.completion_confirm): the confirmation goes now."""
    ids = scheduling.completion_confirmations_plan(user_id=user_id, course_id=course_id, now=timezone.now())
    _send_all(ids)
    return len(ids)


@shared_task(
    bind=True,
    name="reminders.send",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,  # the reminder row counts attempts and gives up (REMINDER_MAX_ATTEMPTS)
)
def reminder_deliver_task(self, reminder_id: int, now: str | None = None) -> str:
    outcome = delivery.reminder_deliver(reminder_id=reminder_id, now=_moment(now) if now else None)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(
    bind=True, name="reminders.send_many", ignore_result=True, acks_late=True, reject_on_worker_lost=True
)
def reminders_deliver_task(self, reminder_ids: list[int], now: str | None = None) -> int:
    """Send a batch of reminders over one email connection (each still locked, sent and marked on its own).
    A reminder that meets a transient SMTP error is retried on its own, with backoff."""
    outcomes = delivery.reminders_deliver(reminder_ids=reminder_ids, now=_moment(now) if now else None)
    for reminder_id, outcome in outcomes.items():
        if outcome.retry_in is not None:
            reminder_deliver_task.apply_async((reminder_id, now), countdown=outcome.retry_in)
    return sum(outcome.state == "sent" for outcome in outcomes.values())
