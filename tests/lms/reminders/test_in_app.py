"""Issue 15, item 6: reminders and notifications that make sense — a past due date is worded as overdue, the
in-app notification links relative to the site and shows a short text with a button (not the email), and
quiet hours hold back the email only, never the in-app copy (still exactly once)."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from lms.reminders import delivery, messages, scheduling
from lms.reminders.messages import render
from lms.reminders.models import Kind, Notification, Reminder

from .conftest import MONDAY, T0, assign, at, days, obligation_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://localhost:8000"  # the demo's SITE_URL, not where it is served
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def obligation(hr, person, course):
    return obligation_of(assign(hr=hr, course=course, user=person.user, due_in=20), person.user)


def reminder(obligation, kind, **extra) -> Reminder:
    return Reminder.objects.create(
        kind=kind, recipient=obligation.user, obligation=obligation, cycle=obligation.cycle, **extra
    )


@pytest.mark.parametrize("kind", [Kind.ASSIGNED, Kind.NUDGE, Kind.EXPIRING, Kind.OVERDUE])
def test_a_past_due_date_is_worded_as_overdue(settings, obligation, kind):
    settings.LANGUAGE_CODE = "en"
    ten_days_late = T0 + days(30)
    text = render(
        Reminder(kind=kind, recipient=obligation.user, obligation=obligation), now=ten_days_late
    ).text
    assert "it is 10 days overdue" in text
    assert "by " + (T0 + days(20)).strftime("%d/%m/%Y") not in text  # never "finish by" a day that passed


def test_in_vietnamese_it_says_da_qua_han(settings, obligation):
    settings.LANGUAGE_CODE = "vi"
    message = render(
        Reminder(kind=Kind.NUDGE, recipient=obligation.user, obligation=obligation), now=T0 + days(30)
    )
    assert "đã quá hạn 10 ngày" in message.text
    assert "chậm nhất" not in message.text
    on_time = render(Reminder(kind=Kind.NUDGE, recipient=obligation.user, obligation=obligation), now=T0)
    assert "chậm nhất" in on_time.text and "quá hạn" not in on_time.text


def test_the_notification_links_relative_with_a_short_text_and_a_button(site, client, obligation, course):
    notice = reminder(obligation, Kind.ASSIGNED, not_before=T0)
    delivery.reminder_deliver(reminder_id=notice.pk, now=T0)
    notification = Notification.objects.get(reminder=notice)
    assert notification.url == course.url and notification.url.startswith("/")
    assert "localhost:8000" not in notification.url
    assert "http" not in notification.body and "--" not in notification.body  # no links, no email footer
    assert course.title in notification.body and len(notification.body) < 300
    assert len(mail.outbox) == 1 and "http://localhost:8000" in mail.outbox[0].body  # the email: absolute

    client.force_login(obligation.user)
    html = client.get(reverse("reminders:inbox")).content.decode()
    open_url = reverse("reminders:open", args=[notification.pk])
    assert f'class="button" href="{open_url}"' in html
    with translation.override("vi"):
        assert notification.action_label == "Bắt đầu khóa học"
    followed = client.get(open_url)
    assert followed.status_code == 302 and followed["Location"] == course.url


def test_a_nudge_notification_carries_the_senders_message(site, obligation, hr):
    nudge = reminder(obligation, Kind.NUDGE, created_by=hr, message="Nhớ học trước thứ Sáu", not_before=T0)
    delivery.reminder_deliver(reminder_id=nudge.pk, now=T0)
    body = Notification.objects.get(reminder=nudge).body
    assert "Nhớ học trước thứ Sáu" in body and hr.full_name in body


def test_site_path_keeps_only_the_path():
    assert messages.site_path("http://localhost:8000/khoa-hoc/a/?x=1#b") == "/khoa-hoc/a/?x=1#b"
    assert messages.site_path("/khoa-hoc/a/") == "/khoa-hoc/a/"


def test_quiet_hours_hold_back_the_email_only(site, hr, person, course):
    assignment = assign(hr=hr, course=course, user=person.user)
    night = at(MONDAY, 22, 30)
    ready = scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=night)
    [notice] = Reminder.objects.filter(recipient=person.user)
    assert ready == [notice.pk]  # claimed at night, for its in-app copy
    assert delivery.reminder_deliver(reminder_id=notice.pk, now=night).state == "deferred"
    assert Notification.objects.filter(reminder=notice).count() == 1  # in the app at once
    assert mail.outbox == []  # the email waits
    notice.refresh_from_db()
    assert (notice.state, notice.not_before, notice.queued_at) == (
        Reminder.State.PENDING, at(MONDAY + days(1), 7), None,
    )  # fmt: skip

    assert scheduling.reminders_claim(now=at(MONDAY + days(1), 3)) == []  # its copy exists: not again
    morning = at(MONDAY + days(1), 7)
    assert scheduling.reminders_claim(now=morning) == [notice.pk]
    assert delivery.reminder_deliver(reminder_id=notice.pk, now=morning).state == Reminder.State.SENT
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(reminder=notice).count() == 1  # still one in-app copy


def test_a_reminder_sent_by_hand_at_night_shows_in_the_app_at_once(site, hr, obligation):
    night = at(MONDAY, 23)
    sent, refused = scheduling.obligations_nudge(by=hr, obligation_ids=[obligation.pk], now=night)
    assert refused == 0 and len(sent) == 1
    delivery.reminders_deliver(reminder_ids=sent, now=night)
    assert Notification.objects.filter(reminder_id=sent[0]).exists()
    assert mail.outbox == []
