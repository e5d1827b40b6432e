"""New evidence → the person's levels are recomputed once, after the commit that recorded it.

Listens to what the lower apps announce (a quiz attempt submitted or re-marked, an H5P result changed, a
course or lesson completed) and to changes of the evidence links themselves, of competences and of linked
sources (which also make each process read the links again: `levels.evidence_changed`). A finished attempt
is tallied at once, inside its transaction (the answers of a quiz that keeps no exam paper are deleted right
after); the recomputation is one Celery task per person and transaction, sent after the commit, none after
a rollback.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.models import Page

from lms.h5p.models import Activity
from lms.h5p.signals import result_recorded
from lms.learning.models import LessonCompletion
from lms.learning.signals import course_completed
from lms.quiz.models import Category, Question
from lms.quiz.signals import attempt_finished

from .levels import attempt_tally_record, evidence_changed, people_with_evidence
from .models import Competency, Evidence
from .tasks import people_levels_recompute_task, person_levels_recompute_task


class _Recompute:
    """The after-commit callback of one person's recomputation; `sent` once it has run."""

    def __init__(self, user_id: int):
        self.user_id = user_id
        self.sent = False
        self.__qualname__ = f"person_levels_recompute_task.delay({user_id})"  # named in Django's error log

    def __call__(self):
        self.sent = True
        person_levels_recompute_task.delay(self.user_id)


def levels_recompute_after_commit(user_id: int) -> None:
    """Once per person and transaction: a callback already waiting for this commit is enough. Django drops
    the callbacks of a transaction (or savepoint) that rolls back, so a stale one is never found."""
    connection = transaction.get_connection()
    waiting = connection.run_on_commit if connection.in_atomic_block else []
    if any(
        isinstance(callback, _Recompute) and callback.user_id == user_id and not callback.sent
        for _savepoints, callback, *_robust in waiting
    ):
        return
    transaction.on_commit(_Recompute(user_id), robust=True)


@receiver(attempt_finished, dispatch_uid="skills_attempt_finished")
def attempt_finished_recompute(sender, attempt, **kwargs):
    attempt_tally_record(attempt=attempt)
    levels_recompute_after_commit(attempt.user_id)


@receiver(result_recorded, dispatch_uid="skills_result_recorded")
def result_recorded_recompute(sender, result, **kwargs):
    levels_recompute_after_commit(result.user_id)


@receiver(course_completed, dispatch_uid="skills_course_completed")
def course_completed_recompute(sender, enrolment, **kwargs):
    levels_recompute_after_commit(enrolment.user_id)


@receiver(post_save, sender=LessonCompletion, dispatch_uid="skills_lesson_completed")
def lesson_completed_recompute(sender, instance, created, **kwargs):
    if created:
        levels_recompute_after_commit(instance.enrolment.user_id)


def _recompute_people(user_ids: set[int]) -> None:
    if user_ids:
        transaction.on_commit(partial(people_levels_recompute_task.delay, sorted(user_ids)), robust=True)


@receiver(post_save, sender=Evidence, dispatch_uid="skills_evidence_saved")
@receiver(post_delete, sender=Evidence, dispatch_uid="skills_evidence_deleted")
def evidence_changed_recompute(sender, instance, **kwargs):
    """A link added, changed or removed: the people it may concern are recomputed."""
    evidence_changed()
    _recompute_people(people_with_evidence(instance))


@receiver(post_save, sender=Competency, dispatch_uid="skills_competency_saved")
@receiver(post_save, sender=Question, dispatch_uid="skills_question_saved")
@receiver(post_save, sender=Category, dispatch_uid="skills_category_saved")
@receiver(post_save, sender=Activity, dispatch_uid="skills_activity_saved")
def source_saved_forget_links(sender, instance, **kwargs):
    """A competence (archived or not) or a source (its title, shown in the reasons) changed."""
    evidence_changed()


@receiver(post_save, dispatch_uid="skills_page_saved")
def page_saved_forget_links(sender, instance, **kwargs):
    if isinstance(instance, Page):
        evidence_changed()


@receiver(pre_delete, dispatch_uid="skills_page_deleted")
def page_deleted_recompute(sender, instance, **kwargs):
    """A linked course or lesson deleted (any page type: the sender is the specific class)."""
    if isinstance(instance, Page) and type(instance) is not Page:
        evidence_changed()
        people: set[int] = set()
        for evidence in Evidence.objects.filter(page_id=instance.pk):
            people |= people_with_evidence(evidence)
        _recompute_people(people)


@receiver(pre_delete, sender=Question, dispatch_uid="skills_question_deleted")
@receiver(pre_delete, sender=Category, dispatch_uid="skills_category_deleted")
@receiver(pre_delete, sender=Activity, dispatch_uid="skills_activity_deleted")
def source_deleted_recompute(sender, instance, **kwargs):
    """A linked question, category or activity deleted: its links stay as history and stop counting."""
    evidence_changed()
    field = {Question: "question", Category: "category", Activity: "activity"}[sender]
    people: set[int] = set()
    for evidence in Evidence.objects.filter(**{field: instance}):
        people |= people_with_evidence(evidence)
    _recompute_people(people)
