"""Query budgets of the learner's writes (issue 16, "lean writes"): saving a quiz answer as quiz.js's outbox
sends it, and recording an xAPI statement, whether it completes nothing or the whole course. What follows a
course completion is not in the request: it runs after the commit
(tests/lms/learning/test_completion_announce.py). bench/quiz.py and bench/xapi.py measure the same paths
on PostgreSQL."""

import itertools
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import LessonPage, ModulePage
from lms.certificates.models import Certificate
from lms.h5p.models import Result
from lms.learning import services as learning_services
from lms.learning.models import Enrolment, LessonCompletion
from lms.quiz.models import AnswerReceipt, AttemptAnswer, Quiz
from lms.quiz.services import attempt_start
from tests.builders import after_commit, make_course
from tests.h5p_builders import h5p_block, make_activity, statement
from tests.quiz_builders import correct_response, make_question, make_quiz, quiz_block

ANSWER_SAVE_QUERIES = 10
XAPI_RECORD_QUERIES = 15  # a statement that completes nothing
XAPI_COMPLETE_COURSE_QUERIES = 25


@pytest.fixture
def exam(catalogue, learner):
    questions = [make_question("single") for _ in range(3)]
    quiz = make_quiz(questions, answers_at_end=True, review=Quiz.Review.EXPLANATIONS)
    course = make_course(catalogue, modules=1, lessons_per_module=0)
    module = ModulePage.objects.child_of(course).first()
    lesson = module.add_child(instance=LessonPage(title="Kiểm tra", slug="kiem-tra", body=quiz_block(quiz)))
    learning_services.enrolment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz, context_page_id=lesson.pk)
    for question in questions:
        question.right = correct_response(question)  # read now, not inside a count
    return attempt, questions


DEVICE = uuid.uuid4()
_sequence = itertools.count(1)


def post_answer(client, attempt, question, client_id):
    """As static/js/outbox.js sends it: the answer's id, when it was made, the browser and its number."""
    body = {
        "question": question.pk,
        "choice": question.right,
        "client_id": str(client_id),
        "made_at": timezone.now().isoformat(),
        "device": str(DEVICE),
        "device_seq": next(_sequence),
    }
    url = reverse("lesson_quiz:answer", args=[attempt.pk])
    return client.post(url, body, HTTP_X_REQUESTED_WITH="fetch")


def test_saving_an_answer_from_the_outbox_stays_within_its_query_budget(learner_client, exam):
    attempt, questions = exam
    post_answer(learner_client, attempt, questions[1], uuid.uuid4())  # the session is warm, as in a real exam

    client_id = uuid.uuid4()
    with CaptureQueriesContext(connection) as first:
        reply = post_answer(learner_client, attempt, questions[0], client_id)
    with CaptureQueriesContext(connection) as changed:
        post_answer(learner_client, attempt, questions[0], uuid.uuid4())  # the same question answered again
    with CaptureQueriesContext(connection) as replayed:
        again = post_answer(learner_client, attempt, questions[0], client_id)

    assert reply.status_code == again.status_code == 200
    assert reply.json() == again.json() == {"ok": True, "feedback": None}
    assert len(first) <= ANSWER_SAVE_QUERIES, "\n".join(q["sql"][:90] for q in first)
    assert len(changed) <= ANSWER_SAVE_QUERIES
    assert len(replayed) <= ANSWER_SAVE_QUERIES
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 2
    assert AnswerReceipt.objects.filter(attempt=attempt).count() == 3


def test_saving_an_answer_locks_the_attempt_row_only_not_the_shared_quiz(learner_client, exam):
    attempt, questions = exam

    with CaptureQueriesContext(connection) as captured:
        post_answer(learner_client, attempt, questions[0], uuid.uuid4())

    locks = [q["sql"] for q in captured if "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update:
        assert len(locks) == 1
        assert locks[0].rstrip().endswith('FOR UPDATE OF "quiz_attempt"')


def send(client, lesson, activity):
    body = {
        "lesson": lesson.pk,
        "activity": activity.pk,
        "version": activity.current_version_id,
        "statement": statement(),
    }
    return client.post(reverse("lesson_h5p:xapi"), json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("lessons", [2, 12])
def test_an_xapi_statement_stays_within_its_budgets_whatever_the_number_of_lessons(
    learner_client, learner, catalogue, lessons
):
    activity = make_activity()
    course = make_course(catalogue, modules=1, lessons_per_module=0)
    module = ModulePage.objects.child_of(course).first()
    used = [
        module.add_child(
            instance=LessonPage(title=f"Hoạt động {n}", slug=f"hd-{n}", body=h5p_block(activity))
        )
        for n in range(lessons)
    ]
    learning_services.enrolment_create(user=learner, course=course)

    with after_commit() as queued, CaptureQueriesContext(connection) as completing:
        reply = send(learner_client, used[0], activity).json()
    assert reply["course_completed"] is True
    assert queued  # the certificate and the rest: after the commit, outside the request's count
    with CaptureQueriesContext(connection) as nothing_new:
        again = send(learner_client, used[-1], activity).json()  # played again: the result changes
    assert (again["course_completed"], again["lesson_completed"]) == (False, True)

    assert len(completing) <= XAPI_COMPLETE_COURSE_QUERIES, [q["sql"] for q in completing]
    assert len(nothing_new) <= XAPI_RECORD_QUERIES, [q["sql"] for q in nothing_new]
    assert LessonCompletion.objects.filter(enrolment__user=learner).count() == lessons
    assert Result.objects.filter(user=learner).count() == 1
    assert Certificate.objects.filter(user=learner, course_id=course.pk).count() == 1
    assert Enrolment.objects.get(user=learner).completion_announced_at is not None


def test_the_query_counts_of_a_statement_do_not_grow_with_the_lessons(learner_client, learner, catalogue):
    def counts(lessons: int) -> tuple[int, int]:
        activity = make_activity()
        course = make_course(catalogue, modules=2, lessons_per_module=0)
        modules = list(ModulePage.objects.child_of(course))
        used = [
            modules[n % 2].add_child(
                instance=LessonPage(title=f"Hoạt động {n}", slug=f"hd-{n}", body=h5p_block(activity))
            )
            for n in range(lessons)
        ]
        learning_services.enrolment_create(user=learner, course=course)
        with CaptureQueriesContext(connection) as completing:
            assert send(learner_client, used[0], activity).json()["course_completed"]
        with CaptureQueriesContext(connection) as nothing_new:
            assert not send(learner_client, used[0], activity).json()["course_completed"]
        return len(completing), len(nothing_new)

    assert counts(2) == counts(12)
