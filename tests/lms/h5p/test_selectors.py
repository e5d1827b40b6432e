"""Whether an activity is in use (lms/h5p/selectors.py): a page uses it in its saved content, in a draft
or in a scheduled revision."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lms.h5p.selectors import activity_in_use_reason
from tests.builders import UserFactory, lessons_of
from tests.h5p_builders import h5p_block, make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity():
    return make_activity("An toàn thông tin")


@pytest.fixture
def lesson(course):
    return lessons_of(course)[0]


def draft(lesson, activity, *, title="Bài 1: bản đang soạn"):
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


def test_an_older_draft_replaced_by_one_without_the_activity_does_not_count(activity, lesson):
    draft(lesson, activity)
    lesson.body = "[]"
    lesson.save_revision()

    assert activity_in_use_reason(activity=activity) is None


def test_a_scheduled_revision_using_the_activity_counts(activity, lesson):
    revision = draft(lesson, activity, title="Bài 1: lên lịch xuất bản")
    revision.approved_go_live_at = timezone.now() + timedelta(days=1)
    revision.save(update_fields=["approved_go_live_at"])
    lesson.body = "[]"
    lesson.title = "Bài 1"
    lesson.save_revision()  # a newer draft without the activity

    reason = activity_in_use_reason(activity=activity)

    assert reason is not None and "“Bài 1: lên lịch xuất bản”" in reason
