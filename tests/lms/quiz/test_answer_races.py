"""Answers in flight at the same moment, on PostgreSQL (row locks): a double click sends two answers to one
question, a submission meets an answer, a timed attempt's last answers meet its deadline. The attempt's row
lock orders them; nothing is stored after a submission, nothing twice."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from lms.quiz import services
from lms.quiz.models import AnswerReceipt, Attempt, AttemptAnswer
from tests.builders import UserFactory
from tests.quiz_builders import correct_response, make_question, make_quiz

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent requests need row locks: run with DATABASE_URL=postgres://… to check them.")


def at_once(*actions):
    """Run the actions in threads released together; returns each one's result or exception, in order."""
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except Exception as error:  # noqa: BLE001 — returned to the test
            outcomes[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def answer(attempt, question, response, **extra):
    return lambda: services.answer_save(
        attempt_id=attempt.pk,
        user=attempt.user,
        question_id=question.pk,
        response=response,
        client_id=uuid.uuid4(),
        **extra,
    )


def test_a_double_click_sends_two_answers_and_one_is_stored():
    question = make_question("single")
    attempt = services.attempt_start(
        user=UserFactory(username="canbo_nhapdup"), quiz=make_quiz([question], answers_at_end=True)
    )
    right = correct_response(question)
    wrong = next(a.pk for a in question.answers.all() if not a.correct)

    outcomes = at_once(answer(attempt, question, right), answer(attempt, question, wrong))

    assert all(isinstance(o, services.AnswerResult) for o in outcomes), outcomes
    stored = AttemptAnswer.objects.get(attempt=attempt)  # one row, the answer applied last
    assert stored.score in (0, 1)
    assert AnswerReceipt.objects.filter(attempt=attempt).count() == 2


def test_a_submission_meeting_an_answer_either_counts_it_or_refuses_it():
    question = make_question("single")
    attempt = services.attempt_start(
        user=UserFactory(username="canbo_nopbai"),
        quiz=make_quiz([question], answers_at_end=True, exam_paper=True),
    )

    saved, _submitted = at_once(
        answer(attempt, question, correct_response(question)),
        lambda: services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk)),
    )

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    if isinstance(saved, services.AnswerResult):  # the answer took the lock first: it counts
        assert attempt.score == 1
        assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1
    else:  # the submission took it first: the answer is refused, not stored afterwards
        assert isinstance(saved, services.AttemptClosed), saved
        assert attempt.score == 0
        assert not AttemptAnswer.objects.filter(attempt=attempt).exists()


def test_answers_racing_the_time_limit_submit_the_attempt_once():
    questions = [make_question("single"), make_question("single")]
    start = timezone.now() - timedelta(minutes=5) - services.GRACE - timedelta(seconds=5)
    attempt = services.attempt_start(
        user=UserFactory(username="canbo_hetgio"),
        quiz=make_quiz(questions, time_limit_minutes=5, answers_at_end=True, exam_paper=True),
        now=start,
    )
    services.attempt_save_answer(  # in time
        attempt=attempt,
        question_id=questions[0].pk,
        response=correct_response(questions[0]),
        now=start + timedelta(minutes=1),
    )

    outcomes = at_once(
        answer(attempt, questions[1], correct_response(questions[1])),
        answer(attempt, questions[1], correct_response(questions[1])),
        lambda: services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk)),
    )

    assert all(isinstance(o, services.AttemptClosed) for o in outcomes[:2]), outcomes
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.auto_submitted is True
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score == 1  # the answer saved in time counts, the late ones were not stored
    assert list(AttemptAnswer.objects.filter(attempt=attempt).values_list("question_id", flat=True)) == [
        questions[0].pk
    ]
