"""Email changes: the old address is told; the new one confirms through a signed, expiring, single-use
link."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.audit.models import AuditEntry
from lms.people.models import EmailChange
from lms.people.services import (
    EmailChangeError,
    email_change_confirm,
    email_change_request,
    email_change_token,
)
from tests.builders import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "/ho-so/"


@pytest.fixture
def person(db):
    return UserFactory(username="CB-EMAIL", full_name="Đỗ Thị Thư", email="thu.cu@phuong.example")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def link_in(message) -> str:
    found = re.search(r"http://testserver(/ho-so/email/xac-nhan/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def request_through_profile(person, new_email, capture):
    with capture(execute=True):
        return client_for(person).post(PROFILE, {"email": new_email}, follow=True)


def test_a_new_email_on_the_profile_waits_for_the_new_address(person, django_capture_on_commit_callbacks):
    response = request_through_profile(person, "thu.moi@phuong.example", django_capture_on_commit_callbacks)

    person.refresh_from_db()
    assert person.email == "thu.cu@phuong.example"
    page = response.content.decode()
    assert "Chúng tôi đã gửi đường liên kết xác nhận tới thu.moi@phuong.example" in page
    assert "đang chờ xác nhận" in page
    assert sorted(m.to[0] for m in mail.outbox) == ["thu.cu@phuong.example", "thu.moi@phuong.example"]


def test_the_old_address_is_told_in_vietnamese_without_the_link(person, django_capture_on_commit_callbacks):
    request_through_profile(person, "thu.moi@phuong.example", django_capture_on_commit_callbacks)

    notice = next(m for m in mail.outbox if m.to == ["thu.cu@phuong.example"])
    assert "thu.moi@phuong.example" in notice.body
    assert "Nếu bạn không yêu cầu thay đổi này" in notice.body
    assert "/ho-so/email/xac-nhan/" not in notice.body
    assert "/ho-so/email/xac-nhan/" not in notice.alternatives[0][0]


def test_opening_the_link_asks_first_then_the_button_changes_the_email(
    person, client, django_capture_on_commit_callbacks
):
    request_through_profile(person, "thu.moi@phuong.example", django_capture_on_commit_callbacks)
    link = link_in(next(m for m in mail.outbox if m.to == ["thu.moi@phuong.example"]))

    page = client.get(link)
    person.refresh_from_db()
    assert page.status_code == 200 and person.email == "thu.cu@phuong.example"
    assert "Xác nhận địa chỉ email này" in page.content.decode()

    done = client.post(link)

    person.refresh_from_db()
    assert done.status_code == 200
    assert person.email == "thu.moi@phuong.example"
    assert "Tài khoản của bạn hiện dùng thu.moi@phuong.example." in done.content.decode()


def test_the_owner_signed_in_may_confirm(person):
    change = email_change_request(user=person, new_email="thu.moi@phuong.example", requested_by=person)

    response = client_for(person).post(reverse("people:email_confirm", args=[email_change_token(change)]))

    person.refresh_from_db()
    assert response.status_code == 200 and person.email == "thu.moi@phuong.example"


def test_a_used_link_is_refused_the_second_time(person, client):
    change = email_change_request(user=person, new_email="thu.moi@phuong.example")
    link = reverse("people:email_confirm", args=[email_change_token(change)])
    client.post(link)

    again = client.post(link)

    assert again.status_code == 410
    assert "Đường liên kết này đã được dùng" in again.content.decode()
    assert EmailChange.objects.get().confirmed_at is not None


def test_an_expired_link_is_refused_and_changes_nothing(person, client):
    change = email_change_request(user=person, new_email="thu.moi@phuong.example")
    EmailChange.objects.filter(pk=change.pk).update(created_at=timezone.now() - timedelta(days=4))

    response = client.post(reverse("people:email_confirm", args=[email_change_token(change)]))

    person.refresh_from_db()
    assert response.status_code == 410
    assert "Đường liên kết xác nhận này đã hết hạn" in response.content.decode()
    assert person.email == "thu.cu@phuong.example"


def test_a_link_opened_by_another_signed_in_person_is_refused(person):
    change = email_change_request(user=person, new_email="ke.la@phuong.example")
    intruder = UserFactory(username="nguoi_khac")

    response = client_for(intruder).post(reverse("people:email_confirm", args=[email_change_token(change)]))

    person.refresh_from_db()
    assert response.status_code == 403
    assert "tài khoản khác" in response.content.decode()
    assert person.email == "thu.cu@phuong.example"
    assert EmailChange.objects.get().confirmed_at is None


def test_a_tampered_link_is_not_found(person, client):
    change = email_change_request(user=person, new_email="thu.moi@phuong.example")
    token = email_change_token(change)

    response = client.get(reverse("people:email_confirm", args=[token[:-3] + "abc"]))

    assert response.status_code == 404
    assert "Đường liên kết xác nhận này không hợp lệ" in response.content.decode()


def test_a_newer_request_replaces_the_waiting_one(person, client):
    first = email_change_request(user=person, new_email="mot@phuong.example")
    email_change_request(user=person, new_email="hai@phuong.example")

    response = client.post(reverse("people:email_confirm", args=[email_change_token(first)]))

    person.refresh_from_db()
    assert response.status_code == 410 and person.email == "thu.cu@phuong.example"
    assert EmailChange.objects.filter(cancelled_at__isnull=True, confirmed_at__isnull=True).count() == 1


def test_an_address_of_another_account_is_refused_on_the_profile(person):
    UserFactory(username="chu_dia_chi", email="Da.Co@phuong.example")

    response = client_for(person).post(PROFILE, {"email": "da.co@PHUONG.example"})

    person.refresh_from_db()
    assert response.status_code == 200
    assert "đã được một tài khoản khác sử dụng" in response.content.decode()
    assert person.email == "thu.cu@phuong.example"
    assert not EmailChange.objects.exists()
    assert mail.outbox == []


def test_an_address_taken_before_the_confirmation_is_refused_then(person, client):
    change = email_change_request(user=person, new_email="tranh.chap@phuong.example")
    UserFactory(username="nhanh_tay", email="Tranh.Chap@phuong.example")

    response = client.post(reverse("people:email_confirm", args=[email_change_token(change)]))

    person.refresh_from_db()
    assert response.status_code == 409
    assert "đã được một tài khoản khác sử dụng" in response.content.decode()
    assert person.email == "thu.cu@phuong.example"
    assert EmailChange.objects.get().confirmed_at is None


def test_the_service_refuses_a_taken_address_at_the_request(person):
    UserFactory(username="chu_dia_chi", email="da.co@phuong.example")

    with pytest.raises(EmailChangeError) as refused:
        email_change_request(user=person, new_email="DA.CO@phuong.example")

    assert refused.value.status == 409


def test_the_audit_trail_records_the_request_and_the_confirmation(person):
    change = email_change_request(user=person, new_email="thu.moi@phuong.example", requested_by=person)
    email_change_confirm(token=email_change_token(change), viewer=person)

    entries = AuditEntry.objects.order_by("pk")
    assert [(e.action, e.changes, e.actor_id) for e in entries] == [
        (
            AuditEntry.Action.EMAIL_CHANGE_REQUEST,
            {"email": ["thu.cu@phuong.example", "thu.moi@phuong.example"]},
            person.pk,
        ),
        (
            AuditEntry.Action.EMAIL_CHANGE_CONFIRM,
            {"email": ["thu.cu@phuong.example", "thu.moi@phuong.example"]},
            person.pk,
        ),
    ]


def test_an_account_without_a_password_gets_the_set_password_email_once_confirmed(
    client, django_capture_on_commit_callbacks
):
    person = UserFactory(username="CHUA-CO-MK", email="")
    person.set_unusable_password()
    person.save()
    change = email_change_request(user=person, new_email="moi.co@phuong.example")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:email_confirm", args=[email_change_token(change)]))

    assert [m.to for m in mail.outbox] == [["moi.co@phuong.example"]]
    assert "/tai-khoan/reset/" in mail.outbox[0].body


def test_a_change_hr_asked_for_needs_the_owner_signed_in(person, client, django_capture_on_commit_callbacks):
    """Whoever controls the new address must not get the account: HR typing their own address and
    confirming it signed out (or as themself) changes nothing; the owner, signed in, confirms it."""
    hr = UserFactory(username="NS-EMAIL")
    with django_capture_on_commit_callbacks(execute=True):
        email_change_request(user=person, new_email="hr.tu.dat@phuong.example", requested_by=hr)
    link = link_in(next(m for m in mail.outbox if m.to == ["hr.tu.dat@phuong.example"]))

    signed_out = client.post(link)
    as_hr = client_for(hr).post(link)
    person.refresh_from_db()
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/tai-khoan/login/")
    assert as_hr.status_code == 403
    assert person.email == "thu.cu@phuong.example"

    done = client_for(person).post(link)
    person.refresh_from_db()
    assert done.status_code == 200 and person.email == "hr.tu.dat@phuong.example"


def test_a_change_hr_asked_for_an_account_without_a_password_is_confirmed_by_the_address(
    person, client, django_capture_on_commit_callbacks
):
    """A new official who never chose a password has nothing to sign in with: the new address confirms."""
    person.set_unusable_password()
    person.save(update_fields=["password"])
    with django_capture_on_commit_callbacks(execute=True):
        email_change_request(user=person, new_email="thu.moi@phuong.example", requested_by=UserFactory())
    link = link_in(next(m for m in mail.outbox if m.to == ["thu.moi@phuong.example"]))

    client.post(link)
    person.refresh_from_db()
    assert person.email == "thu.moi@phuong.example"
