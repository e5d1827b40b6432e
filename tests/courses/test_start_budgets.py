"""Query budgets of the exam morning's start (issue 16, item 5): the exam lesson, "Start the quiz" and the
quiz page with every question on it cost a fixed number of queries, whatever the number of questions.
bench/exam_start.py measures the same three requests on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import LessonPage, ModulePage
from lms.learning import services as learning_services
from lms.quiz.bank_cache import quiz_bank
from lms.quiz.models import Attempt, Quiz
from tests.builders import make_course
from tests.quiz_builders import make_question, make_quiz, quiz_block

# Signed in, cache warm (another official has started the quiz: its questions are in the cache). Before
# issue 16's item 5: 15, 9 and 13 (the enrolment in two steps, the quiz read twice, the questions and choices
# read on every start and every quiz page, the quizzes passed in one query per quiz and one more).
QUIZ_START_QUERIES = 9
QUIZ_PAGE_QUERIES = 7
EXAM_LESSON_QUERIES = 12


def _exam(catalogue, learner, *, questions: int):
    quiz = make_quiz(
        [make_question("single") for _ in range(questions)],
        answers_at_end=True,
        review=Quiz.Review.EXPLANATIONS,
    )
    course = make_course(catalogue, modules=1, lessons_per_module=0)
    module = ModulePage.objects.child_of(course).first()
    lesson = module.add_child(instance=LessonPage(title="Kiểm tra", slug="kiem-tra", body=quiz_block(quiz)))
    learning_services.enrolment_create(user=learner, course=course)
    quiz_bank(quiz_id=quiz.pk)  # as the first official's start leaves it
    return quiz, lesson


def _start_costs(client, quiz, lesson) -> dict[str, list[str]]:
    costs = {}
    client.get(lesson.url)  # warm: the outline in the cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(lesson.url).status_code == 200
    costs["lesson"] = [q["sql"] for q in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("lesson_quiz:start", args=[lesson.pk, quiz.pk]))
    assert response.status_code == 302
    costs["start"] = [q["sql"] for q in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(response["Location"]).status_code == 200
    costs["page"] = [q["sql"] for q in captured.captured_queries]
    return costs


@pytest.mark.django_db
def test_the_start_costs_the_same_queries_for_4_and_16_questions_within_its_budgets(
    learner_client, learner, catalogue
):
    small = _start_costs(learner_client, *_exam(catalogue, learner, questions=4))
    large = _start_costs(learner_client, *_exam(catalogue, learner, questions=16))
    assert {name: len(q) for name, q in small.items()} == {name: len(q) for name, q in large.items()}
    assert len(large["start"]) <= QUIZ_START_QUERIES
    assert len(large["page"]) <= QUIZ_PAGE_QUERIES
    assert len(large["lesson"]) <= EXAM_LESSON_QUERIES
    assert Attempt.objects.filter(user=learner).count() == 2
