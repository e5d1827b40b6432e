"""What each kind of reminder says (subject, plain text, HTML, link), the unsubscribe link in every email,
digests, nudges, and an administrator's EmailTemplate replacing the built-in message.

The wording is checked in English (settings.LANGUAGE_CODE = "en"), since the messages are rendered in the
platform's language whatever the active language; the Vietnamese catalogue is filled by the lead."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation

from lms.certificates.models import Certificate
from lms.learning.services import enrolment_create, record_progress
from lms.reminders import services
from lms.reminders.messages import absolute, render, unsubscribe_read
from lms.reminders.models import EmailTemplate, Kind, Reminder
from tests.builders import lessons_of

from .conftest import T0, assign, days, obligation_of

pytestmark = pytest.mark.django_db

DUE_IN = 20
DUE_DAY = (T0 + days(DUE_IN)).strftime("%d/%m/%Y")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.WAGTAILADMIN_BASE_URL = "https://hoc.phuong.example"


@pytest.fixture
def obligation(hr, person, course):
    return obligation_of(assign(hr=hr, course=course, user=person.user, due_in=DUE_IN), person.user)


def make(obligation, kind, **extra):
    return Reminder(
        kind=kind,
        recipient=obligation.user,
        obligation=obligation,
        cycle=obligation.cycle,
        **extra,
    )


def test_assigned(obligation, course):
    message = render(make(obligation, Kind.ASSIGNED), now=T0)
    assert message.subject == f"New mandatory course: {course.title}"
    assert f"You have been assigned the mandatory course “{course.title}”." in message.text
    assert f"Please complete it by {DUE_DAY}." in message.text
    assert f"Start the course: {absolute(course.url)}" in message.text
    assert message.url == absolute(course.url)
    assert f"Dear {obligation.user.full_name}," in message.text
    assert f'href="{message.url}"' in message.html


def test_due_soon_names_the_days_left(obligation, course):
    message = render(make(obligation, Kind.DUE_SOON, offset=3), now=T0 + days(DUE_IN - 3))
    assert message.subject == f"3 days left: {course.title}"
    assert f"is due on {DUE_DAY}" in message.text


def test_due_today(obligation, course):
    message = render(make(obligation, Kind.DUE_TODAY), now=T0 + days(DUE_IN))
    assert message.subject == f"Due today: {course.title}"
    assert "Today is the last day" in message.text


def test_overdue_counts_the_days_since_the_due_date(obligation, course):
    message = render(make(obligation, Kind.OVERDUE, offset=1), now=T0 + days(DUE_IN + 9))
    assert message.subject == f"Overdue: {course.title}"
    assert f"was due on {DUE_DAY}, 9 days ago." in message.text


def test_expiring(obligation, course):
    message = render(make(obligation, Kind.EXPIRING), now=T0)
    assert message.subject == f"Time to renew: {course.title}"
    assert "Take the course again" in message.text


def test_completion_links_to_the_certificate(obligation, course, person):
    enrolment_create(user=person.user, course=course)
    for lesson in lessons_of(course):
        record_progress(user=person.user, lesson=lesson, source="manual")
    certificate = Certificate.objects.get(user=person.user, course_id=course.pk)
    obligation.refresh_from_db()

    message = render(make(obligation, Kind.COMPLETED), now=T0)
    assert message.subject == f"Completed: {course.title}"
    assert message.url.endswith(f"/{certificate.code}/pdf/")
    assert message.url.startswith("https://hoc.phuong.example/")
    assert "Download your certificate" in message.text


def test_completion_without_a_certificate_links_to_the_course(obligation, course):
    assert render(make(obligation, Kind.COMPLETED), now=T0).url == absolute(course.url)


def test_a_nudge_names_its_sender_and_carries_the_message(obligation, hr, course):
    message = render(make(obligation, Kind.NUDGE, created_by=hr, message="Hạn chót <thứ Sáu>."), now=T0)
    assert message.subject == f"A reminder from {hr.full_name}: {course.title}"
    assert f"Hạn chót <thứ Sáu>. — {hr.full_name}" in message.text
    assert "Hạn chót &lt;thứ Sáu&gt;." in message.html


def test_a_digest_lists_its_rows_and_links_to_the_inbox(person):
    rows = [
        {
            "name": "Trần Văn Trễ",
            "unit": "Phường Bến Thành",
            "course": "An toàn thông tin",
            "due": "01/03/2026",
            "days_late": 9,
            "email": "tre@phuong.example",
            "phone": "0901234567",
        }
    ]
    reminder = Reminder(kind=Kind.DIGEST, recipient=person.user, period="2026-W10")
    message = render(reminder, rows=rows, now=T0)
    assert message.subject == "Weekly overview of mandatory training"
    assert message.url == "https://hoc.phuong.example/thong-bao/"
    assert (
        "- Trần Văn Trễ (Phường Bến Thành): An toàn thông tin — due 01/03/2026, 9 days late" in message.text
    )
    assert "<td>An toàn thông tin</td>" in message.html
    assert 'href="mailto:tre@phuong.example"' in message.html


@pytest.mark.parametrize("kind", [k for k in Kind.values if k != Kind.DIGEST])
def test_every_email_carries_its_own_unsubscribe_link(obligation, kind):
    message = render(make(obligation, kind), now=T0)
    assert message.unsubscribe_url.startswith("https://hoc.phuong.example/thong-bao/huy-dang-ky/")
    token = message.unsubscribe_url.rstrip("/").rsplit("/", 1)[1]
    assert unsubscribe_read(token) == (obligation.user_id, kind)
    assert message.unsubscribe_url in message.text
    assert message.unsubscribe_url in message.html
    assert "https://hoc.phuong.example/thong-bao/tuy-chon/" in message.text


def test_html_escapes_the_course_title_and_text_keeps_it(obligation, course):
    course.title = "Phòng chống <script>alert(1)</script>"
    course.save_revision().publish()
    message = render(make(obligation, Kind.ASSIGNED), now=T0)
    assert "<script>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert "Phòng chống <script>alert(1)</script>" in message.text


def test_messages_use_the_platform_language_whatever_the_active_one(obligation, settings):
    settings.LANGUAGE_CODE = "vi"
    with translation.override("en"):
        message = render(make(obligation, Kind.ASSIGNED), now=T0)
    assert "Học viện Phường thông minh" in message.text  # the site name, already translated


# --- An administrator's template


def test_a_custom_template_replaces_the_built_in_message(obligation, course):
    EmailTemplate.objects.create(
        kind=Kind.OVERDUE,
        subject="[Khẩn] {{ course }} — trễ {{ days_late }} ngày",
        text_body=(
            "Đồng chí {{ person }}: {{ course }} hạn {{ due }}. {{ action_url }} | {{ unsubscribe_url }}"
        ),
        html_body="<p>{{ person }} — <a href='{{ action_url }}'>{{ course }}</a></p>",
    )
    message = render(make(obligation, Kind.OVERDUE, offset=0), now=T0 + days(DUE_IN + 2))
    assert message.subject == f"[Khẩn] {course.title} — trễ 2 ngày"
    assert message.text == (
        f"Đồng chí {obligation.user.full_name}: {course.title} hạn {DUE_DAY}. "
        f"{absolute(course.url)} | {message.unsubscribe_url}"
    )
    assert message.html.startswith(f"<p>{obligation.user.full_name} — <a href='{absolute(course.url)}'>")
    # other kinds keep the built-in message
    assert render(make(obligation, Kind.ASSIGNED), now=T0).subject.startswith("New mandatory course")


def test_a_custom_template_escapes_html_but_not_text(obligation, hr):
    EmailTemplate.objects.create(
        kind=Kind.NUDGE, subject="{{ message }}", text_body="{{ message }}", html_body="<p>{{ message }}</p>"
    )
    message = render(make(obligation, Kind.NUDGE, created_by=hr, message="A & <b>B</b>"), now=T0)
    assert message.text == "A & <b>B</b>"
    assert message.html == "<p>A &amp; &lt;b&gt;B&lt;/b&gt;</p>"
    assert message.subject == "A & <b>B</b>"


def test_a_custom_template_without_html_sends_text_only(obligation, person):
    EmailTemplate.objects.create(kind=Kind.ASSIGNED, subject="Khóa mới", text_body="Xin chào {{ person }}")
    reminder = make(obligation, Kind.ASSIGNED, not_before=T0, created_at=T0)
    reminder.save()
    assert services.deliver(reminder_id=reminder.pk, now=T0).state == Reminder.State.SENT
    (email,) = mail.outbox
    assert email.subject == "Khóa mới"
    assert email.body == f"Xin chào {person.user.full_name}"
    assert email.alternatives == []
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = email.extra_headers["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
    assert unsubscribe_read(token) == (person.user_id, Kind.ASSIGNED)


def test_render_can_preview_an_unsaved_template(obligation, course):
    draft = EmailTemplate(kind=Kind.DUE_TODAY, subject="Nháp: {{ course }}", text_body="{{ due }}")
    message = render(make(obligation, Kind.DUE_TODAY), now=T0, template=draft)
    assert (message.subject, message.text) == (f"Nháp: {course.title}", DUE_DAY)
    assert not EmailTemplate.objects.exists()


def test_the_built_in_email_is_sent_with_both_parts(obligation, person, course):
    reminder = make(obligation, Kind.ASSIGNED, not_before=T0, created_at=T0)
    reminder.save()
    services.deliver(reminder_id=reminder.pk, now=T0 + timedelta(minutes=1))
    (email,) = mail.outbox
    assert email.subject == f"New mandatory course: {course.title}"
    ((html, mimetype),) = email.alternatives
    assert mimetype == "text/html" and "<!doctype html>" in html
