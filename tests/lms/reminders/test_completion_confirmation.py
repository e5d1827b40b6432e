"""A completed mandatory course is confirmed right after the completion is announced (after its commit), not
at the next sweep: the person sees it in the app within seconds; the sweep then finds it planned already, and
a second announcement of the same completion plans nothing more."""

import pytest
from django.core import mail
from django.utils import timezone

from lms.learning.models import Enrolment
from lms.learning.services import progress_record
from lms.reminders import planning, scheduling
from lms.reminders.models import Kind, Notification, Reminder
from tests.builders import after_commit, lessons_of

from .conftest import assign, sweep_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_a_completion_is_confirmed_once_as_soon_as_it_is_announced(hr, person, course):
    assign(hr=hr, course=course, user=person.user, now=timezone.now())

    with after_commit():
        for lesson in lessons_of(course):
            progress_record(user=person.user, lesson=lesson, source="manual")

    confirmation = Reminder.objects.get(recipient=person.user, kind=Kind.COMPLETED)
    assert Notification.objects.filter(reminder=confirmation).exists()  # in the app, whatever the hour
    if planning.quiet_until(timezone.now()) is None:
        assert confirmation.state == Reminder.State.SENT
        assert len(mail.outbox) == 1
    assert not [pk for pk in sweep_plan(timezone.now()) if pk == confirmation.pk]
    enrolment = Enrolment.objects.get(user=person.user)
    again = scheduling.completion_confirmations_plan(
        user_id=person.user.pk, course_id=enrolment.course_id, now=timezone.now()
    )
    assert again == []
    assert Reminder.objects.filter(recipient=person.user, kind=Kind.COMPLETED).count() == 1


def test_a_course_nobody_assigned_is_not_confirmed(person, course):
    with after_commit():
        from lms.learning.services import enrolment_create

        enrolment_create(user=person.user, course=course)
        for lesson in lessons_of(course):
            progress_record(user=person.user, lesson=lesson, source="manual")

    assert Enrolment.objects.get(user=person.user).completion_announced_at is not None
    assert not Reminder.objects.exists()
