import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.http import HttpRequest
from django.urls import reverse

from tests.builders import UserFactory


class _Inbox:
    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.messages.append(envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server in this process; Django sends to it over TCP."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    yield inbox
    controller.stop()


def test_login_with_username_and_password(client, db):
    UserFactory(username="canbo_dangnhap")

    response = client.post(reverse("login"), {"username": "canbo_dangnhap", "password": "MatKhau@123"})

    assert response.status_code == 302
    assert response["Location"] == reverse("learning:my_learning")


def test_login_with_a_wrong_password_says_so_in_vietnamese(client, db):
    UserFactory(username="canbo_sai")

    response = client.post(reverse("login"), {"username": "canbo_sai", "password": "sai"})

    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_logout_is_a_post(learner_client):
    response = learner_client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in learner_client.session


def test_profile_shows_and_saves_the_full_name(learner_client, learner):
    page = learner_client.get(reverse("people:profile")).content.decode()
    assert learner.username in page

    response = learner_client.post(
        reverse("people:profile"), {"full_name": "Võ Thị Hồng", "email": "hong@phuong.example"}, follow=True
    )

    learner.refresh_from_db()
    assert learner.full_name == "Võ Thị Hồng"
    assert "Đã lưu hồ sơ của bạn." in response.content.decode()


def test_profile_rejects_a_bad_email(learner_client, learner):
    response = learner_client.post(reverse("people:profile"), {"full_name": "A", "email": "khong-phai-email"})

    learner.refresh_from_db()
    assert response.status_code == 200
    assert learner.email != "khong-phai-email"


def test_profile_requires_login(client, db):
    assert client.get(reverse("people:profile")).status_code == 302


def test_password_reset_email_arrives_over_smtp_and_its_link_works(client, db, smtp_server):
    UserFactory(username="quen_mat_khau", email="quen@phuong.example")

    response = client.post(reverse("password_reset"), {"email": "quen@phuong.example"})

    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0].decode("utf-8", errors="replace")
    assert "quen@phuong.example" in mail
    link = re.search(
        r"http://testserver(/tai-khoan/reset/\S+/)", mail.replace("=\r\n", "").replace("=\n", "")
    )
    assert link, mail
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link.group(1),
        {"new_password1": "MatKhauMoi@2026", "new_password2": "MatKhauMoi@2026"},
    )
    assert done.status_code == 302
    # django-axes needs a request to authenticate: the test client passes a blank one.
    assert client.login(request=HttpRequest(), username="quen_mat_khau", password="MatKhauMoi@2026")


def test_password_reset_for_an_unknown_address_sends_nothing(client, db, smtp_server):
    response = client.post(reverse("password_reset"), {"email": "khong-ai@phuong.example"})

    assert response.status_code == 302
    assert smtp_server.messages == []


def test_an_imported_official_without_a_password_can_ask_for_a_reset_link(client, db, mailoutbox):
    from tests.org_builders import make_official, make_org

    official = make_official(make_org().ward_a, email="moi.nhap@phuong.example")
    assert not official.user.has_usable_password()

    response = client.post("/tai-khoan/password_reset/", {"email": "Moi.Nhap@phuong.example"})

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["moi.nhap@phuong.example"]]
    assert "/tai-khoan/reset/" in mailoutbox[0].body


def test_a_deactivated_official_gets_no_reset_link(client, db, mailoutbox):
    from lms.people.services import official_deactivate
    from tests.org_builders import make_official, make_org

    official = make_official(make_org().ward_a, email="da.nghi@phuong.example")
    official_deactivate(official=official)

    client.post("/tai-khoan/password_reset/", {"email": "da.nghi@phuong.example"})

    assert mailoutbox == []
