"""Deleting an activity (lms/h5p/services.py): an activity that a page uses, in its saved content or only
in a draft, cannot be deleted, through the service or the admin."""

import pytest
from django.test import Client
from django.urls import reverse

from lms.h5p.models import Activity
from lms.h5p.package_errors import ActivityInUse
from lms.h5p.selectors import activity_in_use_reason
from lms.h5p.services import activity_delete
from tests.builders import UserFactory

from .test_selectors import activity, draft, lesson  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_an_activity_used_only_in_a_draft_is_refused_with_the_lesson_named(activity, lesson):  # noqa: F811
    draft(lesson, activity)
    lesson.refresh_from_db()
    assert lesson.completion_requirements() == []  # the saved page does not use it

    reason = activity_in_use_reason(activity=activity)

    assert reason is not None and "“Bài 1: bản đang soạn”" in reason
    with pytest.raises(ActivityInUse):
        activity_delete(activity=activity)
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_the_admin_refuses_to_delete_an_activity_used_only_in_a_draft(activity, lesson):  # noqa: F811
    draft(lesson, activity)
    admin = Client()
    admin.force_login(UserFactory(username="quantri_xoa_nhap", is_superuser=True))
    url = reverse("wagtailsnippets_h5p_activity:delete", args=[activity.pk])

    confirm = admin.get(url, follow=True)
    response = admin.post(url, follow=True)

    for page in (confirm, response):
        assert page.status_code == 200
        body = page.content.decode()
        assert "Không thể xóa" in body
        assert "Bài 1: bản đang soạn" in body and "bản nháp" in body
    assert Activity.objects.filter(pk=activity.pk).exists()
