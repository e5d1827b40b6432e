"""Checks for the trainer in the page editor: a quiz another lesson already places is warned about
(courses/wagtail_hooks.py), and a lesson's preview leads to the published lessons around it
(courses/selectors.py: lesson_context) unless the trainer asks for the other unpublished ones."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from courses import selectors
from courses.models import PREVIEW_WITH_DRAFTS, LessonPage, ModulePage
from courses.wagtail_hooks import warn_about_shared_quizzes
from tests.builders import UserFactory, make_catalogue, make_course
from tests.quiz_builders import make_quiz, quiz_block

pytestmark = pytest.mark.django_db


def request_with_messages():
    request = RequestFactory().post("/admin/pages/1/edit/")
    request._messages = CookieStorage(request)
    return request


def test_saving_a_lesson_with_a_quiz_another_lesson_uses_warns_and_names_it():
    quiz = make_quiz()
    course = make_course(make_catalogue(), title="An toàn thông tin", modules=1, lessons_per_module=0)
    module = ModulePage.objects.child_of(course).get()
    module.add_child(instance=LessonPage(title="Kiểm tra chương 1", slug="kiem-tra-1", body=quiz_block(quiz)))
    lesson = module.add_child(instance=LessonPage(title="Ôn tập", slug="on-tap"))
    lesson.body = quiz_block(quiz)  # placed in the editor, saved as a draft
    request = request_with_messages()

    assert warn_about_shared_quizzes(request, lesson) is None  # a warning, not a refusal
    [message] = list(get_messages(request))
    assert message.level_tag == "warning"
    assert f"“{quiz.title}”" in str(message)
    assert "“Kiểm tra chương 1” (An toàn thông tin)" in str(message)


def test_a_quiz_only_this_lesson_uses_is_not_warned_about():
    quiz = make_quiz()
    module = ModulePage.objects.child_of(make_course(make_catalogue(), modules=1, lessons_per_module=0)).get()
    lesson = module.add_child(instance=LessonPage(title="Kiểm tra", slug="kiem-tra", body=quiz_block(quiz)))
    request = request_with_messages()
    warn_about_shared_quizzes(request, lesson)  # its own saved body places the quiz: not "another lesson"
    assert list(get_messages(request)) == []


def test_a_preview_skips_other_unpublished_lessons_unless_asked():
    course = make_course(make_catalogue(), modules=1, lessons_per_module=3)
    first, second, third = LessonPage.objects.descendant_of(course).order_by("path")
    for draft in (second, third):
        draft.unpublish()
    trainer = UserFactory(username="giangvien_xem_truoc")

    request = RequestFactory().get("/")
    around = selectors.lesson_context(lesson=third, user=trainer, request=request, is_preview=True)
    assert (around["previous_lesson"].pk, around["next_lesson"]) == (first.pk, None)
    assert around["lesson_count"] == 2

    asked = selectors.lesson_context(
        lesson=third, user=trainer, request=request, is_preview=True, with_drafts=True
    )
    assert asked["previous_lesson"].pk == second.pk
    assert asked["lesson_count"] == 3


def test_the_preview_modes_choose_between_the_two():
    course = make_course(make_catalogue(), modules=1, lessons_per_module=3)
    first, second, third = LessonPage.objects.descendant_of(course).order_by("path")
    second.unpublish()
    third.unpublish()
    assert third.default_preview_mode == ""
    assert PREVIEW_WITH_DRAFTS in dict(third.preview_modes)

    def previous_in(mode):
        request = RequestFactory().get("/")
        request.user, request.is_preview = UserFactory(), True
        return third.serve_preview(request, mode).context_data["previous_lesson"].pk

    assert previous_in("") == first.pk
    assert previous_in(PREVIEW_WITH_DRAFTS) == second.pk
