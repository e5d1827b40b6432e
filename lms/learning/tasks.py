"""Celery tasks of learning: what follows a course completion, after its commit. Ids in, idempotent."""

from datetime import datetime

from celery import shared_task

from . import services


@shared_task(
    name="learning.course_completion_announce", ignore_result=True, acks_late=True, reject_on_worker_lost=True
)
def course_completion_announce_task(enrolment_id: int, completed_at: str) -> bool:
    """Queued by the completion's commit (`services._announce_after_commit`); safe to run twice."""
    return services.course_completion_announce(
        enrolment_id=enrolment_id, completed_at=datetime.fromisoformat(completed_at)
    )


@shared_task(name="learning.course_completions_catch_up", ignore_result=True)
def course_completions_catch_up_task() -> int:
    """Periodic: queue again the announcements whose task was lost (see
    `services.course_completions_unannounced`). Returns how many were queued."""
    missed = list(services.course_completions_unannounced())
    for enrolment_id, completed_at in missed:
        course_completion_announce_task.delay(enrolment_id, completed_at.isoformat())
    return len(missed)
