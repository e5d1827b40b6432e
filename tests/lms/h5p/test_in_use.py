"""An activity that a page uses, in its saved content or only in a draft, cannot be deleted."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.h5p.models import Activity
from lms.h5p.packages import ActivityInUse, activity_delete, activity_in_use_reason
from tests.builders import UserFactory, lessons_of
from tests.h5p_builders import h5p_block, make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity():
    return make_activity("An toàn thông tin")


@pytest.fixture
def lesson(course):
    return lessons_of(course)[0]


def _draft(lesson, activity, *, title="Bài 1: bản đang soạn"):
    """A draft revision of a published lesson that adds the activity; the live page stays without it."""
    lesson.title = title
    lesson.body = h5p_block(activity)
    return lesson.save_revision(user=UserFactory(username="giangvien_soan"))


def test_an_unused_activity_may_be_deleted(activity, lesson):
    assert activity_in_use_reason(activity=activity) is None


def test_a_page_using_the_activity_is_named(activity, lesson):
    lesson.body = h5p_block(activity)
    lesson.save_revision().publish()

    reason = activity_in_use_reason(activity=activity)

    assert reason is not None and "“Bài 1”" in reason


def test_an_activity_used_only_in_a_draft_is_refused_with_the_lesson_named(activity, lesson):
    _draft(lesson, activity)
    lesson.refresh_from_db()
    assert lesson.completion_requirements() == []  # the saved page does not use it

    reason = activity_in_use_reason(activity=activity)

    assert reason is not None and "“Bài 1: bản đang soạn”" in reason
    with pytest.raises(ActivityInUse):
        activity_delete(activity=activity)
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_an_older_draft_replaced_by_one_without_the_activity_does_not_count(activity, lesson):
    _draft(lesson, activity)
    lesson.body = "[]"
    lesson.save_revision()

    assert activity_in_use_reason(activity=activity) is None


def test_a_scheduled_revision_using_the_activity_counts(activity, lesson):
    revision = _draft(lesson, activity, title="Bài 1: lên lịch xuất bản")
    revision.approved_go_live_at = timezone.now() + timedelta(days=1)
    revision.save(update_fields=["approved_go_live_at"])
    lesson.body = "[]"
    lesson.title = "Bài 1"
    lesson.save_revision()  # a newer draft without the activity

    reason = activity_in_use_reason(activity=activity)

    assert reason is not None and "“Bài 1: lên lịch xuất bản”" in reason


def test_the_admin_refuses_to_delete_an_activity_used_only_in_a_draft(activity, lesson):
    _draft(lesson, activity)
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
