"""Signing in with an employee code in any letter case; usernames unique ignoring case."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.builders import UserFactory
from tests.org_builders import make_admin_user, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def official_account(db):
    return UserFactory(username="BT-004", full_name="Lê Văn Bốn")


def test_the_site_login_accepts_an_employee_code_in_lower_case(client, official_account):
    response = client.post(reverse("login"), {"username": "bt-004", "password": "MatKhau@123"})

    assert response.status_code == 302
    assert response["Location"] == reverse("learning:my_learning")
    assert client.session["_auth_user_id"] == str(official_account.pk)


def test_the_wagtail_admin_login_accepts_a_username_in_lower_case(client):
    make_org()  # the role groups
    admin = make_admin_user(username="QT-001")

    response = client.post("/admin/login/", {"username": "qt-001", "password": "MatKhau@123"})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_the_django_admin_login_accepts_a_username_in_lower_case(client):
    UserFactory(username="SU-001", is_staff=True, is_superuser=True)

    response = client.post(
        "/django-admin/login/?next=/django-admin/", {"username": "su-001", "password": "MatKhau@123"}
    )

    assert response.status_code == 302 and response["Location"] == "/django-admin/"


def test_a_wrong_password_still_fails_whatever_the_case(client, official_account):
    response = client.post(reverse("login"), {"username": "bt-004", "password": "matkhau@123"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_inactive_account_cannot_sign_in(official_account):
    official_account.is_active = False
    official_account.save()
    from lms.people.backends import CaseInsensitiveModelBackend

    assert CaseInsensitiveModelBackend().authenticate(None, username="bt-004", password="MatKhau@123") is None


def test_usernames_are_unique_ignoring_letter_case(official_account):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="bt-004")
