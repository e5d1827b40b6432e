"""What each kind of reminder says (subject, plain text, HTML, link), the unsubscribe link in every email,
digests, nudges, and an administrator's EmailTemplate replacing the built-in message.

The wording is checked in English (settings.LANGUAGE_CODE = "en"), since the messages are rendered in the
platform's language whatever the active language; the Vietnamese catalogue is filled by the lead."""

import dataclasses
import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.template.loader import get_template
from django.utils import translation
from django.utils.html import escape

from lms.certificates.models import Certificate
from lms.learning.services import enrolment_create, progress_record
from lms.reminders import delivery, messages, scheduling
from lms.reminders.messages import (
    PERSON_MARK,
    UNSUBSCRIBE_MARK,
    Composer,
    Message,
    absolute,
    render,
    unsubscribe_read,
)
from lms.reminders.models import EmailTemplate, Kind, Reminder
from tests.builders import after_commit, lessons_of
from tests.org_builders import make_official

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
    assert f"was due on {DUE_DAY}: it is 9 days overdue." in message.text


def test_expiring(obligation, course):
    message = render(make(obligation, Kind.EXPIRING), now=T0)
    assert message.subject == f"Time to renew: {course.title}"
    assert "Take the course again" in message.text


def test_completion_links_to_the_certificate(obligation, course, person):
    enrolment_create(user=person.user, course=course)
    with after_commit():  # what follows the completion runs after its commit
        for lesson in lessons_of(course):
            progress_record(user=person.user, lesson=lesson, source="manual")
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
    assert delivery.reminder_deliver(reminder_id=reminder.pk, now=T0).state == Reminder.State.SENT
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
    delivery.reminder_deliver(reminder_id=reminder.pk, now=T0 + timedelta(minutes=1))
    (email,) = mail.outbox
    assert email.subject == f"New mandatory course: {course.title}"
    ((html, mimetype),) = email.alternatives
    assert mimetype == "text/html" and "<!doctype html>" in html


# --- Composer: one rendering shared between people who get the same message

O_BRIEN = 'O\'Brien <b>& "Co"'
TXT, HTML = "reminders/email/message.txt", "reminders/email/message.html"

# Every kind planned for an obligation: the extra fields of its reminder, and when it is sent.
PER_KIND = {
    Kind.ASSIGNED: ({}, T0),
    Kind.DUE_SOON: ({"offset": 3}, T0 + days(DUE_IN - 3)),
    Kind.DUE_TODAY: ({}, T0 + days(DUE_IN)),
    Kind.OVERDUE: ({"offset": 1}, T0 + days(DUE_IN + 9)),
    Kind.EXPIRING: ({}, T0),
    Kind.COMPLETED: ({}, T0),
    Kind.NUDGE: ({"message": 'Hạn chót <thứ Sáu> & "gấp".\nCảm ơn đồng chí.'}, T0),  # sent by the HR manager
}
OBLIGATION_KINDS = [kind for kind in Kind.values if kind != Kind.DIGEST]


def test_every_kind_but_the_digest_is_covered_below():
    assert sorted(PER_KIND) == sorted(OBLIGATION_KINDS)


@pytest.fixture
def steady_tokens(monkeypatch):
    """An unsubscribe token carries the second it was signed in: fixed here, so that messages made one after
    the other can be compared whole."""
    stamp = signing.b62_encode(int(time.time()))
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: stamp)


@pytest.fixture
def renderings(monkeypatch):
    """The names of the built-in templates rendered from here on (an administrator's template is not one)."""
    names = []
    real = messages.render_to_string

    def counting(template_name, context=None, *args, **kwargs):
        names.append(template_name)
        return real(template_name, context, *args, **kwargs)

    monkeypatch.setattr(messages, "render_to_string", counting)
    return names


def same_course(hr, course, name: str, org, due_in: int = DUE_IN):
    """Another person of the ward with the same mandatory course, due the same day unless told."""
    official = make_official(org.ward_a, name=name)
    return obligation_of(assign(hr=hr, course=course, user=official.user, due_in=due_in), official.user)


