"""Delivery to a real SMTP server in the test process (aiosmtpd): the message, the in-app copy, and every
bad case — no address, an invalid one, a server that says "later" or "never", a server that is down,
preferences, digests, stops — each leaving a clear record and never a second email."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import resolve
from django.utils import translation
from django.utils.translation import gettext as _

from lms.certificates.models import Certificate
from lms.certificates.services import certificate_revoke
from lms.compliance.models import Obligation
from lms.compliance.services import assignment_withdraw, obligation_exempt
from lms.learning.services import progress_record
from lms.people.models import User
from lms.people.services import official_deactivate
from lms.reminders import delivery, planning, scheduling, tasks
from lms.reminders.messages import Composer, unsubscribe_read
from lms.reminders.models import Kind, Notification, Preference, Reminder, SweepRun
from tests.builders import after_commit, lessons_of
from tests.org_builders import make_hr, make_official
from tests.smtp import free_port

from .conftest import MONDAY, T0, assign, at, days, obligation_of, sweep_plan

pytestmark = pytest.mark.django_db

COURSE = "Chuyển đổi số cho cán bộ phường"  # tests/builders.make_course's default title


def planned(assignment, now=T0) -> Reminder:
    [reminder_id] = scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=now)
    return Reminder.objects.get(pk=reminder_id)


def deliver(reminder, now=T0, **kwargs):
    with translation.override("en"):  # the detail is recorded in the active language; assert English
        return delivery.reminder_deliver(reminder_id=reminder.pk, now=now, **kwargs)


def fresh(reminder) -> Reminder:
    return Reminder.objects.get(pk=reminder.pk)


@pytest.fixture
def notice(hr, person, course):
    """The notice of a new assignment (due in 20 days), planned and queued at T0."""
    return planned(assign(hr=hr, course=course, user=person.user))


# The message ---------------------------------------------------------------------------------------------


def test_a_reminder_is_sent_once_in_vietnamese_with_html_text_and_an_unsubscribe_header(
    smtp_sink, notice, person, course
):
    outcome = deliver(notice)

    assert outcome.state == Reminder.State.SENT
    [mail] = smtp_sink.messages()
    assert mail.rcpt_tos == [person.user.email]
    with translation.override("vi"):
        subject = _("New mandatory course: %(course)s") % {"course": COURSE}
    assert mail.subject == subject  # the Vietnamese title survives the header encoding
    assert COURSE in mail.subject
    text, html = mail.part("text/plain"), mail.part("text/html")
    assert "Nguyễn Thị Học Viên" in text and COURSE in text
    assert '<html lang="vi">' in html and COURSE in html
    course_link = "http://testserver" + course.url
    assert course_link in text and f'href="{course_link}"' in html  # the deep link to continue

    assert mail.message["Message-ID"] == f"<reminder-{notice.pk}@smartward.local>"
    assert mail.message["X-SmartWard-Reminder"] == str(notice.pk)
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = mail.message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("http://testserver/") and unsubscribe in text
    match = resolve(urlsplit(unsubscribe).path)
    assert match.view_name == "reminders:unsubscribe"
    assert unsubscribe_read(match.kwargs["token"]) == (person.user.pk, Kind.ASSIGNED)

    row = fresh(notice)
    assert (row.state, row.sent_at, row.attempts, row.last_error) == (Reminder.State.SENT, T0, 1, "")
    notification = Notification.objects.get(reminder=notice)
    assert (notification.user, notification.kind) == (person.user, Kind.ASSIGNED)
    # The in-app link is relative to the site, not built from SITE_URL (issue 15).
    assert notification.subject == subject and notification.url == course.url
    assert COURSE in notification.body and "http" not in notification.body.split("\n")[0]

    assert deliver(notice).state == "gone"  # a redelivered task, or a second worker
    assert delivery.reminder_deliver(reminder_id=notice.pk, now=at(MONDAY, 11)).state == "gone"
    assert smtp_sink.count == 1
    assert Notification.objects.filter(user=person.user).count() == 1


def test_one_connection_can_carry_many_reminders(smtp_sink, hr, org, course):
    from django.core.mail import get_connection

    people = [make_official(org.ward_a) for _ in range(3)]
    ids = []
    for p in people:
        ids += scheduling.assignment_reminders_plan(
            assignment_id=assign(hr=hr, course=course, user=p.user).pk, now=T0
        )
    with get_connection() as connection:
        outcomes = [delivery.reminder_deliver(reminder_id=pk, now=T0, connection=connection) for pk in ids]
    assert {o.state for o in outcomes} == {Reminder.State.SENT}
    assert sorted(smtp_sink.counts) == sorted(ids)


def _notices(hr, org, course, n):
    people = [make_official(org.ward_a) for _ in range(n)]
    ids = []
    for p in people:
        ids += scheduling.assignment_reminders_plan(
            assignment_id=assign(hr=hr, course=course, user=p.user).pk, now=T0
        )
    return people, ids


def test_a_batch_goes_over_one_connection_and_a_refusal_does_not_stop_it(smtp_sink, hr, org, course):
    people, ids = _notices(hr, org, course, 5)
    smtp_sink.refuse(people[2].user.email)

    with translation.override("en"):
        outcomes = delivery.reminders_deliver(reminder_ids=ids, now=T0)

    states = [outcomes[pk].state for pk in ids]
    assert states == ["sent", "sent", "failed", "sent", "sent"]
    assert smtp_sink.sessions == 1  # one SMTP session for the whole batch
    assert sorted(smtp_sink.counts) == sorted(pk for pk in ids if outcomes[pk].state == "sent")
    assert Reminder.objects.get(pk=ids[2]).detail == "The mail server refused the message."


def test_a_transient_error_in_a_batch_opens_a_new_connection_and_retries_that_one_later(
    smtp_sink, hr, org, course
):
    _people, ids = _notices(hr, org, course, 4)
    smtp_sink.fail_next(1)

    outcomes = delivery.reminders_deliver(reminder_ids=ids, now=T0)

    assert [outcomes[pk].retry_in for pk in ids] == [60, None, None, None]
    assert smtp_sink.sessions == 2 and sorted(smtp_sink.counts) == sorted(ids[1:])
    assert Reminder.objects.get(pk=ids[0]).state == Reminder.State.PENDING


def test_the_batch_task_retries_a_transient_error_on_its_own(smtp_sink, hr, org, course):
    _people, ids = _notices(hr, org, course, 3)
    smtp_sink.fail_next(1)

    assert (
        tasks.reminders_deliver_task(ids, T0.isoformat()) == 2
    )  # eager: the retry of the first runs at once

    assert sorted(smtp_sink.counts) == sorted(ids) and smtp_sink.duplicates() == {}
    assert Reminder.objects.get(pk=ids[0]).attempts == 2
    assert set(Reminder.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"sent"}


def test_a_reminder_that_breaks_is_recorded_and_the_rest_of_its_batch_goes_on(
    smtp_sink, hr, org, course, monkeypatch
):
    _people, ids = _notices(hr, org, course, 3)
    real_message = Composer.message

    def message(self, reminder, **kwargs):
        if reminder.pk == ids[1]:
            raise ValueError("a template that fails on this person's data")
        return real_message(self, reminder, **kwargs)

    monkeypatch.setattr(Composer, "message", message)
    with translation.override("en"):
        outcomes = delivery.reminders_deliver(reminder_ids=ids, now=T0)

    assert [outcomes[pk].state for pk in ids] == ["sent", "broken", "sent"]
    broken = Reminder.objects.get(pk=ids[1])
    assert (broken.state, broken.detail) == (
        Reminder.State.FAILED,
        "The message could not be prepared; the error is recorded.",
    )
    assert broken.last_error == "ValueError: a template that fails on this person's data"
    assert not Notification.objects.filter(reminder=broken).exists()  # its transaction rolled back
    assert sorted(smtp_sink.counts) == sorted([ids[0], ids[2]])


def test_a_batch_reads_once_but_each_delivery_rechecks_its_row(smtp_sink, hr, org, course):
    _people, ids = _notices(hr, org, course, 3)
    batch = delivery.Batch.read(ids)
    Reminder.objects.filter(pk=ids[0]).update(state=Reminder.State.SENT)  # another worker was faster
    Reminder.objects.filter(pk=ids[1]).update(not_before=at(MONDAY, 11))  # deferred meanwhile

    outcomes = [delivery.reminder_deliver(reminder_id=pk, now=T0, batch=batch) for pk in ids]

    assert [o.state for o in outcomes] == ["gone", "deferred", "sent"]
    assert list(smtp_sink.counts) == [ids[2]]


def other_session():
    """Another connection to the test database, as another worker would have."""
    import psycopg

    settings_dict = connection.settings_dict
    return psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        autocommit=True,
    )


def take_delivery_lock(session, reminder) -> bool:
    query = "SELECT pg_try_advisory_lock(%s, %s)"
    return session.execute(query, [delivery.LOCK_SPACE, reminder.pk % 2**31]).fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="delivery locks are PostgreSQL advisory locks")
def test_a_reminder_another_worker_is_delivering_is_left_to_it(smtp_sink, notice):
    """A second database session (another worker) holds the reminder's delivery lock: this delivery leaves
    it alone without sending; once the other session ends, the reminder goes."""
    other = other_session()
    try:
        assert take_delivery_lock(other, notice)
        assert deliver(notice).state == "gone"
        assert smtp_sink.count == 0 and fresh(notice).state == Reminder.State.PENDING
    finally:
        other.close()  # a worker that dies loses its locks the same way

    assert deliver(notice).state == Reminder.State.SENT
    assert smtp_sink.count == 1
    with other_session() as again:  # the delivery released its own lock
        assert take_delivery_lock(again, notice)


@pytest.mark.usefixtures("confirmations_by_the_sweep_only")
def test_the_completion_confirmation_links_to_the_certificate(smtp_sink, hr, person, course):
    assignment = assign(hr=hr, course=course, user=person.user)
    with after_commit():  # what follows the completion runs after its commit
        for lesson in lessons_of(course):
            progress_record(user=person.user, lesson=lesson, source="manual")
    certificate = Certificate.objects.get(user=person.user, course=course)
    now = planning.allowed_from(obligation_of(assignment, person.user).completed_at)
    ids = scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=now)
    [completed] = Reminder.objects.filter(pk__in=ids, kind=Kind.COMPLETED)

    assert deliver(completed, now=now).state == Reminder.State.SENT
    [mail] = smtp_sink.for_reminder(completed.pk)
    assert f"/{certificate.code}/pdf/" in mail.part("text/plain")
    assert Notification.objects.get(reminder=completed).url.endswith(f"/{certificate.code}/pdf/")


# People and addresses --------------------------------------------------------------------------------------


def test_a_person_without_an_email_gets_the_in_app_notification_only(smtp_sink, notice, person):
    User.objects.filter(pk=person.user_id).update(email="")

    assert deliver(notice).state == Reminder.State.SKIPPED

    row = fresh(notice)
    assert row.detail == "No email address; shown in the app only."
    assert Notification.objects.filter(reminder=notice, user=person.user).exists()
    assert smtp_sink.count == 0
    assert deliver(notice).state == "gone"


@pytest.mark.parametrize("address", ["khong-hop-le", "can.bo@", "cán bộ@phuong.example", "a@b\nBcc: x@y.z"])
def test_an_invalid_address_fails_clearly_and_the_app_still_shows_it(smtp_sink, notice, person, address):
    User.objects.filter(pk=person.user_id).update(email=address)

    assert deliver(notice).state == Reminder.State.FAILED

    row = fresh(notice)
    assert row.detail == "The email address is not valid; shown in the app only."
    assert row.last_error == address.strip()
    assert row.attempts == 0  # nothing was tried
    assert row.failed_at == T0
    assert Notification.objects.filter(reminder=notice).exists()
    assert smtp_sink.count == 0


def test_a_deactivated_person_gets_nothing(smtp_sink, notice, person):
    official_deactivate(official=person)
    assert deliver(notice).state == Reminder.State.SKIPPED
    assert fresh(notice).detail == "Stopped: the account is deactivated."
    assert not Notification.objects.filter(reminder=notice).exists()
    assert smtp_sink.count == 0


# The mail server ------------------------------------------------------------------------------------------


def test_a_server_that_says_later_is_tried_again_with_growing_waits(smtp_sink, notice):
    smtp_sink.fail_next(2)

    first, second = deliver(notice), deliver(notice)
    assert (first.state, first.retry_in) == (Reminder.State.PENDING, 60)
    assert (second.state, second.retry_in) == (Reminder.State.PENDING, 120)
    row = fresh(notice)
    assert row.attempts == 2 and "451" in row.last_error and row.state == Reminder.State.PENDING

    assert deliver(notice).state == Reminder.State.SENT
    assert fresh(notice).attempts == 3
    assert smtp_sink.transient_answered == 2
    assert list(smtp_sink.counts.items()) == [(notice.pk, 1)]
    assert Notification.objects.filter(reminder=notice).count() == 1  # one in-app copy, whatever the tries


def test_a_recipient_refused_for_now_is_tried_again_later(smtp_sink, notice, monkeypatch):
    """A 4xx answer to RCPT (greylisting) is temporary: retried, not recorded as failed."""
    import smtplib

    real_rcpt, answers = smtplib.SMTP.rcpt, [(450, b"4.2.0 Greylisted, try again later")]

    def rcpt(self, recip, options=()):
        return answers.pop() if answers else real_rcpt(self, recip, options)

    monkeypatch.setattr(smtplib.SMTP, "rcpt", rcpt)
    outcome = deliver(notice)
    assert (outcome.state, outcome.retry_in) == (Reminder.State.PENDING, 60)
    row = fresh(notice)
    assert (row.state, row.attempts) == (Reminder.State.PENDING, 1) and "450" in row.last_error
    assert smtp_sink.count == 0

    assert deliver(notice).state == Reminder.State.SENT
    assert list(smtp_sink.counts.items()) == [(notice.pk, 1)]


def test_the_send_task_retries_a_transient_refusal_by_itself(smtp_sink, notice):
    smtp_sink.fail_next(3)

    tasks.reminder_deliver_task.delay(notice.pk, T0.isoformat())  # eager in tests: the retries run at once

    row = fresh(notice)
    assert (row.state, row.attempts) == (Reminder.State.SENT, 4)
    assert list(smtp_sink.counts.items()) == [(notice.pk, 1)]


def test_a_server_that_keeps_saying_later_gives_up_after_the_last_attempt(settings, smtp_sink, notice):
    settings.REMINDER_MAX_ATTEMPTS = 3
    smtp_sink.fail_next(10)
    outcomes = [deliver(notice) for _ in range(3)]
    assert [o.state for o in outcomes] == [
        Reminder.State.PENDING,
        Reminder.State.PENDING,
        Reminder.State.FAILED,
    ]
    assert [o.retry_in for o in outcomes] == [60, 120, None]
    row = fresh(notice)
    assert (row.attempts, row.detail) == (3, "The mail server refused the message.")
    assert "451" in row.last_error
    assert smtp_sink.count == 0


def test_a_refused_mailbox_fails_at_once_and_can_be_sent_again_after_a_fix(smtp_sink, notice, person):
    smtp_sink.refuse(person.user.email)

    assert deliver(notice).state == Reminder.State.FAILED
    row = fresh(notice)
    assert (row.attempts, row.detail, row.failed_at) == (1, "The mail server refused the message.", T0)
    assert "SMTPRecipientsRefused" in row.last_error and "550" in row.last_error
    assert smtp_sink.count == 0
    assert deliver(notice).state == "gone"  # failed for good: a repeated task does not try again

    User.objects.filter(pk=person.user_id).update(email="dung-dia-chi@phuong.example")
    assert (
        delivery.failed_reminders_retry(reminder_ids=[notice.pk], by=None) == 1
    )  # "send again" in the admin
    row = fresh(notice)
    assert (row.state, row.attempts, row.detail, row.queued_at, row.failed_at) == (
        "pending",
        0,
        "",
        None,
        None,
    )
    now = planning.allowed_from(row.not_before)
    assert scheduling.reminders_claim(now=now) == [notice.pk]
    assert deliver(notice, now=now).state == Reminder.State.SENT
    assert [m.rcpt_tos for m in smtp_sink.messages()] == [["dung-dia-chi@phuong.example"]]
    assert Notification.objects.filter(reminder=notice).count() == 1


def test_a_server_that_is_down_is_tried_again_later(settings, smtp_sink, notice):
    settings.EMAIL_PORT = free_port()  # nobody listens there

    outcome = deliver(notice)

    assert (outcome.state, outcome.retry_in) == (Reminder.State.PENDING, 60)
    assert "ConnectionRefusedError" in fresh(notice).last_error
    settings.EMAIL_PORT = smtp_sink.port
    assert deliver(notice).state == Reminder.State.SENT
    assert smtp_sink.count == 1


# Preferences and quiet hours --------------------------------------------------------------------------------


def test_a_turned_off_optional_kind_is_skipped(smtp_sink, hr, person, course):
    Preference.objects.create(user=person.user, muted_kinds=[Kind.DUE_SOON])
    assignment = assign(hr=hr, course=course, user=person.user)
    scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=T0)
    scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=at(MONDAY + days(13)))
    due_soon = Reminder.objects.get(kind=Kind.DUE_SOON).pk

    assert deliver(Reminder(pk=due_soon), now=at(MONDAY + days(13))).state == Reminder.State.SKIPPED
    row = Reminder.objects.get(pk=due_soon)
    assert (row.kind, row.detail) == (Kind.DUE_SOON, "Turned off by the person.")
    assert smtp_sink.count == 0


def test_a_mandatory_kind_cannot_be_silenced(smtp_sink, notice, person):
    Preference.objects.create(user=person.user, muted_kinds=[Kind.ASSIGNED, Kind.DUE_SOON])  # a stale list
    assert deliver(notice).state == Reminder.State.SENT
    assert smtp_sink.count == 1


def test_in_quiet_hours_delivery_waits_until_seven_and_then_sends(smtp_sink, notice):
    night = at(MONDAY, 21, 30)
    assert deliver(notice, now=night).state == "deferred"
    row = fresh(notice)
    assert (row.state, row.not_before, row.queued_at) == (
        Reminder.State.PENDING,
        at(MONDAY + days(1), 7),
        None,
    )
    assert smtp_sink.count == 0
    # Quiet hours hold back the email only: the in-app copy is there at once (issue 15), and only once.
    assert Notification.objects.filter(reminder=notice).count() == 1

    assert scheduling.reminders_claim(now=at(MONDAY + days(1), 6, 59)) == []
    morning = at(MONDAY + days(1), 7)
    assert scheduling.reminders_claim(now=morning) == [notice.pk]
    assert deliver(notice, now=morning).state == Reminder.State.SENT
    assert smtp_sink.count == 1
    assert Notification.objects.filter(reminder=notice).count() == 1


def test_a_due_today_deferred_past_midnight_is_not_sent_a_day_late(smtp_sink, hr, person, course):
    """The sweep was down all day and came back at 22:00 on the due day: the "due today" waits for the
    morning, when the course is overdue; it is dropped and the overdue reminder goes instead."""
    assignment = assign(hr=hr, course=course, user=person.user, due_in=20)
    scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=T0)
    Reminder.objects.update(state=Reminder.State.SENT)
    late_evening = at(MONDAY + days(20), 22)
    scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=late_evening)
    due_today = Reminder.objects.get(kind=Kind.DUE_TODAY)
    assert due_today.not_before == at(MONDAY + days(21), 7)

    morning = at(MONDAY + days(21), 7)
    ready = scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=morning)
    overdue = Reminder.objects.get(kind=Kind.OVERDUE)
    assert sorted(ready) == sorted([due_today.pk, overdue.pk])
    assert deliver(due_today, now=morning).state == Reminder.State.SKIPPED
    assert fresh(due_today).detail == "Not sent: its day has passed and a later reminder takes its place."
    assert deliver(overdue, now=morning).state == Reminder.State.SENT
    assert list(smtp_sink.counts) == [overdue.pk]


def test_a_step_deferred_by_the_night_still_goes_while_it_is_current(smtp_sink, hr, person, course):
    assignment = assign(hr=hr, course=course, user=person.user, due_in=20)
    scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=T0)
    Reminder.objects.update(state=Reminder.State.SENT)
    scheduling.assignment_reminders_plan(
        assignment_id=assignment.pk, now=at(MONDAY + days(14), 23)
    )  # 6 days left
    seven = Reminder.objects.get(kind=Kind.DUE_SOON, offset=7)
    assert deliver(seven, now=at(MONDAY + days(15), 7)).state == Reminder.State.SENT  # 5 days left: still 7


# Digests -------------------------------------------------------------------------------------------------


def test_mandatory_notices_moved_into_the_digest_arrive_there(smtp_sink, hr, person, course):
    Preference.objects.create(user=person.user, mandatory_in_digest=True)
    notice = planned(assign(hr=hr, course=course, user=person.user))

    assert deliver(notice).state == Reminder.State.DIGESTED
    assert fresh(notice).detail == "Moved into the weekly digest."
    assert Notification.objects.filter(reminder=notice).exists()  # the app shows it at once
    assert smtp_sink.count == 0

    next_monday = at(MONDAY + days(7))
    digest_ids = scheduling.digests_plan(now=next_monday)
    [digest] = Reminder.objects.filter(pk__in=digest_ids, recipient=person.user)
    assert deliver(digest, now=next_monday).state == Reminder.State.SENT
    [mail] = smtp_sink.for_reminder(digest.pk)
    with translation.override("vi"):
        assert mail.subject == _("Weekly overview of mandatory training")
    assert COURSE in mail.part("text/plain") and COURSE in mail.part("text/html")
    assert mail.message["X-SmartWard-Reminder"] == str(digest.pk)


def test_an_hr_managers_digest_lists_the_overdue_people_of_their_units_only(smtp_sink, org, hr, course):
    late_ward = make_official(org.ward_a, name="Trần Văn Trễ Hạn")
    late_office = make_official(org.office_a, name="Lê Thị Văn Phòng", phone="0901234567")
    on_time = make_official(org.ward_a, name="Phạm Văn Đúng Hạn")
    exempt = make_official(org.ward_a, name="Võ Thị Miễn")
    elsewhere = make_official(org.ward_b, name="Đỗ Văn Phường Khác")
    head_b = make_official(org.ward_b, name="Hồ Văn Trưởng", is_unit_head=True)
    hr_ward_b = make_hr(org.ward_b)
    for p in (late_ward, late_office, exempt):
        assign(hr=hr, course=course, user=p.user, due_in=5)
    assign(hr=hr_ward_b, course=course, user=elsewhere.user, due_in=5)
    assign(hr=hr, course=course, user=on_time.user, due_in=40)
    obligation_exempt(by=hr, obligation=Obligation.objects.get(user=exempt.user), reason="Đã học ở trường")

    later = at(MONDAY + days(14))
    ids = scheduling.digests_plan(now=later)
    digests = {r.recipient_id: r for r in Reminder.objects.filter(pk__in=ids)}
    assert set(digests) == {hr.pk, hr_ward_b.pk, head_b.user_id}

    assert deliver(digests[hr.pk], now=later).state == Reminder.State.SENT
    text = smtp_sink.for_reminder(digests[hr.pk].pk)[0].part("text/plain")
    assert "Trần Văn Trễ Hạn" in text and "Lê Thị Văn Phòng" in text  # their ward and its office
    assert "0901234567" in text and late_office.user.email in text  # how to reach them
    assert "Phạm Văn Đúng Hạn" not in text and "Võ Thị Miễn" not in text and "Đỗ Văn Phường Khác" not in text

    assert deliver(digests[head_b.user_id], now=later).state == Reminder.State.SENT
    head_text = smtp_sink.for_reminder(digests[head_b.user_id].pk)[0].part("text/plain")
    assert "Đỗ Văn Phường Khác" in head_text and "Trần Văn Trễ Hạn" not in head_text


def test_a_digest_with_nothing_to_report_is_not_sent(smtp_sink, hr):
    [digest] = scheduling.digests_plan(now=T0)
    assert deliver(Reminder(pk=digest)).state == Reminder.State.SKIPPED
    assert Reminder.objects.get(pk=digest).detail == "Nothing to report this week."
    assert smtp_sink.count == 0


# Stops between planning and sending -------------------------------------------------------------------------


def _complete(hr, person, course, notice):
    with after_commit():  # what follows the completion runs after its commit
        for lesson in lessons_of(course):
            progress_record(user=person.user, lesson=lesson, source="manual")


def _exempt(hr, person, course, notice):
    obligation_exempt(by=hr, obligation=notice.obligation, reason="Đã học ở trường")


def _withdraw(hr, person, course, notice):
    assignment_withdraw(by=hr, assignment=notice.obligation.assignment)


def _retire(hr, person, course, notice):
    course.unpublish()


@pytest.mark.parametrize(
    ("stop", "detail"),
    [
        (_complete, "Stopped: the course is completed."),
        (_exempt, "Stopped: the person is exempt."),
        (_withdraw, "Stopped: the assignment was withdrawn or no longer applies."),
        (_retire, "Stopped: the course is no longer published."),
    ],
)
@pytest.mark.usefixtures("confirmations_by_the_sweep_only")
def test_a_reminder_planned_before_a_stop_is_not_sent(smtp_sink, hr, person, course, stop, detail):
    assignment = assign(hr=hr, course=course, user=person.user)
    scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=T0)
    Reminder.objects.update(state=Reminder.State.SENT)
    [overdue] = scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=at(MONDAY + days(21)))
    reminder = Reminder.objects.get(pk=overdue)
    stop(hr, person, course, reminder)

    assert deliver(reminder, now=at(MONDAY + days(21))).state == Reminder.State.SKIPPED
    assert fresh(reminder).detail == detail
    assert smtp_sink.count == 0
    assert not Notification.objects.filter(reminder=reminder).exists()


@pytest.mark.usefixtures("confirmations_by_the_sweep_only")
def test_a_completion_confirmation_is_not_sent_once_its_certificate_is_revoked(smtp_sink, hr, person, course):
    assignment = assign(hr=hr, course=course, user=person.user)
    with after_commit():  # what follows the completion runs after its commit
        for lesson in lessons_of(course):
            progress_record(user=person.user, lesson=lesson, source="manual")
    certificate = Certificate.objects.get(user=person.user)
    now = planning.allowed_from(certificate.completed_at)
    confirmation = planned(assignment, now=now)
    assert confirmation.kind == Kind.COMPLETED
    certificate_revoke(certificate=certificate, by=hr, reason="Cấp nhầm.")

    assert deliver(confirmation, now=now).state == Reminder.State.SKIPPED
    assert fresh(confirmation).detail == "Stopped: the certificate of this completion was revoked."
    assert smtp_sink.count == 0


# The sweep as Celery runs it (eager in tests) -----------------------------------------------------------


def test_the_sweep_task_sends_once_even_when_it_runs_twice_in_a_minute(smtp_sink, hr, org, course):
    people = [make_official(org.office_a) for _ in range(3)]
    for p in people:
        assign(hr=hr, course=course, user=p.user)

    tasks.sweep(T0.isoformat())
    tasks.sweep(at(MONDAY, 10, 0, 30).isoformat())

    received = {m.rcpt_tos[0] for m in smtp_sink.messages()}
    assert received == {p.user.email for p in people}  # (the HR manager's digest has nothing to report)
    assert smtp_sink.duplicates() == {}
    assert Reminder.objects.filter(state=Reminder.State.SENT).count() == 3
    runs = list(SweepRun.objects.order_by("pk"))
    assert [(r.assignments, r.started_at) for r in runs] == [(3, T0), (3, at(MONDAY, 10, 0, 30))]


def test_the_sweep_after_a_day_without_sweeps_catches_up_once(smtp_sink, hr, person, course):
    assign(hr=hr, course=course, user=person.user, due_in=20)
    tasks.sweep(T0.isoformat())
    tasks.sweep(at(MONDAY + days(12)).isoformat())  # 8 days left: nothing
    tasks.sweep(at(MONDAY + days(14)).isoformat())  # the 7-day step was missed yesterday
    tasks.sweep(at(MONDAY + days(15)).isoformat())

    received = [m.reminder_id for m in smtp_sink.messages() if m.rcpt_tos == [person.user.email]]
    sent = Reminder.objects.filter(recipient=person.user, state=Reminder.State.SENT).order_by("pk")
    assert [(r.kind, r.offset) for r in sent] == [(Kind.ASSIGNED, 0), (Kind.DUE_SOON, 7)]
    assert received == [r.pk for r in sent]


def test_the_sweep_at_night_queues_nothing_and_the_morning_sweep_sends(smtp_sink, hr, person, course):
    assign(hr=hr, course=course, user=person.user)
    tasks.sweep(at(MONDAY, 23).isoformat())
    assert smtp_sink.count == 0
    assert Reminder.objects.filter(recipient=person.user, state=Reminder.State.PENDING).count() == 1
    tasks.sweep(at(MONDAY + days(1), 7, 5).isoformat())
    assert [m.rcpt_tos for m in smtp_sink.messages()] == [[person.user.email]]
    assert sweep_plan(at(MONDAY + days(1), 7, 6)) == []
