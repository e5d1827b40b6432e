"""Reminders per duty, and what happens when HR acts while they are being sent (issue 15, bad input): an
assignment withdrawn while its reminders go out, two HR managers acting on the same person at once."""

import pytest
from django.utils import translation

from lms.compliance.models import Obligation
from lms.compliance.services import assignment_create, assignment_withdraw, obligation_exempt
from lms.reminders import delivery, scheduling
from lms.reminders.models import Kind, Reminder
from tests.org_builders import make_hr

from .conftest import T0, assign, days, sweep_plan

pytestmark = pytest.mark.django_db


def _deliver(ids, batch, now=T0):
    with translation.override("en"):
        return delivery.reminders_deliver(reminder_ids=ids, now=now, batch=batch)


def test_two_assignments_of_one_course_make_one_notice(hr, person, course, org, mailoutbox):
    assign(hr=hr, course=course, user=person.user, due_in=20)
    assignment_create(by=hr, course=course, unit=org.ward_a, due_days=30, now=T0)
    ids = sweep_plan(T0)
    notices = Reminder.objects.filter(pk__in=ids, recipient=person.user, kind=Kind.ASSIGNED)
    assert notices.count() == 1
    assert Obligation.objects.filter(user=person.user, is_current=True).count() == 1


def test_an_assignment_withdrawn_while_its_reminders_are_sent_stops_them(hr, person, course, mailoutbox):
    assignment = assign(hr=hr, course=course, user=person.user)
    ids = scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=T0)
    batch = delivery.Batch.read(ids)  # the send task has read its batch ...
    assignment_withdraw(by=hr, assignment=assignment, now=T0)  # ... when HR withdraws the assignment
    outcomes = _deliver(ids, batch)
    assert [o.state for o in outcomes.values()] == [Reminder.State.SKIPPED]
    assert mailoutbox == []
    assert "withdrawn" in Reminder.objects.get(pk=ids[0]).detail


def test_withdrawing_one_of_two_assignments_while_sending_keeps_the_duty_and_its_reminder(
    hr, person, course, org, mailoutbox
):
    individual = assign(hr=hr, course=course, user=person.user, due_in=20)
    assignment_create(by=hr, course=course, unit=org.ward_a, due_days=40, now=T0)
    ids = scheduling.assignment_reminders_plan(assignment_id=individual.pk, now=T0)
    mine = [pk for pk in ids if Reminder.objects.get(pk=pk).recipient_id == person.user_id]
    batch = delivery.Batch.read(mine)
    assignment_withdraw(by=hr, assignment=individual, now=T0)
    outcomes = _deliver(mine, batch)
    assert [o.state for o in outcomes.values()] == [Reminder.State.SENT]
    assert len(mailoutbox) == 1
    assert Obligation.objects.get(user=person.user, is_current=True).assignment_id != individual.pk


def test_an_exemption_and_a_reminder_at_once_the_exemption_wins(hr, person, course, org, mailoutbox):
    other_hr = make_hr(org.ward_a, username="HR-KHAC")
    assign(hr=hr, course=course, user=person.user, now=T0 - days(40), due_in=-10 + 40)
    duty = Obligation.objects.get(user=person.user, is_current=True)
    ids, refused = scheduling.obligations_nudge(by=other_hr, obligation_ids=[duty.pk], now=T0)
    assert refused == 0 and len(ids) == 1
    batch = delivery.Batch.read(ids)  # the nudge is on its way ...
    obligation_exempt(by=hr, obligation=duty, reason="Đã học tại Sở", now=T0)  # ... as the other exempts
    outcomes = _deliver(ids, batch)
    assert [o.state for o in outcomes.values()] == [Reminder.State.SKIPPED]
    assert mailoutbox == []
    # And the other way round: once exempt, a reminder is refused outright.
    ids, refused = scheduling.obligations_nudge(by=other_hr, obligation_ids=[duty.pk], now=T0 + days(1))
    assert ids == [] and refused == 1
