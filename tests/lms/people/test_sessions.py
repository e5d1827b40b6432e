"""Sessions on shared office PCs (issue 11, defect 10): "remember me" at login and the idle timeout."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.builders import UserFactory
from tests.org_builders import make_staff_admin

pytestmark = pytest.mark.django_db


PASSWORD = "MatKhau@123"
SIGNED_OUT = "Bạn đã được đăng xuất"


def session_cookie(response):
    return response.cookies[settings.SESSION_COOKIE_NAME]


def test_the_login_form_offers_remember_me_unticked(client):
    page = client.get(reverse("login")).content.decode()

    assert "Ghi nhớ đăng nhập trên máy này" in page
    assert 'name="remember"' in page and "checked" not in page


def test_without_remember_me_the_session_ends_with_the_browser(client):
    UserFactory(username="canbo_may_chung")

    response = client.post(reverse("login"), {"username": "canbo_may_chung", "password": PASSWORD})

    assert response.status_code == 302
    assert session_cookie(response)["max-age"] == ""
    assert session_cookie(response)["expires"] == ""
    assert client.session.get_expire_at_browser_close()


def test_with_remember_me_the_session_lasts_the_long_age(client):
    UserFactory(username="canbo_may_rieng")

    response = client.post(
        reverse("login"), {"username": "canbo_may_rieng", "password": PASSWORD, "remember": "on"}
    )

    assert session_cookie(response)["max-age"] == settings.SESSION_COOKIE_AGE
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 60 * 60
    assert not client.session.get_expire_at_browser_close()


@pytest.mark.parametrize(
    ("remember", "max_age"), [({}, ""), ({"remember": "on"}, settings.SESSION_COOKIE_AGE)]
)
def test_the_wagtail_admin_login_remembers_the_same_way(client, remember, max_age):
    admin = make_staff_admin(username="quantri_nho")

    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD, **remember})

    assert response.status_code == 302
    assert session_cookie(response)["max-age"] == max_age


def test_the_django_admin_login_ends_with_the_browser(client):
    admin = make_staff_admin(username="quantri_dj")

    response = client.post(
        "/django-admin/login/", {"username": admin.username, "password": PASSWORD, "next": "/django-admin/"}
    )

    assert response.status_code == 302
    assert session_cookie(response)["max-age"] == ""


@pytest.fixture
def clock(monkeypatch):
    """timezone.now, moved forward on demand."""
    state = {"offset": timedelta(0)}
    real_now = timezone.now

    def now():
        return real_now() + state["offset"]

    monkeypatch.setattr(timezone, "now", now)

    def move(**delta):
        state["offset"] += timedelta(**delta)

    return move


def log_in(client, username, **extra):
    UserFactory(username=username)
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD, **extra})
    assert response.status_code == 302
    assert client.get(reverse("people:profile")).status_code == 200


def test_an_idle_session_is_logged_out_with_a_message(client, clock):
    log_in(client, "canbo_roi_may")

    clock(minutes=61)
    response = client.get(reverse("people:profile"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('people:profile')}"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert SIGNED_OUT in page and "60 phút" in page


def test_activity_keeps_the_session_alive(client, clock):
    log_in(client, "canbo_dang_lam")

    for _ in range(3):
        clock(minutes=50)
        assert client.get(reverse("people:profile")).status_code == 200


def test_a_remembered_session_has_no_idle_timeout(client, clock):
    log_in(client, "canbo_nho", remember="on")

    clock(hours=5)

    assert client.get(reverse("people:profile")).status_code == 200


def test_an_idle_admin_session_goes_back_to_the_admin_login(client, clock):
    admin = make_staff_admin(username="quantri_roi")
    client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert client.get("/admin/").status_code == 200

    clock(minutes=61)
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
