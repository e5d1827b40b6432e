"""The reminders admin: the list with "send again", email templates (validation, preview), the operations
view, and nudges by HR managers and trainers (scope, confirmation, one a day)."""

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.reminders import delivery, planning, scheduling, selectors, services
from lms.reminders.models import EmailTemplate, Kind, Notification, Reminder, SweepRun
from tests.builders import UserFactory, make_course
from tests.org_builders import make_admin_user, make_official

from .conftest import T0, assign, days, obligation_of

pytestmark = pytest.mark.django_db

INDEX = reverse("reminders_admin:index")
RETRY = reverse("reminders_admin:retry")
OPS = reverse("reminders_admin:ops")
TEMPLATES = reverse("reminders_admin:templates")
NUDGE = reverse("reminders_admin:nudge")
NUDGE_CONFIRM = reverse("reminders_admin:nudge_confirm")


@pytest.fixture
def clock(monkeypatch):
    """The wall clock stands at T0 (a Monday, 10:00 in Ho Chi Minh City: outside quiet hours)."""
    monkeypatch.setattr(timezone, "now", lambda: T0)
    return T0


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def administrator(org):
    return make_admin_user()


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return english(client)


@pytest.fixture
def hr_client(client, hr):
    client.force_login(hr)
    return english(client)


def reminder(user, *, kind=Kind.DUE_SOON, state=Reminder.State.PENDING, period=None, **extra):
    return Reminder.objects.create(
        kind=kind, recipient=user, period=period or f"p{Reminder.objects.count()}", state=state, **extra
    )


# --- Who may see what


@pytest.mark.parametrize(
    "url", [INDEX, RETRY + "?ids=1", OPS, TEMPLATES, reverse("reminders_admin:preview", args=["due_soon"])]
)
def test_administrator_pages_are_refused_to_hr_managers_and_learners(client, hr, person, url):
    client.force_login(hr)
    refused = client.get(url)
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # Wagtail's "permission denied"
    client.force_login(person.user)
    response = client.get(url)
    assert response.status_code == 302  # no admin access at all: Wagtail's login page
    assert "/admin/login/" in response["Location"]


def test_the_menu_shows_administrators_everything_and_hr_only_the_nudges(client, administrator, hr):
    client.force_login(administrator)
    html = client.get("/admin/").content.decode()
    assert all(url in html for url in (INDEX, OPS, TEMPLATES, NUDGE))
    client.force_login(hr)
    html = client.get("/admin/").content.decode()
    assert NUDGE in html
    assert INDEX + '"' not in html and OPS not in html and TEMPLATES not in html


# --- The list and "send again"


def test_the_list_filters_by_state_and_kind_and_searches_recipients(admin_client, person, hr):
    sent = reminder(person.user, state=Reminder.State.SENT)
    failed = reminder(person.user, kind=Kind.OVERDUE, state=Reminder.State.FAILED, detail="Bị từ chối")
    other = reminder(hr, kind=Kind.OVERDUE, state=Reminder.State.FAILED)

    def shown(**query):
        response = admin_client.get(INDEX, query)
        assert response.status_code == 200
        return {r.pk for r in response.context["page_obj"].object_list}

    assert shown() == {sent.pk, failed.pk, other.pk}
    assert shown(state="failed") == {failed.pk, other.pk}
    assert shown(kind="overdue", state="failed") == {failed.pk, other.pk}
    assert shown(kind="due_soon") == {sent.pk}
    assert shown(q="Học Viên") == {sent.pk, failed.pk}
    assert shown(q=person.user.email) == {sent.pk, failed.pk}
    assert shown(state="nonsense") == {sent.pk, failed.pk, other.pk}  # an unknown filter is ignored
    html = admin_client.get(INDEX).content.decode()
    assert f'id="retry-{failed.pk}"' in html and f'id="retry-{sent.pk}"' not in html  # only failed ones


