"""An account with learning records the platform keeps (xAPI statements are append-only and protect their
person) is refused in the admin with an explanation, never a server error."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.text import capfirst
from wagtail.models import Page

from lms.h5p.models import Statement
from tests.builders import UserFactory
from tests.h5p_builders import make_activity

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(username="quantri_tai_khoan", is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def learner_with_statements(learner):
    activity = make_activity()
    Statement.objects.create(
        statement_id=uuid.uuid4(),
        user=learner,
        activity=activity,
        version=activity.current_version,
        lesson=Page.get_first_root_node(),
        verb="http://adlnet.gov/expapi/verbs/answered",
        is_top_level=True,
        payload={},
    )
    return learner


def _assert_refused(response, user) -> None:
    assert response.status_code == 200
    body = response.content.decode()
    assert "Không thể xóa tài khoản" in body
    active_label = capfirst(User._meta.get_field("is_active").verbose_name)  # as the edit form shows it
    assert "vô hiệu hóa" in body and f"“{active_label}”" in body
    assert User.objects.filter(pk=user.pk).exists()


def test_the_wagtail_admin_refuses_to_delete_an_account_with_xapi_statements(
    admin_client, learner_with_statements
):
    url = reverse("wagtailusers_users:delete", args=[learner_with_statements.pk])

    confirm = admin_client.get(url, follow=True)
    submitted = admin_client.post(url, follow=True)

    _assert_refused(confirm, learner_with_statements)
    _assert_refused(submitted, learner_with_statements)
    assert submitted.redirect_chain[-1][0] == reverse(
        "wagtailusers_users:edit", args=[learner_with_statements.pk]
    )
    assert "bản ghi xAPI" in submitted.content.decode()


def test_the_wagtail_bulk_delete_refuses_and_deletes_none_of_the_accounts(
    admin_client, learner_with_statements, other_learner
):
    url = reverse("wagtail_bulk_action", args=["people", "user", "delete"])
    url += f"?id={learner_with_statements.pk}&id={other_learner.pk}"

    response = admin_client.post(url, follow=True)

    _assert_refused(response, learner_with_statements)
    assert User.objects.filter(pk=other_learner.pk).exists()


def test_an_account_without_kept_records_is_still_deleted(admin_client, learner):
    response = admin_client.post(reverse("wagtailusers_users:delete", args=[learner.pk]))

    assert response.status_code == 302
    assert not User.objects.filter(pk=learner.pk).exists()


def test_the_django_admin_explains_instead_of_failing(admin_client, learner_with_statements):
    url = reverse("admin:people_user_delete", args=[learner_with_statements.pk])

    confirm = admin_client.get(url)
    submitted = admin_client.post(url, {"post": "yes"})

    assert confirm.status_code == 200 and submitted.status_code == 200
    body = submitted.content.decode()
    assert "Không thể xóa người dùng" in body and "bản ghi xapi" in body.lower()  # Django's own page
    assert User.objects.filter(pk=learner_with_statements.pk).exists()
