"""The cached question bank (lms.quiz.bank_cache): a start and the quiz page read a quiz's questions once per
version, and every change to the quiz or its questions is seen by the next start and the next page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.quiz import selectors, services
from lms.quiz.bank_cache import quiz_bank
from lms.quiz.models import QuizQuestion
from tests.builders import UserFactory
from tests.quiz_builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


def _texts(attempt) -> list[tuple[str, list[str]]]:
    return [
        (item.question.text, [text for _pk, text in item.choices])
        for item in selectors.attempt_questions(attempt=attempt)
    ]


def test_a_second_start_reads_no_question_from_the_database(learner, other_learner):
    quiz = make_quiz([make_question("single") for _ in range(5)])
    services.attempt_start(user=learner, quiz=quiz)
    with CaptureQueriesContext(connection) as captured:
        services.attempt_start(user=other_learner, quiz=quiz)
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert '"quiz_question"' not in tables
    assert '"quiz_answer"' not in tables


def test_an_edited_question_and_choice_show_on_the_next_page(learner):
    question = make_question("single", text="Câu hỏi cũ")
    quiz = make_quiz([question])
    attempt = services.attempt_start(user=learner, quiz=quiz)
    assert _texts(attempt)[0][0] == "Câu hỏi cũ"
    question.text = "Câu hỏi mới"
    question.save()
    choice = question.answers.order_by("sort_order").first()
    choice.text = "Phương án mới"
    choice.save()
    text, choices = _texts(attempt)[0]
    assert text == "Câu hỏi mới"
    assert "Phương án mới" in choices


def test_a_question_added_to_the_quiz_is_in_the_next_start(learner, other_learner):
    quiz = make_quiz([make_question("single")])
    assert len(services.attempt_start(user=learner, quiz=quiz).question_ids) == 1
    QuizQuestion.objects.create(quiz=quiz, question=make_question("single"), sort_order=2)
    assert len(services.attempt_start(user=other_learner, quiz=quiz).question_ids) == 2


def test_the_cached_bank_holds_no_correct_answer():
    quiz = make_quiz([make_question("single")])
    bank = quiz_bank(quiz_id=quiz.pk)
    for choices in bank.choices.values():
        for choice in choices:
            assert not hasattr(choice, "correct")


def test_each_attempt_still_gets_its_own_answer_order():
    quiz = make_quiz([make_question("multiple") for _ in range(4)], random_answer_order=True)
    attempts = [services.attempt_start(user=UserFactory(), quiz=quiz, seed=seed) for seed in range(6)]
    orders = {str(attempt.answer_orders) for attempt in attempts}
    assert len(orders) > 1


def test_a_start_and_the_page_work_when_the_cache_is_down(settings, learner):
    settings.CACHES = {
        "default": {
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    quiz = make_quiz([make_question("single"), make_question("single")])
    attempt = services.attempt_start(user=learner, quiz=quiz)
    assert len(_texts(attempt)) == 2
