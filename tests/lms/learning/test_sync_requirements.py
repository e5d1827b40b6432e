"""The lesson requirement index is rebuilt for every lesson by `sync_lesson_requirements` (and load_demo)."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from lms.learning.models import LessonRequirement
from tests.builders import lessons_of
from tests.h5p_builders import h5p_block, make_activity

pytestmark = pytest.mark.django_db


def _sync() -> str:
    out = io.StringIO()
    with translation.override("vi"):
        call_command("sync_lesson_requirements", stdout=out)
    return out.getvalue()


@pytest.fixture
def lessons(course):
    first, second, *_rest = lessons_of(course)
    first.body = h5p_block(make_activity("Hoạt động bài 1"), rule="scaled", min_score=80)
    first.save()
    return first, second


def _index() -> set[tuple]:
    return set(
        LessonRequirement.objects.values_list(
            "lesson_id", "course_id", "kind", "object_id", "rule", "min_score"
        )
    )


def test_the_command_restores_missing_rows_and_removes_wrong_ones(lessons, course):
    first, second = lessons
    right = _index()
    activity_id = first.completion_requirements()[0].object_id
    LessonRequirement.objects.all().delete()  # e.g. pages imported with signals off
    LessonRequirement.objects.create(lesson=second, course=course, kind="h5p", object_id=activity_id)

    output = _sync()

    assert _index() == right == {(first.pk, course.pk, "h5p", activity_id, "scaled", 80)}
    assert "4 bài học" in output and "thêm 1" in output and "xóa 1" in output


def test_the_command_run_again_changes_nothing(lessons):
    _sync()
    before = list(LessonRequirement.objects.order_by("pk").values())

    output = _sync()

    assert list(LessonRequirement.objects.order_by("pk").values()) == before
    assert "thêm 0" in output and "xóa 0" in output


def test_saving_an_unchanged_lesson_keeps_its_rows(lessons):
    first, _second = lessons
    before = list(LessonRequirement.objects.values_list("pk", flat=True))

    first.save()

    assert list(LessonRequirement.objects.values_list("pk", flat=True)) == before


def test_load_demo_rebuilds_the_index(settings, tmp_path):
    settings.H5P_DEMO_PACKAGE = tmp_path / "missing.h5p"
    call_command("load_demo", stdout=io.StringIO())
    right = _index()
    assert right  # the demo quizzes are requirements of their lessons
    LessonRequirement.objects.all().delete()

    call_command("load_demo", stdout=io.StringIO())

    assert _index() == right