def test_the_list_is_paginated_with_constant_queries(admin_client, person):
    for _ in range(3):
        reminder(person.user, state=Reminder.State.FAILED, last_error="SMTPRecipientsRefused")
    admin_client.get(INDEX)  # warm (the administrator's permissions, cached between requests)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(INDEX)
    for _ in range(60):
        reminder(person.user, state=Reminder.State.FAILED, last_error="SMTPRecipientsRefused")
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(INDEX)
    assert len(response.context["page_obj"].object_list) == 50
    assert len(many) == len(few)


def test_send_again_asks_for_confirmation_then_sends(admin_client, clock, hr, person, course):
    obligation = obligation_of(assign(hr=hr, course=course, user=person.user, now=clock), person.user)
    failed = Reminder.objects.create(
        kind=Kind.ASSIGNED,
        recipient=person.user,
        obligation=obligation,
        state=Reminder.State.FAILED,
        attempts=5,
        last_error="SMTPServerDisconnected",
        detail="The mail server refused the message.",
    )
    sent = reminder(person.user, state=Reminder.State.SENT)

    confirm = admin_client.get(RETRY, {"ids": [failed.pk, sent.pk]})
    assert confirm.status_code == 200
    assert [r.pk for r in confirm.context["reminders"]] == [failed.pk]  # a sent one is not sent again
    failed.refresh_from_db()
    assert failed.state == Reminder.State.FAILED  # the GET changed nothing

    response = admin_client.post(RETRY, {"ids": [failed.pk, sent.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.state == Reminder.State.SENT  # queued and delivered (eager Celery in tests)
    assert failed.attempts == 1
    assert [m.to for m in mail.outbox] == [[person.user.email]]
    assert Notification.objects.filter(reminder=failed).exists()
    sent.refresh_from_db()
    assert sent.state == Reminder.State.SENT and sent.attempts == 0


def test_send_again_without_a_failed_reminder_goes_back_to_the_list(admin_client, person):
    sent = reminder(person.user, state=Reminder.State.SENT)
    response = admin_client.post(RETRY, {"ids": [sent.pk, "x"]})
    assert response.status_code == 302
    assert response["Location"].startswith(INDEX)


# --- Email templates


def snippet_url(name, *args):
    return reverse(EmailTemplate.snippet_viewset.get_url_name(name), args=args)


def template_data(**changes):
    data = {
        "kind": Kind.OVERDUE,
        "subject": "Quá hạn: {{ course }}",
        "text_body": "Kính gửi {{ person }},\n{{ action_url }}\n{{ unsubscribe_url }}",
        "html_body": "<p>Kính gửi {{ person }}</p>",
    }
    data.update(changes)
    return data


def test_an_administrator_saves_a_template(admin_client):
    response = admin_client.post(snippet_url("add"), template_data())
    assert response.status_code == 302
    assert EmailTemplate.objects.get(kind=Kind.OVERDUE).subject == "Quá hạn: {{ course }}"


@pytest.mark.parametrize(
    "field, source",
    [
        ("subject", "Quá hạn {% if course %}"),
        ("text_body", "Xin chào {{ person|khong_co_bo_loc }}"),
        ("html_body", "<p>{% for row in rows %}</p>"),
        ("text_body", "{% load khong_ton_tai %}"),
    ],
)
def test_a_template_that_does_not_compile_is_a_form_error_not_a_server_error(admin_client, field, source):
    response = admin_client.post(snippet_url("add"), template_data(**{field: source}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert "This template has an error" in str(errors[field])
    assert not EmailTemplate.objects.exists()


def test_a_subject_on_two_lines_is_refused(admin_client):
    response = admin_client.post(snippet_url("add"), template_data(subject="Một\nHai"))
    assert response.status_code == 200
    assert "subject" in response.context["form"].errors


def test_editing_to_a_broken_template_keeps_the_old_one(admin_client):
    admin_client.post(snippet_url("add"), template_data())
    saved = EmailTemplate.objects.get()
    response = admin_client.post(snippet_url("edit", saved.pk), template_data(text_body="{% endif %}"))
    assert response.status_code == 200
    saved.refresh_from_db()
    assert saved.text_body.startswith("Kính gửi")


def test_the_edit_form_lists_the_variables(admin_client):
    html = admin_client.get(snippet_url("add")).content.decode()
    for name in (
        "person",
        "course",
        "due",
        "days",
        "days_late",
        "action_url",
        "unsubscribe_url",
        "message",
        "rows",
    ):
        assert f"<code>{{{{ {name} }}}}</code>" in html


def test_hr_managers_cannot_edit_templates(client, hr):
    client.force_login(hr)
    assert client.get(snippet_url("add")).status_code in (302, 403)
    assert client.post(snippet_url("add"), template_data()).status_code in (302, 403)
    assert not EmailTemplate.objects.exists()


def test_the_overview_and_previews(admin_client, hr, person, course):
    assign(hr=hr, course=course, user=person.user)
    EmailTemplate.objects.create(
        kind=Kind.OVERDUE, subject="Riêng: {{ course }}", text_body="Thân gửi {{ person }}", html_body=""
    )
    overview = admin_client.get(TEMPLATES)
    assert overview.status_code == 200
    rows = {row.kind.value: row for row in overview.context["rows"]}
    assert set(rows) == set(Kind.values)
    assert rows["overdue"].custom is not None and rows["overdue"].edit_url
    assert rows["due_soon"].custom is None

    for kind in Kind.values:
        response = admin_client.get(reverse("reminders_admin:preview", args=[kind]))
        assert response.status_code == 200, kind
        assert response.context["email"].subject
    custom = admin_client.get(reverse("reminders_admin:preview", args=["overdue"]))
    assert custom.context["email"].subject == f"Riêng: {course.title}"
    assert admin_client.get(reverse("reminders_admin:preview", args=["spam"])).status_code == 404


# --- Operations


def test_the_operations_view_shows_the_figures(admin_client, clock, person):
    SweepRun.objects.create(started_at=clock - timedelta(minutes=10), assignments=4, queued=7)
    SweepRun.objects.create(started_at=clock - timedelta(hours=2))
    SweepRun.objects.create(started_at=clock - timedelta(hours=30))
    reminder(person.user)  # waiting
    reminder(person.user, not_before=clock + days(1))  # waiting too
    reminder(person.user, queued_at=clock - timedelta(minutes=1))  # queued
    # Due three days ago, failed three hours ago (retried with backoff): a recent failure.
    recent = reminder(
        person.user,
        state=Reminder.State.FAILED,
        not_before=clock - days(3),
        created_at=clock - days(3),
        failed_at=clock - timedelta(hours=3),
    )
    reminder(
        person.user, state=Reminder.State.FAILED, not_before=clock, failed_at=clock - timedelta(hours=25)
    )
    reminder(person.user, state=Reminder.State.SENT)

    response = admin_client.get(OPS)
    assert response.status_code == 200
    status = response.context["status"]
    assert status.last_sweep.queued == 7
    assert status.sweeps_24h == 2
    assert (status.pending, status.queued) == (2, 1)
    assert status.failed_24h == 1 and status.failed_total == 2
    assert [r.pk for r in status.failures] == [recent.pk]
    assert status.sweep_late is False
    html = response.content.decode()
    assert 'id="sweep-late"' not in html
    assert f"state=failed&amp;q={person.user.username}" in html


def test_the_operations_view_warns_when_the_sweep_is_late(admin_client, clock):
    response = admin_client.get(OPS)
    assert response.context["status"].sweep_late is True  # never ran
    assert 'id="sweep-late"' in response.content.decode()

    SweepRun.objects.create(started_at=clock - timedelta(minutes=31))  # 2 × 15 minutes ago, and more
    assert admin_client.get(OPS).context["status"].sweep_late is True
    SweepRun.objects.create(started_at=clock - timedelta(minutes=29))
    assert admin_client.get(OPS).context["status"].sweep_late is False


def test_the_warning_follows_the_interval_an_administrator_set(admin_client, clock):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    hourly = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    PeriodicTask.objects.create(name="reminders.sweep", task="reminders.sweep", interval=hourly)
    SweepRun.objects.create(started_at=clock - timedelta(minutes=90))
    response = admin_client.get(OPS)
    assert response.context["interval_minutes"] == 60
    assert response.context["status"].sweep_late is False


def test_the_celery_queue_length(settings):
    from lms.celery import app

    if not app.conf.broker_url.startswith("redis"):
        assert selectors.broker_queue() == selectors.BrokerQueue(None, "broker")
        return
    with app.connection_for_write() as connection_:
        client = connection_.default_channel.client
        queue = "smartward-test-reminders-queue"
        client.delete(queue)
        client.lpush(queue, "a", "b", "c")
        try:
            assert selectors.broker_queue(queue).length == 3
        finally:
            client.delete(queue)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server (REDIS_URL)")
def test_the_operations_view_shows_the_redis_queue(admin_client):
    response = admin_client.get(OPS)
    assert isinstance(response.context["status"].broker.length, int)


# --- Nudges


@pytest.fixture
def ward_b_person(org, administrator, course, clock):
    person = make_official(org.ward_b, name="Phạm Văn Phường Khác")
    assign(hr=administrator, course=course, user=person.user, now=clock)
    return person


@pytest.fixture
def open_obligation(hr, person, course, clock):
    return obligation_of(assign(hr=hr, course=course, user=person.user, now=clock), person.user)


def test_hr_sees_only_people_of_their_units(hr_client, open_obligation, ward_b_person):
    response = hr_client.get(NUDGE)
    assert response.status_code == 200
    assert [o.pk for o in response.context["page_obj"].object_list] == [open_obligation.pk]


def test_nudge_confirmation_then_sending_then_refused_the_same_day(
    hr_client, hr, clock, open_obligation, ward_b_person, person
):
    outside = ward_b_person.user.obligations.get(is_current=True)
    confirm = hr_client.post(
        NUDGE_CONFIRM, {"obligations": [open_obligation.pk, outside.pk], "message": "Hạn chót thứ Sáu."}
    )
    assert confirm.status_code == 200
    assert confirm.context["ids"] == [open_obligation.pk]
    assert confirm.context["ignored"] == 1
    assert not Reminder.objects.filter(kind=Kind.NUDGE).exists()  # nothing before confirming

    sent = hr_client.post(
        NUDGE_CONFIRM,
        {"obligations": [open_obligation.pk, outside.pk], "message": "Hạn chót thứ Sáu.", "confirm": "1"},
    )
    assert sent.status_code == 302
    nudge = Reminder.objects.get(kind=Kind.NUDGE)
    assert (nudge.obligation_id, nudge.created_by_id, nudge.message) == (
        open_obligation.pk,
        hr.pk,
        "Hạn chót thứ Sáu.",
    )
    assert nudge.state == Reminder.State.SENT
    assert [m.to for m in mail.outbox] == [[person.user.email]]
    assert "Hạn chót thứ Sáu." in mail.outbox[0].body
    assert not Reminder.objects.filter(recipient=ward_b_person.user, kind=Kind.NUDGE).exists()

    listing = hr_client.get(NUDGE)
    assert listing.context["page_obj"].object_list[0].nudged_today is True

    again = hr_client.post(
        NUDGE_CONFIRM, {"obligations": [open_obligation.pk], "message": "", "confirm": "1"}, follow=True
    )
    assert Reminder.objects.filter(kind=Kind.NUDGE).count() == 1
    assert len(mail.outbox) == 1
    assert any("1 person was not reminded" in str(m) for m in again.context["messages"])


def test_the_next_day_a_nudge_is_allowed_again(hr, clock, open_obligation):
    first, refused = scheduling.obligations_nudge(by=hr, obligation_ids=[open_obligation.pk], now=clock)
    assert len(first) == 1 and refused == 0
    delivery.reminder_deliver(reminder_id=first[0], now=clock)
    same_day, refused = scheduling.obligations_nudge(
        by=hr, obligation_ids=[open_obligation.pk], now=clock + timedelta(hours=5)
    )
    assert same_day == [] and refused == 1
    next_day, refused = scheduling.obligations_nudge(
        by=hr, obligation_ids=[open_obligation.pk], now=clock + days(1)
    )
    assert len(next_day) == 1 and refused == 0


def test_the_same_date_a_year_later_is_another_day(hr, clock, open_obligation):
    assert planning.nudge_day(clock + days(365)) != planning.nudge_day(clock)


def test_a_trainer_nudges_the_people_of_their_course_in_any_unit(
    client, org, hr, catalogue, clock, ward_b_person, open_obligation
):
    trainer = UserFactory(username="giang_vien")
    from django.contrib.auth.models import Group

    from lms.people.roles import TRAINER

    trainer.groups.add(Group.objects.get(name=TRAINER))
    theirs = make_course(catalogue, title="Kỹ năng tiếp dân")
    theirs.trainer = trainer
    theirs.save_revision().publish()
    mine = obligation_of(
        assign(hr=hr, course=theirs, user=open_obligation.user, now=clock), open_obligation.user
    )

    client.force_login(trainer)
    english(client)
    response = client.get(NUDGE)
    assert response.status_code == 200
    assert [o.pk for o in response.context["page_obj"].object_list] == [mine.pk]

    client.post(NUDGE_CONFIRM, {"obligations": [mine.pk, open_obligation.pk], "confirm": "1"})
    assert list(Reminder.objects.filter(kind=Kind.NUDGE).values_list("obligation_id", flat=True)) == [mine.pk]


def test_people_who_are_neither_hr_nor_trainers_cannot_nudge(client, person, open_obligation):
    client.force_login(person.user)
    assert client.get(NUDGE).status_code == 302  # no admin access
    with pytest.raises(services.ReminderError) as raised:
        scheduling.obligations_nudge(by=person.user, obligation_ids=[open_obligation.pk])
    assert raised.value.status == 403
    assert not Reminder.objects.filter(kind=Kind.NUDGE).exists()


def test_completed_or_exempt_people_are_not_offered(hr_client, hr, open_obligation, clock):
    from lms.compliance.services import obligation_exempt

    obligation_exempt(by=hr, obligation=open_obligation, reason="Nghỉ thai sản", now=clock)
    assert list(hr_client.get(NUDGE).context["page_obj"].object_list) == []
    ids, refused = scheduling.obligations_nudge(by=hr, obligation_ids=[open_obligation.pk], now=clock)
    assert (ids, refused) == ([], 1)


def test_nudge_filters(hr_client, hr, org, clock, course, catalogue, open_obligation):
    office_person = make_official(org.office_a, name="Võ Thị Văn Phòng")
    other_course = make_course(catalogue, title="An toàn thông tin")
    late = obligation_of(
        assign(hr=hr, course=other_course, user=office_person.user, now=clock - days(30), due_in=5),
        office_person.user,
    )

    def shown(**query):
        return {o.pk for o in hr_client.get(NUDGE, query).context["page_obj"].object_list}

    assert shown() == {open_obligation.pk, late.pk}
    assert shown(course=other_course.pk) == {late.pk}
    assert shown(unit=org.office_a.pk) == {late.pk}
    assert shown(status="overdue") == {late.pk}
    assert shown(unit=org.ward_b.pk) == {open_obligation.pk, late.pk}  # outside the scope: not a filter


def test_a_bad_selection_is_explained(hr_client, open_obligation):
    response = hr_client.post(NUDGE_CONFIRM, {"obligations": ["abc"], "confirm": "1"}, follow=True)
    assert response.status_code == 200
    assert not Reminder.objects.filter(kind=Kind.NUDGE).exists()
    response = hr_client.post(NUDGE_CONFIRM, {"confirm": "1"}, follow=True)
    assert any("Select at least one person" in str(m) for m in response.context["messages"])


def test_the_nudge_list_costs_the_same_queries_for_few_or_many_people(hr_client, hr, org, course, clock):
    def add(n):
        for _ in range(n):
            official = make_official(org.ward_a)
            assign(hr=hr, course=course, user=official.user, now=clock)

    add(1)
    with CaptureQueriesContext(connection) as few:
        hr_client.get(NUDGE)
    add(6)
    with CaptureQueriesContext(connection) as many:
        response = hr_client.get(NUDGE)
    assert len(response.context["page_obj"].object_list) == 7
    assert len(many) == len(few)
