"""Per-choice tips and feedback (H5P's tipsAndFeedback) in the quiz a learner takes: tips beside the choices
while answering, each choice's feedback after answering and in the review, as the review option allows."""

import json

import pytest
from django.urls import reverse

from courses.models import LessonPage, ModulePage
from lms.learning import services as learning_services
from lms.quiz.models import Answer, Attempt, Question, Quiz
from tests.builders import make_course
from tests.quiz_builders import make_quiz, quiz_block


def choice_question() -> Question:
    question = Question.objects.create(kind="single", text="Mật khẩu nào an toàn nhất?")
    for position, (text, correct, tip, chosen, not_chosen) in enumerate(
        [
            ("T@m#2025!xQ", True, "", "PHAN-HOI-DUNG", "BO-LO-DUNG"),
            ("123456", False, "GOI-Y-DE-DOAN", "PHAN-HOI-SAI", "KHONG-CHON-SAI"),
        ]
    ):
        Answer.objects.create(
            question=question,
            text=text,
            correct=correct,
            tip=tip,
            chosen_feedback=chosen,
            not_chosen_feedback=not_chosen,
            sort_order=position,
        )
    return question


@pytest.fixture
def lesson_with(catalogue, learner):
    def build(**quiz_fields):
        course = make_course(catalogue, modules=1, lessons_per_module=1)
        question = choice_question()
        quiz = make_quiz([question], **quiz_fields)
        module = ModulePage.objects.child_of(course).first()
        lesson = module.add_child(
            instance=LessonPage(title="Bài kiểm tra mật khẩu", slug="mat-khau", body=quiz_block(quiz))
        )
        learning_services.enrolment_create(user=learner, course=course)
        return lesson, quiz, question

    return build


def test_tips_are_shown_beside_the_choices_but_no_feedback_before_answering(learner_client, lesson_with):
    lesson, quiz, _question = lesson_with(review=Quiz.Review.EXPLANATIONS)
    take = learner_client.post(reverse("lesson_quiz:start", args=[lesson.pk, quiz.pk]), follow=True)

    page = take.content.decode()
    assert "GOI-Y-DE-DOAN" in page and 'class="choice-tip"' in page
    assert "PHAN-HOI" not in page and "KHONG-CHON" not in page and "BO-LO" not in page


def test_each_choice_gets_its_feedback_after_answering(learner_client, lesson_with):
    lesson, quiz, question = lesson_with(review=Quiz.Review.EXPLANATIONS, answers_at_end=False)
    learner_client.post(reverse("lesson_quiz:start", args=[lesson.pk, quiz.pk]))
    attempt = Attempt.objects.get()
    wrong = question.answers.get(correct=False)

    saved = learner_client.post(
        reverse("lesson_quiz:answer", args=[attempt.pk]),
        {"question": question.pk, "choice": wrong.pk},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    feedback = json.loads(saved.content)["feedback"]

    assert feedback["correct"] is False
    assert feedback["choices"] == [
        {"choice": "T@m#2025!xQ", "feedback": "BO-LO-DUNG"},
        {"choice": "123456", "feedback": "PHAN-HOI-SAI"},
    ]
    assert feedback["explanation"] == ""  # no explanation: none is shown to everyone


def test_the_page_shows_the_feedback_after_a_plain_form_answer(learner_client, lesson_with):
    lesson, quiz, question = lesson_with(review=Quiz.Review.EXPLANATIONS, answers_at_end=False)
    learner_client.post(reverse("lesson_quiz:start", args=[lesson.pk, quiz.pk]))
    attempt = Attempt.objects.get()
    right = question.answers.get(correct=True)

    page = learner_client.post(
        reverse("lesson_quiz:answer", args=[attempt.pk]),
        {"question": question.pk, "choice": right.pk, "number": 1},
        follow=True,
    ).content.decode()

    assert "PHAN-HOI-DUNG" in page and "KHONG-CHON-SAI" in page
    assert "PHAN-HOI-SAI" not in page and "BO-LO-DUNG" not in page


@pytest.mark.parametrize("review", [Quiz.Review.CORRECT, Quiz.Review.RESPONSES])
def test_no_choice_feedback_below_the_explanations_review_option(learner_client, lesson_with, review):
    lesson, quiz, question = lesson_with(review=review, answers_at_end=False)
    learner_client.post(reverse("lesson_quiz:start", args=[lesson.pk, quiz.pk]))
    attempt = Attempt.objects.get()
    answer_url = reverse("lesson_quiz:answer", args=[attempt.pk])
    wrong = question.answers.get(correct=False)

    saved = learner_client.post(
        answer_url, {"question": question.pk, "choice": wrong.pk}, HTTP_X_REQUESTED_WITH="fetch"
    )
    result = learner_client.post(reverse("lesson_quiz:submit", args=[attempt.pk]), follow=True)

    assert "choices" not in json.loads(saved.content)["feedback"]
    assert "PHAN-HOI" not in result.content.decode() and "BO-LO" not in result.content.decode()


def test_the_review_shows_each_choices_feedback_for_the_answer_given(learner_client, lesson_with):
    lesson, quiz, question = lesson_with(review=Quiz.Review.EXPLANATIONS, answers_at_end=True)
    learner_client.post(reverse("lesson_quiz:start", args=[lesson.pk, quiz.pk]))
    attempt = Attempt.objects.get()
    wrong = question.answers.get(correct=False)
    learner_client.post(
        reverse("lesson_quiz:answer", args=[attempt.pk]), {"question": question.pk, "choice": wrong.pk}
    )

    result = learner_client.post(reverse("lesson_quiz:submit", args=[attempt.pk]), follow=True)

    page = result.content.decode()
    assert "PHAN-HOI-SAI" in page and "BO-LO-DUNG" in page
    assert "PHAN-HOI-DUNG" not in page and "KHONG-CHON-SAI" not in page
