"""What follows a course completion (certificate, mandatory training) runs after the completion's commit, in
a Celery task taking ids, exactly once: twice run, or the signal twice, still one certificate; a completion
taken back before the task ran is not announced; a lost task is caught up by the periodic task."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lms.certificates.models import Certificate
from lms.compliance.models import Obligation
from lms.compliance.services import assignment_create
from lms.learning import services, tasks
from lms.learning.models import Enrolment, LessonCompletion
from lms.learning.signals import course_completed
from tests.builders import after_commit, lessons_of
from tests.org_builders import make_hr, make_official, make_org

MANUAL = LessonCompletion.Source.MANUAL


@pytest.fixture
def org(db):
    return make_org()


@pytest.fixture
def person(org):
    return make_official(org.ward_a, name="Phạm Thị Hoàn Thành").user


@pytest.fixture
def obligation(org, person, course):
    hr = make_hr(org.ward_a)
    assignment_create(by=hr, course=course, user=person, due_days=30)
    return Obligation.objects.get(user=person, course_id=course.pk, is_current=True)


def celery_tasks(callbacks) -> list:
    """The after-commit callbacks that send a Celery task (other apps, e.g. skills, queue their own)."""
    return [c for c in callbacks if hasattr(getattr(c, "func", None), "__self__")]


def complete_all(person, course) -> None:
    services.enrolment_create(user=person, course=course)
    for lesson in lessons_of(course):
        services.progress_record(user=person, lesson=lesson, source=MANUAL)


def test_the_certificate_and_the_obligation_follow_the_commit_not_the_request(person, course, obligation):
    with after_commit() as queued:
        complete_all(person, course)
        # Inside the completion's transaction nothing of what follows has happened yet …
        assert Enrolment.objects.get(user=person).completed_at is not None
        assert not Certificate.objects.exists()
        assert Obligation.objects.get(pk=obligation.pk).completed_at is None

    # … the commit queued the announcement (which queued the confirmation after its own commit), and it
    # issued the certificate and completed the duty.
    assert [callback.func.__self__.name for callback in celery_tasks(queued)] == [
        "learning.course_completion_announce",
        "reminders.confirm_completion",
    ]
    enrolment = Enrolment.objects.get(user=person)
    assert enrolment.completion_announced_at is not None
    certificate = Certificate.objects.get(user=person)
    assert certificate.completed_at == enrolment.completed_at
    assert Obligation.objects.get(pk=obligation.pk).completed_at == enrolment.completed_at


def test_the_task_run_twice_announces_once(person, course, obligation):
    received = []

    def handler(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    course_completed.connect(handler)
    try:
        with after_commit():
            complete_all(person, course)
        enrolment = Enrolment.objects.get(user=person)
        again = tasks.course_completion_announce_task.delay(enrolment.pk, enrolment.completed_at.isoformat())
    finally:
        course_completed.disconnect(handler)

    assert again.get() is False
    assert received == [enrolment.pk]
    assert Certificate.objects.filter(user=person).count() == 1


def test_the_signal_sent_twice_still_gives_one_certificate_and_one_completion(person, course, obligation):
    with after_commit():
        complete_all(person, course)
    enrolment = Enrolment.objects.get(user=person)
    completed_at = Obligation.objects.get(pk=obligation.pk).completed_at

    course_completed.send(sender=Enrolment, enrolment=enrolment)

    assert Certificate.objects.filter(user=person).count() == 1
    assert Obligation.objects.get(pk=obligation.pk).completed_at == completed_at


def test_a_completion_taken_back_before_the_task_ran_is_not_announced(person, course, obligation):
    with after_commit() as queued:
        complete_all(person, course)
        enrolment = Enrolment.objects.get(user=person)
        completed_at = enrolment.completed_at
        services.enrolment_restart(enrolment=enrolment)

    assert len(celery_tasks(queued)) == 1
    assert not services.course_completion_announce(enrolment_id=enrolment.pk, completed_at=completed_at)
    assert not Certificate.objects.exists()
    assert Obligation.objects.get(pk=obligation.pk).completed_at is None


def test_a_lost_announcement_is_caught_up_by_the_periodic_task(person, course, obligation):
    complete_all(person, course)  # the commit's task is lost: the test's transaction never commits
    enrolment = Enrolment.objects.get(user=person)
    assert enrolment.completion_announced_at is None

    assert tasks.course_completions_catch_up_task.delay().get() == 0  # not before it should have run
    Enrolment.objects.filter(pk=enrolment.pk).update(
        enrolled_at=enrolment.completed_at - timedelta(hours=1),
        completed_at=timezone.now() - services.ANNOUNCE_CATCH_UP_AFTER - timedelta(seconds=1),
    )

    assert tasks.course_completions_catch_up_task.delay().get() == 1
    assert Certificate.objects.filter(user=person).count() == 1
    assert Obligation.objects.get(pk=obligation.pk).completed_at is not None
    assert tasks.course_completions_catch_up_task.delay().get() == 0