@pytest.fixture
def o_brien(hr, course, org):
    return same_course(hr, course, O_BRIEN, org)


def reminder_of(obligation, kind, hr):
    extra, now = PER_KIND[kind]
    if kind == Kind.NUDGE:
        extra = {**extra, "created_by": hr}
    return make(obligation, kind, **extra), now


def full_render(reminder, *, now) -> Message:
    """The message rendered for this person alone, as before Composer shared renderings: the built-in
    templates given as an administrator's template, which is rendered with the person's own name and link.
    (The subject does not name the person; an administrator's subject would replace it, so it is render's.)"""
    builtin = EmailTemplate(
        kind=reminder.kind,
        subject="-",
        text_body=get_template(TXT).template.source,
        html_body=get_template(HTML).template.source,
    )
    alone = render(reminder, now=now, template=builtin)
    return dataclasses.replace(alone, subject=render(reminder, now=now).subject)


@pytest.mark.usefixtures("steady_tokens")
@pytest.mark.parametrize("kind", OBLIGATION_KINDS)
def test_people_who_get_the_same_message_share_one_rendering_and_each_gets_a_full_renders_message(
    kind, hr, obligation, o_brien, renderings
):
    """Two people in a row: the second uses the first one's rendering, and each message (subject, text,
    HTML, link, unsubscribe link) is exactly what a fresh render and a full render for that person make."""
    first, now = reminder_of(obligation, kind, hr)
    second, _ = reminder_of(o_brien, kind, hr)
    composer = Composer(now=now)
    made = [composer.message(first), composer.message(second)]
    assert renderings == [TXT, HTML]  # once, for both people
    for reminder, message in zip([first, second], made, strict=True):
        assert message == render(reminder, now=now)
        assert message == full_render(reminder, now=now)
        name = reminder.recipient.full_name
        assert f"Dear {name}," in message.text
        assert f"Dear {escape(name)}," in message.html
        assert unsubscribe_read(message.unsubscribe_url.rstrip("/").rsplit("/", 1)[1]) == (
            reminder.recipient_id,
            kind,
        )
        assert message.unsubscribe_url in message.text
        assert f'href="{message.unsubscribe_url}"' in message.html
        assert PERSON_MARK not in message.text + message.html
        assert UNSUBSCRIBE_MARK not in message.text + message.html
    assert made[0].unsubscribe_url != made[1].unsubscribe_url
    assert made[0].subject == made[1].subject


@pytest.mark.usefixtures("steady_tokens")
def test_planned_notices_share_one_rendering(hr, course, org, person, renderings):
    """Reminders as planning makes them and delivery reads them (from the database, related rows joined)."""
    people = [person, make_official(org.ward_a, name=O_BRIEN), make_official(org.ward_a)]
    ids = []
    for official in people:
        assignment = assign(hr=hr, course=course, user=official.user, due_in=DUE_IN)
        ids += scheduling.assignment_reminders_plan(assignment_id=assignment.pk, now=T0)
    reminders = list(
        Reminder.objects.filter(pk__in=ids).select_related(*delivery.DELIVERY_RELATED).order_by("pk")
    )
    assert [(r.kind, r.recipient_id) for r in reminders] == [(Kind.ASSIGNED, o.user.pk) for o in people]
    composer = Composer(now=T0)
    made = [composer.message(reminder) for reminder in reminders]
    assert renderings == [TXT, HTML]
    for reminder, message in zip(reminders, made, strict=True):
        assert message == full_render(reminder, now=T0)
        assert f"Dear {reminder.recipient.full_name}," in message.text


