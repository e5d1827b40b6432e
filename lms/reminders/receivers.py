"""A completed mandatory course is confirmed to the person within seconds, not at the next sweep."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from lms.learning.signals import course_completed

from . import tasks


@receiver(course_completed, dispatch_uid="reminders_confirm_completion")
def completion_confirm(sender, enrolment, **kwargs):
    # After the announcement commits: the obligations it completed (compliance's receiver) are then visible.
    transaction.on_commit(
        partial(tasks.completion_confirmations_plan_task.delay, enrolment.user_id, enrolment.course_id),
        robust=True,
    )
