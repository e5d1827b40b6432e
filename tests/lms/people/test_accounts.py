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


def test_profile_shows_the_name_read_only_with_how_to_correct_it(learner_client, learner):
    from tests.org_builders import make_official, make_org

    official = make_official(make_org().ward_a, name="Võ Thị Hồng")
    learner_client.force_login(official.user)

    page = learner_client.get(reverse("people:profile")).content.decode()

    assert "Võ Thị Hồng" in page
    assert 'name="full_name"' not in page
    assert "cán bộ nhân sự của đơn vị" in page


def test_a_learner_cannot_rename_themself_so_certificates_keep_hr_s_name(client, db):
    from tests.org_builders import make_official, make_org

    official = make_official(make_org().ward_a, name="Võ Thị Hồng", email="hong@phuong.example")
    client.force_login(official.user)

    for name in ("Nguyễn Văn Chủ Tịch", ""):
        client.post(reverse("people:profile"), {"full_name": name, "email": "hong@phuong.example"})

    official.user.refresh_from_db()
    assert official.user.full_name == "Võ Thị Hồng"
    assert official.user.get_full_name() == "Võ Thị Hồng"


def test_profile_rejects_a_bad_email(learner_client, learner):
    response = learner_client.post(reverse("people:profile"), {"email": "khong-phai-email"})

    learner.refresh_from_db()
    assert response.status_code == 200
    assert learner.email != "khong-phai-email"


def test_profile_refuses_an_empty_email(learner_client, learner):
    response = learner_client.post(reverse("people:profile"), {"email": "  "})

    learner.refresh_from_db()
    assert response.status_code == 200
    assert "Hãy nhập địa chỉ email" in response.content.decode()
    assert learner.email == "hocvien_test@phuong.example"


def test_two_accounts_cannot_share_an_email_in_other_letter_cases(db):
    from django.db import IntegrityError, transaction

    UserFactory(username="mot", email="chung@phuong.example")

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="hai", email="Chung@Phuong.example")
    UserFactory(username="ba", email="")
    UserFactory(username="bon", email="")  # no email is not a shared email


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


def test_an_official_cannot_be_saved_with_an_empty_name(db):
    from lms.people.services import PeopleError, official_save
    from tests.org_builders import make_official, make_org

    official = make_official(make_org().ward_a, name="Võ Thị Hồng")

    with pytest.raises(PeopleError):
        official_save(employee_code=official.employee_code, full_name="   ", unit=official.unit)

    official.user.refresh_from_db()
    assert official.user.full_name == "Võ Thị Hồng"


def test_the_service_itself_refuses_an_hr_managers_change_of_a_trainers_login_data(db):
    from django.contrib.auth.models import Group

    from lms.people import roles
    from lms.people.services import LoginDataProtected, official_deactivate, official_save
    from tests.org_builders import make_hr, make_official, make_org

    org = make_org()
    hr = make_hr(org.ward_a)
    trainer = make_official(org.ward_a, email="gv@phuong.example")
    trainer.user.groups.add(Group.objects.get(name=roles.TRAINER))

    with pytest.raises(LoginDataProtected):
        official_save(
            employee_code=trainer.employee_code,
            full_name=trainer.user.full_name,
            unit=trainer.unit,
            email="hr@evil.example",
            by=hr,
        )
    with pytest.raises(LoginDataProtected):
        official_deactivate(official=trainer, by=hr)

    trainer.user.refresh_from_db()
    assert trainer.user.email == "gv@phuong.example" and trainer.user.is_active
    assert not trainer.user.email_changes.exists()