@pytest.mark.usefixtures("steady_tokens")
def test_the_shared_html_escapes_the_name_exactly_as_the_template_does(hr, obligation, o_brien, renderings):
    composer = Composer(now=T0)
    composer.message(make(obligation, Kind.ASSIGNED))
    message = composer.message(make(o_brien, Kind.ASSIGNED))
    assert len(renderings) == 2  # O'Brien's copy came from the shared rendering
    assert "Dear O&#x27;Brien &lt;b&gt;&amp; &quot;Co&quot;," in message.html
    assert "<b>" not in message.html
    assert f"Dear {O_BRIEN}," in message.text
    assert message == full_render(make(o_brien, Kind.ASSIGNED), now=T0)


@pytest.mark.usefixtures("steady_tokens")
def test_a_nudges_message_and_sender_are_shared_escaped_in_html(hr, obligation, o_brien, renderings):
    hr.full_name = "Lê <Nhân> & Sự"
    hr.save(update_fields=["full_name"])
    composer = Composer(now=T0)
    nudges = [make(o, Kind.NUDGE, created_by=hr, message="Gấp <lắm> & nhé") for o in (obligation, o_brien)]
    made = [composer.message(reminder) for reminder in nudges]
    assert renderings == [TXT, HTML]
    for reminder, message in zip(nudges, made, strict=True):
        assert message == full_render(reminder, now=T0)
        assert message.subject == f"A reminder from Lê <Nhân> & Sự: {reminder.obligation.course.title}"
        assert "Gấp <lắm> & nhé — Lê <Nhân> & Sự" in message.text
        assert "Gấp &lt;lắm&gt; &amp; nhé<br>— Lê &lt;Nhân&gt; &amp; Sự" in message.html


@pytest.mark.usefixtures("steady_tokens")
def test_messages_that_differ_by_more_than_name_and_link_are_not_shared(
    hr, course, org, obligation, renderings
):
    later = same_course(hr, course, O_BRIEN, org, due_in=DUE_IN + 7)
    composer = Composer(now=T0)
    reminders = [make(obligation, Kind.ASSIGNED), make(later, Kind.ASSIGNED)]
    made = [composer.message(reminder) for reminder in reminders]
    assert renderings == [TXT, HTML, TXT, HTML]
    for reminder, message in zip(reminders, made, strict=True):
        assert message == full_render(reminder, now=T0)
    assert f"Please complete it by {DUE_DAY}." in made[0].text
    later_day = (T0 + days(DUE_IN + 7)).strftime("%d/%m/%Y")
    assert f"Please complete it by {later_day}." in made[1].text


@pytest.mark.usefixtures("confirmations_by_the_sweep_only")
@pytest.mark.usefixtures("steady_tokens")
def test_a_completion_with_a_certificate_links_each_person_to_their_own(
    hr, course, person, obligation, o_brien, renderings
):
    enrolment_create(user=person.user, course=course)
    with after_commit():  # what follows the completion runs after its commit
        for lesson in lessons_of(course):
            progress_record(user=person.user, lesson=lesson, source="manual")
    certificate = Certificate.objects.get(user=person.user, course_id=course.pk)
    obligation.refresh_from_db()
    composer = Composer(now=T0)
    reminders = [make(obligation, Kind.COMPLETED), make(o_brien, Kind.COMPLETED)]
    made = [composer.message(reminder) for reminder in reminders]
    assert len(renderings) == 4  # different links: nothing to share
    assert made[0].url.endswith(f"/{certificate.code}/pdf/")
    assert made[1].url == absolute(course.url)
    for reminder, message in zip(reminders, made, strict=True):
        assert message == full_render(reminder, now=T0)


