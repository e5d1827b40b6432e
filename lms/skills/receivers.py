"""New evidence → the person's levels are recomputed after the commit that recorded it.

Listens to what the lower apps announce (a quiz attempt submitted or re-marked, an H5P result changed, a
course or lesson completed); each schedules the person's recomputation for after the commit.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from lms.h5p.signals import result_recorded
from lms.learning.models import LessonCompletion
from lms.learning.signals import course_completed
from lms.quiz.signals import attempt_finished

from .tasks import person_levels_recompute_task


def _schedule(user_id: int) -> None:
    # One task per event: a submission that also completes a lesson and the course sends three, which
    # recompute the same levels (idempotent); nothing is sent for a transaction that rolls back.
    transaction.on_commit(partial(person_levels_recompute_task.delay, user_id), robust=True)


@receiver(attempt_finished, dispatch_uid="skills_attempt_finished")
def attempt_finished_recompute(sender, attempt, **kwargs):
    _schedule(attempt.user_id)


@receiver(result_recorded, dispatch_uid="skills_result_recorded")
def result_recorded_recompute(sender, result, **kwargs):
    _schedule(result.user_id)


@receiver(course_completed, dispatch_uid="skills_course_completed")
def course_completed_recompute(sender, enrolment, **kwargs):
    _schedule(enrolment.user_id)


@receiver(post_save, sender=LessonCompletion, dispatch_uid="skills_lesson_completed")
def lesson_completed_recompute(sender, instance, created, **kwargs):
    if created:
        _schedule(instance.enrolment.user_id)
