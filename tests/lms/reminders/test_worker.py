"""The whole path with a real Celery worker (prefork, two processes) on Redis and PostgreSQL, mailing the
SMTP server in the test process: the sweep fans out, mails arrive once, bad addresses leave a clear record,
and a second sweep in the same minute sends nothing."""

from datetime import timedelta

import pytest
from django.utils import translation

from lms.compliance.services import assignment_create
from lms.people.models import User
from lms.reminders.models import Kind, Notification, Reminder, SweepRun
from tests.builders import make_catalogue, make_course
from tests.org_builders import make_hr, make_org

from .conftest import MONDAY, T0, at, days
from .workers import many_officials, wait_until

pytestmark = pytest.mark.worker

DUE_DAY = MONDAY + days(30)
NOW = at(DUE_DAY, 10)  # the due day, 10:00 in Ho Chi Minh City


def test_a_real_worker_sends_each_due_reminder_once_and_records_bad_addresses(real_workers):
    org = make_org()
    hr = make_hr(org.ward_a)
    course = make_course(make_catalogue())
    user_ids = many_officials(org.office_a, 24, prefix="tw")
    no_email, invalid, refused = user_ids[:3]
    User.objects.filter(pk=no_email).update(email="")
    User.objects.filter(pk=invalid).update(email="khong-phai-dia-chi")
    refused_address = User.objects.get(pk=refused).email
    real_workers.sink.refuse(refused_address)
    assignment_create(by=hr, course=course, unit=org.office_a, due_date=DUE_DAY, now=T0)
    sink, broker = real_workers.sink, real_workers.broker
    real_workers.start("A")

    broker.send("reminders.sweep", NOW.isoformat())
    due_today = Reminder.objects.filter(kind=Kind.DUE_TODAY)
    wait_until(
        lambda: due_today.count() == 24 and not due_today.filter(state=Reminder.State.PENDING).exists(),
        timeout=60,
        message="the worker did not deliver the 24 reminders",
    )
    broker.send("reminders.sweep", (NOW + timedelta(seconds=30)).isoformat())  # again, in the same minute
    wait_until(lambda: SweepRun.objects.filter(finished_at__isnull=False).count() == 2, timeout=30)
    wait_until(lambda: broker.waiting() == 0, timeout=30)

    states = dict(due_today.values_list("recipient_id", "state"))
    assert states.pop(no_email) == Reminder.State.SKIPPED
    assert states.pop(invalid) == Reminder.State.FAILED
    assert states.pop(refused) == Reminder.State.FAILED
    assert set(states.values()) == {Reminder.State.SENT}
    with translation.override("en"):
        expected_detail = "The mail server refused the message."
    refused_row = due_today.get(recipient_id=refused)
    assert "550" in refused_row.last_error and refused_row.attempts == 1
    assert refused_row.detail in {expected_detail, translation.gettext(expected_detail)}

    sent = set(due_today.filter(state=Reminder.State.SENT).values_list("pk", flat=True))
    assert set(sink.counts) == sent  # every sent reminder arrived …
    assert sink.duplicates() == {}  # … once
    assert {m.rcpt_tos[0] for m in sink.messages()} == set(
        User.objects.filter(pk__in=user_ids[3:]).values_list("email", flat=True)
    )
    assert Notification.objects.filter(reminder__kind=Kind.DUE_TODAY).count() == 24  # the app shows them all
    assert Reminder.objects.exclude(kind__in=[Kind.DUE_TODAY, Kind.DIGEST]).count() == 0