@pytest.mark.usefixtures("steady_tokens")
@pytest.mark.parametrize("given", [False, True], ids=["read-by-the-composer", "given-to-the-composer"])
def test_an_administrators_template_is_rendered_for_each_person(
    hr, course, obligation, o_brien, renderings, given
):
    template = EmailTemplate.objects.create(
        kind=Kind.DUE_TODAY,
        subject="Hôm nay: {{ course }} — {{ person }}",
        text_body="Đồng chí {{ person }}: {{ action_url }} | {{ unsubscribe_url }}",
        html_body='<p>{{ person }}</p><a href="{{ unsubscribe_url }}">{{ course }}</a>',
    )
    now = T0 + days(DUE_IN)
    composer = Composer(now=now, templates={Kind.DUE_TODAY: template} if given else None)
    reminders = [make(obligation, Kind.DUE_TODAY), make(o_brien, Kind.DUE_TODAY)]
    made = [composer.message(reminder) for reminder in reminders]
    assert renderings == []  # the built-in templates are not used at all
    for reminder, message in zip(reminders, made, strict=True):
        name = reminder.recipient.full_name
        assert message == render(reminder, now=now)
        assert message.subject == f"Hôm nay: {course.title} — {name}"
        assert message.text == f"Đồng chí {name}: {absolute(course.url)} | {message.unsubscribe_url}"
        assert (
            message.html
            == f'<p>{escape(name)}</p><a href="{message.unsubscribe_url}">{escape(course.title)}</a>'
        )
    assert made[1].html.startswith("<p>O&#x27;Brien &lt;b&gt;&amp; &quot;Co&quot;</p>")


def test_digests_are_rendered_for_each_person(person, hr, renderings):
    rows = [{"name": "Trần Văn Trễ", "course": "An toàn thông tin", "due": "01/03/2026", "days_late": 9}]
    composer = Composer(now=T0)
    made = [
        composer.message(Reminder(kind=Kind.DIGEST, recipient=user, period="2026-W10"), rows=rows)
        for user in (person.user, hr)
    ]
    assert renderings == [TXT, HTML, TXT, HTML]
    assert f"Dear {person.user.full_name}," in made[0].text
    assert f"Dear {hr.full_name}," in made[1].text


@pytest.mark.usefixtures("steady_tokens")
def test_a_name_with_the_private_use_mark_falls_back_to_a_full_render(
    hr, course, org, obligation, o_brien, renderings
):
    marked_name = f"Lê {PERSON_MARK} Văn {UNSUBSCRIBE_MARK} \ue000"
    marked = same_course(hr, course, marked_name, org)
    assert marked.user.full_name == marked_name
    composer = Composer(now=T0)
    reminders = [make(o, Kind.OVERDUE, offset=1) for o in (obligation, marked, o_brien)]
    made = [composer.message(reminder) for reminder in reminders]
    # shared for the first person, in full for the marked name, the shared one again for O'Brien
    assert renderings == [TXT, HTML, TXT, HTML]
    for reminder, message in zip(reminders, made, strict=True):
        assert message == full_render(reminder, now=T0)
    assert f"Dear {marked_name}," in made[1].text
    assert f"Dear {escape(marked_name)}," in made[1].html
    assert made[1].text.count(made[1].unsubscribe_url) == 1
    assert f"Dear {O_BRIEN}," in made[2].text


@pytest.mark.usefixtures("steady_tokens")
@pytest.mark.parametrize("where", ["nudge message", "sender name", "course title"])
def test_a_mark_in_the_shared_text_falls_back_to_a_full_render(
    hr, course, obligation, o_brien, renderings, where
):
    """Only the marks the Composer put in are replaced: a course title, a sender's name or note that contains
    the marks' character is kept as it is, each person's message rendered in full."""
    text = f"Ghi chú {PERSON_MARK} {UNSUBSCRIBE_MARK}"
    if where == "course title":
        course.title = text
        course.save_revision().publish()
    if where == "sender name":
        hr.full_name = text
        hr.save(update_fields=["full_name"])
    note = text if where == "nudge message" else "Nhắc nhở"
    reminders = [make(o, Kind.NUDGE, created_by=hr, message=note) for o in (obligation, o_brien)]
    composer = Composer(now=T0)
    made = [composer.message(reminder) for reminder in reminders]
    assert renderings == [TXT, HTML, TXT, HTML]
    for reminder, message in zip(reminders, made, strict=True):
        assert text in message.text
        assert escape(text) in message.html
        assert message == full_render(reminder, now=T0)
