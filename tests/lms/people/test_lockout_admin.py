"""Unlocking in the Wagtail admin: administrators only, with a confirmation and an audit entry."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from lms.audit.models import AuditEntry
from tests.builders import UserFactory
from tests.org_builders import make_hr, make_official, make_org, make_staff_admin

pytestmark = pytest.mark.django_db


PASSWORD = "MatKhau@123"


def lock(username, *, address="127.0.0.1", times=5):
    attacker = Client()
    for _ in range(times):
        attacker.post(reverse("login"), {"username": username, "password": "sai"}, REMOTE_ADDR=address)


def unlock_url(kind, value):
    return reverse("lockouts_admin:unlock") + f"?kind={kind}&value={value}"


@pytest.fixture
def admin_client(client):
    client.force_login(make_staff_admin())
    return client


def test_the_list_shows_locked_accounts_and_addresses_with_the_person(admin_client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    official = make_official(make_org().ward_a, name="Trần Thị Bị Khóa", employee_code="BT-004")
    lock("bt-004", address="10.7.7.7")

    page = admin_client.get(reverse("lockouts_admin:index")).content.decode()

    assert "bt-004" in page and official.user.get_full_name() in page
    assert "10.7.7.7" in page
    assert unlock_url("account", "bt-004").replace("&", "&amp;") in page


def test_an_administrator_unlocks_an_account_after_confirming(admin_client):
    user = UserFactory(username="canbo_mo_khoa")
    lock(user.username)
    assert (
        Client().post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 429
    )

    confirm = admin_client.get(unlock_url("account", user.username))
    assert confirm.status_code == 200
    assert "Có, mở khóa" in confirm.content.decode()
    assert AccessAttempt.objects.exists()  # nothing happens before the confirmation

    done = admin_client.post(reverse("lockouts_admin:unlock"), {"kind": "account", "value": user.username})

    assert done.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCOUNT_UNLOCK)
    assert entry.actor.username == "quantri" and entry.object_id == str(user.pk)
    assert (
        Client().post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    )


def test_an_administrator_unlocks_an_address(admin_client):
    user = UserFactory(username="canbo_van_phong")
    for n in range(5):
        lock(f"doan_{n}", address="10.8.8.8", times=1)

    admin_client.post(reverse("lockouts_admin:unlock"), {"kind": "address", "value": "10.8.8.8"})

    assert not AccessAttempt.objects.exists()
    assert AuditEntry.objects.get(action=AuditEntry.Action.ACCOUNT_UNLOCK).changes["value"] == "10.8.8.8"
    response = Client().post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.8.8.8"
    )
    assert response.status_code == 302


def test_unlocking_what_is_not_locked_changes_nothing(admin_client):
    response = admin_client.post(
        reverse("lockouts_admin:unlock"), {"kind": "account", "value": "khong_ai"}, follow=True
    )

    assert "không còn bị khóa" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCOUNT_UNLOCK).exists()


def test_an_hr_manager_can_neither_see_nor_unlock(client):
    hr = make_hr(make_org().ward_a)
    lock("canbo_bi_khoa")
    client.force_login(hr)

    assert client.get(reverse("lockouts_admin:index")).status_code == 302
    assert client.get(unlock_url("account", "canbo_bi_khoa")).status_code == 302
    client.post(reverse("lockouts_admin:unlock"), {"kind": "account", "value": "canbo_bi_khoa"})

    assert AccessAttempt.objects.filter(username="canbo_bi_khoa").exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCOUNT_UNLOCK).exists()
