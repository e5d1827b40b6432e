"""Login protection (issue 11, defect 4): lockout per account and per address on the three login pages,
password-reset limits, and a password reset that lifts the lock of a locked-out account."""

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from lms.audit.models import AuditEntry
from tests.builders import UserFactory
from tests.org_builders import make_staff_admin

pytestmark = pytest.mark.django_db


PASSWORD = "MatKhau@123"
LOCKED_TITLE = "Tạm khóa đăng nhập"
LOGIN_PAGES = {
    "site": ("/tai-khoan/login/", {}),
    "wagtail": ("/admin/login/", {}),
    "django": ("/django-admin/login/", {"next": "/django-admin/"}),
}


def fail(client, url, username, *, times=1, address="127.0.0.1", extra=None):
    response = None
    for _ in range(times):
        response = client.post(
            url, {"username": username, "password": "sai-mat-khau", **(extra or {})}, REMOTE_ADDR=address
        )
    return response


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 5
    return 5


@pytest.mark.parametrize("page", sorted(LOGIN_PAGES))
def test_the_fifth_wrong_password_locks_the_login_page_with_a_vietnamese_page(client, limit, page):
    url, extra = LOGIN_PAGES[page]
    admin = make_staff_admin(username="quantri_khoa")

    before = fail(client, url, "quantri_khoa", times=limit - 1, extra=extra)
    assert before.status_code == 200

    locked = fail(client, url, "quantri_khoa", extra=extra)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert LOCKED_TITLE in text
    assert "30 phút" in text
    assert "quản trị viên" in text

    right = client.post(url, {"username": admin.username, "password": PASSWORD, **extra})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_still_let_the_person_in(client, limit):
    user = UserFactory(username="canbo_go_nham")
    fail(client, reverse("login"), user.username, times=limit - 1)

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302


def test_an_address_is_locked_by_failures_at_different_usernames(client, limit):
    user = UserFactory(username="canbo_cung_may")
    for n in range(limit):
        fail(client, reverse("login"), f"doan_mo_{n}", address="10.1.1.1")

    same_address = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert same_address.status_code == 429
    assert LOCKED_TITLE in same_address.content.decode()

    other_address = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.2.2.2"
    )
    assert other_address.status_code == 302


def test_an_account_is_locked_whatever_the_address_and_the_case_of_the_username(client, limit):
    UserFactory(username="BT-004")
    for n in range(limit):
        fail(client, reverse("login"), "BT-004" if n % 2 else "bt-004", address=f"10.9.9.{n}")

    response = client.post(
        reverse("login"), {"username": "BT-004", "password": PASSWORD}, REMOTE_ADDR="10.3.3.3"
    )

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"bt-004"}


def test_the_lock_ends_by_itself_after_the_cool_off(client, limit, settings):
    user = UserFactory(username="canbo_cho")
    fail(client, reverse("login"), user.username, times=limit)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME
    )

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302


# --- Password reset ---------------------------------------------------------------------------------------


def ask_reset(client, email, address="127.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_requests_are_limited_per_email(client, settings, mailoutbox):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    UserFactory(username="canbo_quen", email="quen@phuong.example")
    for n in range(3):
        assert ask_reset(client, "quen@phuong.example", address=f"10.0.0.{n}").status_code == 302

    limited = ask_reset(client, "Quen@Phuong.example", address="10.0.0.9")

    assert limited.status_code == 429
    assert "Có quá nhiều yêu cầu đặt lại mật khẩu" in limited.content.decode()
    assert len(mailoutbox) == 3


def test_the_limit_answers_the_same_for_an_address_no_account_uses(client, settings, mailoutbox):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    UserFactory(username="canbo_that", email="that@phuong.example")
    answers = {}
    for email in ("that@phuong.example", "khong-ai@phuong.example"):
        responses = [ask_reset(client, email, address=f"10.0.{len(answers)}.{n}") for n in range(4)]
        answers[email] = [r.status_code for r in responses]

    assert answers["that@phuong.example"] == answers["khong-ai@phuong.example"] == [302, 302, 302, 429]


def test_password_reset_requests_are_limited_per_address(client, settings, mailoutbox):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 10
    for n in range(10):
        assert ask_reset(client, f"nguoi{n}@phuong.example", address="10.4.4.4").status_code == 302

    assert ask_reset(client, "nguoi10@phuong.example", address="10.4.4.4").status_code == 429
    assert ask_reset(client, "nguoi10@phuong.example", address="10.5.5.5").status_code == 302


def test_a_locked_out_account_gets_its_reset_email_and_the_new_password_unlocks_it(client, limit, mailoutbox):
    user = UserFactory(username="canbo_bi_khoa", email="bikhoa@phuong.example")
    fail(client, reverse("login"), "Canbo_Bi_Khoa", times=limit)
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 429

    assert ask_reset(client, "bikhoa@phuong.example").status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"http://testserver(/tai-khoan/reset/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "MatKhauMoi@2026", "new_password2": "MatKhauMoi@2026"}
    )
    assert done.status_code == 302

    assert not AccessAttempt.objects.filter(username="canbo_bi_khoa").exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCOUNT_UNLOCK)
    assert entry.object_id == str(user.pk) and entry.changes["by"] == "password reset"
    response = client.post(reverse("login"), {"username": user.username, "password": "MatKhauMoi@2026"})
    assert response.status_code == 302


def test_the_admin_logins_offer_no_second_unlimited_reset(client):
    assert client.get("/admin/password_reset/").status_code == 404
