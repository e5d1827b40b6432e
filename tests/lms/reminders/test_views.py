"""The learner's side: notification centre, email preferences, the public unsubscribe link (RFC 8058
one-click) and the unread count in the site header."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.reminders import services
from lms.reminders.messages import UNSUBSCRIBE_SALT, unsubscribe_token
from lms.reminders.models import MANDATORY_KINDS, Kind, Notification, Preference
from tests.builders import UserFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("reminders:inbox")
PREFERENCES = reverse("reminders:preferences")


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def user(db):
    return UserFactory(username="canbo_thongbao")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return english(client)


def notify(user, n=1, *, read=False, url="/hoc-tap-cua-toi/", start=None, kind=Kind.DUE_SOON):
    start = start or timezone.now() - timedelta(hours=n)
    rows = [
        Notification(
            user=user,
            kind=kind,
            subject=f"Thông báo số {i}",
            body=f"Nội dung {i}",
            url=url,
            created_at=start + timedelta(minutes=i),
            read_at=start if read else None,
        )
        for i in range(n)
    ]
    Notification.objects.bulk_create(rows)
    return list(Notification.objects.filter(user=user).order_by("created_at", "pk"))


# --- The notification centre


def test_the_inbox_needs_a_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_inbox_lists_the_persons_notifications_newest_first_paginated(user_client, user):
    mine = notify(user, 25)
    notify(UserFactory(username="nguoi_khac"), 3)

    first = user_client.get(INBOX)
    assert first.status_code == 200
    shown = list(first.context["page_obj"].object_list)
    assert len(shown) == 20
    assert shown[0].pk == mine[-1].pk  # newest first
    assert all(n.user_id == user.pk for n in shown)
    assert first.content.decode().count('class="card notification is-unread"') == 20

    second = user_client.get(INBOX, {"page": 2})
    assert [n.pk for n in second.context["page_obj"].object_list] == [n.pk for n in reversed(mine[:5])]


def test_the_inbox_costs_the_same_queries_for_one_or_twenty_notifications(user_client, user):
    notify(user, 1)
    user_client.get(INBOX)  # warm (the person's permissions, cached between requests)
    with CaptureQueriesContext(connection) as few:
        user_client.get(INBOX)
    notify(user, 30)
    with CaptureQueriesContext(connection) as many:
        user_client.get(INBOX)
    assert len(many) == len(few)


def test_unread_notifications_are_highlighted_and_read_ones_are_not(user_client, user):
    notify(user, 2, read=True)
    unread = notify(UserFactory(username="x"), 1)  # not mine
    html = user_client.get(INBOX).content.decode()
    assert "is-unread" not in html
    assert f'data-id="{unread[0].pk}"' not in html


def test_mark_all_read_is_a_post_and_only_touches_the_persons_notifications(user_client, user):
    notify(user, 3)
    other = UserFactory(username="nguoi_khac")
    notify(other, 2)

    assert user_client.get(reverse("reminders:mark_all_read")).status_code == 405
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 3

    response = user_client.post(reverse("reminders:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 2


def test_opening_a_notification_marks_it_read_and_follows_its_link(user_client, user):
    (notification,) = notify(user, url="/hoc-tap-cua-toi/")
    response = user_client.get(reverse("reminders:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/hoc-tap-cua-toi/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    first_read = notification.read_at

    user_client.get(reverse("reminders:open", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == first_read  # opened again: the first reading stays


def test_an_absolute_link_to_our_own_site_is_followed(user_client, user, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://hoc.phuong.example"
    (notification,) = notify(user, url="https://hoc.phuong.example/khoa-hoc/abc/")
    response = user_client.get(reverse("reminders:open", args=[notification.pk]))
    assert response["Location"] == "https://hoc.phuong.example/khoa-hoc/abc/"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http://hoc.phuong.example/khoa-hoc/",  # our host, but not our scheme
        "https://hoc.phuong.example.evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "khoa-hoc/",
        "",
    ],
)
def test_opening_never_redirects_off_site(user_client, user, settings, url):
    settings.WAGTAILADMIN_BASE_URL = "https://hoc.phuong.example"
    (notification,) = notify(user, url=url)
    response = user_client.get(reverse("reminders:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == INBOX
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_persons_notification_is_not_found_and_stays_unread(user_client):
    (theirs,) = notify(UserFactory(username="nguoi_khac"))
    response = user_client.get(reverse("reminders:open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- Preferences


def test_preferences_show_the_optional_kinds_only_and_the_mandatory_ones_as_a_list(user_client):
    response = user_client.get(PREFERENCES)
    assert response.status_code == 200
    choices = {value for value, _label in response.context["form"].fields["muted_kinds"].choices}
    assert choices == {Kind.DUE_SOON, Kind.COMPLETED, Kind.DIGEST}
    html = response.content.decode()
    assert 'id="mandatory-notices"' in html
    assert "cannot be turned off" in html


def test_saving_preferences(user_client, user):
    response = user_client.post(
        PREFERENCES, {"muted_kinds": [Kind.DUE_SOON, Kind.DIGEST], "mandatory_in_digest": "on"}
    )
    assert response.status_code == 302
    preference = Preference.objects.get(user=user)
    assert preference.muted_kinds == [Kind.DUE_SOON, Kind.DIGEST]
    assert preference.mandatory_in_digest is True

    form = user_client.get(PREFERENCES).context["form"]
    assert form.initial == {"muted_kinds": [Kind.DUE_SOON, Kind.DIGEST], "mandatory_in_digest": True}

    user_client.post(PREFERENCES, {})
    preference.refresh_from_db()
    assert preference.muted_kinds == [] and preference.mandatory_in_digest is False


def test_a_mandatory_kind_cannot_be_turned_off_in_the_form(user_client, user):
    response = user_client.post(PREFERENCES, {"muted_kinds": [Kind.OVERDUE]})
    assert response.status_code == 200
    assert response.context["form"].errors["muted_kinds"]
    assert not Preference.objects.filter(user=user).exists()


@pytest.mark.parametrize("kind", sorted(MANDATORY_KINDS))
def test_the_service_refuses_to_mute_a_mandatory_kind(user, kind):
    with pytest.raises(services.ReminderError):
        services.preference_update(user=user, muted_kinds=[kind], mandatory_in_digest=False)
    assert not Preference.objects.filter(user=user).exists()


def test_the_service_refuses_an_unknown_kind(user):
    with pytest.raises(services.ReminderError):
        services.preference_update(user=user, muted_kinds=["spam"], mandatory_in_digest=False)


def test_preferences_need_a_login(client):
    assert client.get(PREFERENCES).status_code == 302
    assert client.post(PREFERENCES, {"muted_kinds": [Kind.DUE_SOON]}).status_code == 302
    assert not Preference.objects.exists()


# --- Unsubscribe


def unsubscribe_url(user, kind):
    return reverse("reminders:unsubscribe", args=[unsubscribe_token(user_id=user.pk, kind=kind)])


def test_unsubscribe_get_explains_and_changes_nothing(user):
    client = english(Client())
    response = client.get(unsubscribe_url(user, Kind.DUE_SOON))
    assert response.status_code == 200
    assert 'id="unsubscribe-form"' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert not Preference.objects.filter(user=user).exists()


def test_unsubscribe_post_turns_off_an_optional_kind_without_a_login(user):
    client = english(Client(enforce_csrf_checks=True))
    page = client.get(unsubscribe_url(user, Kind.DUE_SOON))
    token = page.cookies[settings.CSRF_COOKIE_NAME].value if settings.CSRF_COOKIE_NAME in page.cookies else ""
    response = client.post(unsubscribe_url(user, Kind.DUE_SOON), {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert 'data-muted="1"' in response.content.decode()
    preference = Preference.objects.get(user=user)
    assert preference.muted_kinds == [Kind.DUE_SOON]
    assert preference.mandatory_in_digest is False


def test_unsubscribe_from_a_mandatory_kind_moves_mandatory_notices_into_the_digest(user):
    client = english(Client())
    response = client.post(unsubscribe_url(user, Kind.OVERDUE))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-muted="0"' in html
    assert "cannot be silenced" in html
    preference = Preference.objects.get(user=user)
    assert preference.muted_kinds == []
    assert preference.mandatory_in_digest is True


def test_rfc_8058_one_click_post_works_without_a_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_url(user, Kind.COMPLETED),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Preference.objects.get(user=user).muted_kinds == [Kind.COMPLETED]

    again = client.post(
        unsubscribe_url(user, Kind.COMPLETED),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert again.status_code == 200
    assert 'data-changed="0"' in again.content.decode()
    assert Preference.objects.get(user=user).muted_kinds == [Kind.COMPLETED]


def test_unsubscribe_changes_only_the_tokens_person(user):
    other = UserFactory(username="nguoi_khac")
    client = Client()
    client.force_login(other)  # signed in as someone else: the token decides
    client.post(unsubscribe_url(user, Kind.DIGEST))
    assert Preference.objects.get(user=user).muted_kinds == [Kind.DIGEST]
    assert not Preference.objects.filter(user=other).exists()


def test_unsubscribe_keeps_other_muted_kinds(user):
    services.preference_update(user=user, muted_kinds=[Kind.DIGEST], mandatory_in_digest=False)
    Client().post(unsubscribe_url(user, Kind.DUE_SOON))
    assert Preference.objects.get(user=user).muted_kinds == [Kind.DUE_SOON, Kind.DIGEST]


def tampered(token: str) -> str:
    value, signature = token.rsplit(":", 1)
    return f"{value}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_a_clear_400_and_changes_nothing(user, method):
    token = tampered(unsubscribe_token(user_id=user.pk, kind=Kind.DUE_SOON))
    response = getattr(english(Client()), method)(reverse("reminders:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()
    assert not Preference.objects.exists()


def test_a_link_for_another_user_id_made_without_our_key_is_refused(user):
    from django.core import signing

    forged = signing.dumps({"u": user.pk, "k": Kind.DUE_SOON}, key="not-our-secret", salt=UNSUBSCRIBE_SALT)
    response = Client().post(reverse("reminders:unsubscribe", args=[forged]))
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_an_expired_link_is_refused(user, monkeypatch):
    token = unsubscribe_token(user_id=user.pk, kind=Kind.DUE_SOON)
    later = timezone.now().timestamp() + 366 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = Client().post(reverse("reminders:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_a_link_of_a_deactivated_account_changes_nothing(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = Client().post(unsubscribe_url(user, Kind.DUE_SOON))
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_unsubscribe_accepts_get_and_post_only(user):
    assert Client().put(unsubscribe_url(user, Kind.DUE_SOON)).status_code == 405


# --- The header


def test_the_header_shows_the_unread_count_with_an_accessible_label(user_client, user):
    notify(user, 3)
    notify(user, 2, read=True)
    html = user_client.get(INBOX).content.decode()
    assert 'id="notification-bell"' in html
    assert 'aria-label="Notifications, 3 unread"' in html
    assert '<span class="notification-count" aria-hidden="true">3</span>' in html


def test_the_header_count_costs_one_query_whatever_the_number(user_client, user):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            user_client.get(PREFERENCES)
        return [q["sql"] for q in captured if "reminders_notification" in q["sql"]]

    assert len(queries()) == 1
    notify(user, 40)
    counted = queries()
    assert len(counted) == 1
    assert "COUNT(" in counted[0].upper()


def test_no_count_for_anonymous_visitors(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'id="notification-bell"' not in response.content.decode()
    assert not [q for q in captured if "reminders_notification" in q["sql"]]


def test_no_count_on_admin_pages(user):
    from lms.reminders.context_processors import unread_notifications

    class Request:
        path = "/admin/pages/"

    request = Request()
    request.user = user
    assert unread_notifications(request) == {}
    request.path = "/hoc-tap-cua-toi/"
    assert unread_notifications(request)["unread_notifications"]() == 0
