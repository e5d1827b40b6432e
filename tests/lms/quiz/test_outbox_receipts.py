"""The offline outbox's contract with the server: an answer sent with the device's id is applied once; the
same id again (a retry after a lost reply, a second tab, two requests at the same moment) gets the same
reply. A timed attempt stays fair: the device's time is trusted only within the grace, never beyond it."""

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


def save(attempt, question, response, **receipt):
    """One answer through the service, as the answer view hands it over (`receipt`: the outbox's client id,
    device and sequence number)."""
    return services.attempt_save_answer(
        attempt=attempt, question_id=question.pk, response=response, **receipt
    )


@pytest.fixture
def official(db):
    return UserFactory(username="canbo_hopthu")


def test_the_same_client_id_twice_stores_one_answer_and_gives_the_same_reply(official):
    question = make_question("single")
    attempt = services.attempt_start(user=official, quiz=make_quiz([question]))  # feedback after each answer
    client_id = uuid.uuid4()

    first = save(attempt, question, correct_response(question), client_id=client_id)
    # Without the id this second send would be refused ("already answered"); with it, it is acknowledged.
    again = save(attempt, question, correct_response(question), client_id=client_id)

    assert (first.is_correct, first.late) == (again.is_correct, again.late) == (True, False)
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1
    assert AnswerReceipt.objects.count() == 1


def test_a_retried_answer_is_acknowledged_after_the_attempt_was_submitted(official):
    question = make_question("single")
    attempt = services.attempt_start(user=official, quiz=make_quiz([question], answers_at_end=True))
    client_id = uuid.uuid4()
    save(attempt, question, correct_response(question), client_id=client_id)
    services.attempt_submit(attempt=attempt)

    again = save(attempt, question, correct_response(question), client_id=client_id)

    assert again.is_correct is True
    attempt.refresh_from_db()
    assert attempt.score == 1


def test_a_client_id_is_not_reused_for_another_attempt(official):
    question = make_question("single")
    first = services.attempt_start(user=official, quiz=make_quiz([question]))
    other = services.attempt_start(user=UserFactory(), quiz=first.quiz)
    client_id = uuid.uuid4()
    save(first, question, correct_response(question), client_id=client_id)

    with pytest.raises(services.AnswerRejected):
        save(other, question, correct_response(question), client_id=client_id)
    assert not AttemptAnswer.objects.filter(attempt=other).exists()


def _timed(official):
    questions = [make_question("single"), make_question("single")]
    start = timezone.now() - timedelta(minutes=10)
    attempt = services.attempt_start(
        user=official, quiz=make_quiz(questions, time_limit_minutes=5, answers_at_end=True), now=start
    )
    return attempt, questions


def test_an_answer_made_before_the_deadline_and_sent_within_the_grace_counts_and_says_so(official):
    attempt, questions = _timed(official)
    sent = attempt.deadline + services.GRACE - timedelta(seconds=1)

    result = save(
        attempt,
        questions[0],
        correct_response(questions[0]),
        now=sent,
        made_at=attempt.deadline - timedelta(seconds=30),
    )

    assert result.late is True
    answer = AttemptAnswer.objects.get(attempt=attempt)
    # Trusted only within the grace: the answer counts as made at the earliest time the grace allows.
    assert answer.answered_at == sent - services.GRACE


def test_an_answer_made_after_the_deadline_is_refused_with_its_reason(official):
    attempt, questions = _timed(official)

    with pytest.raises(services.AttemptClosed) as refused:
        save(
            attempt,
            questions[0],
            correct_response(questions[0]),
            now=attempt.deadline + timedelta(seconds=10),
            made_at=attempt.deadline + timedelta(seconds=5),
        )

    assert refused.value.message == services.MADE_TOO_LATE
    assert not AttemptAnswer.objects.exists()


def test_a_device_time_in_the_future_or_long_past_is_not_trusted(official):
    attempt, questions = _timed(official)
    now = attempt.deadline - timedelta(seconds=5)

    save(attempt, questions[0], correct_response(questions[0]), now=now, made_at=now + timedelta(hours=1))
    with pytest.raises(services.AttemptClosed):
        # Sent after deadline + grace: refused whatever the device says (and the attempt is submitted).
        save(
            attempt,
            questions[1],
            correct_response(questions[1]),
            now=attempt.deadline + services.GRACE + timedelta(seconds=1),
            made_at=attempt.deadline - timedelta(hours=1),
        )

    assert AttemptAnswer.objects.get(attempt=attempt).answered_at == now
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_the_same_client_id_sent_concurrently_is_stored_once():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent requests need row locks: run with DATABASE_URL=postgres://… to check them.")
    official = UserFactory(username="canbo_songsong")
    question = make_question("single")
    attempt = services.attempt_start(user=official, quiz=make_quiz([question]))
    client_id = uuid.uuid4()
    barrier = threading.Barrier(4)
    replies, errors = [], []

    def send():
        try:
            barrier.wait()
            result = save(
                Attempt.objects.get(pk=attempt.pk), question, correct_response(question), client_id=client_id
            )
            replies.append((result.is_correct, result.late))
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert replies == [(True, False)] * 4
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1
    assert AnswerReceipt.objects.filter(client_id=client_id).count() == 1


# The learner's order, not the order of arrival: an older answer that the network delayed past a newer one
# (its first send timed out on the device but reached the server later) must not replace the newer one.


def _answers_at_end(official):
    question = make_question("multiple")
    attempt = services.attempt_start(user=official, quiz=make_quiz([question], answers_at_end=True))
    right = correct_response(question)
    return attempt, question, right[:1], right  # a first, partial answer, then the learner's final one


def test_an_older_answer_from_the_same_browser_arriving_after_a_newer_one_is_acknowledged_not_applied(
    official,
):
    attempt, question, partial, final = _answers_at_end(official)
    device = uuid.uuid4()
    older, newer = uuid.uuid4(), uuid.uuid4()

    save(attempt, question, final, client_id=newer, device=device, device_seq=2)
    late = save(attempt, question, partial, client_id=older, device=device, device_seq=1)
    again = save(attempt, question, partial, client_id=older, device=device, device_seq=1)

    assert late.stale is True and again.stale is True
    answer = AttemptAnswer.objects.get(attempt=attempt)
    assert answer.score == 1
    assert (answer.device, answer.device_seq) == (device, 2)
    assert AnswerReceipt.objects.filter(attempt=attempt).count() == 2


def test_answers_in_the_learners_order_replace_each_other(official):
    attempt, question, partial, final = _answers_at_end(official)
    device = uuid.uuid4()

    first = save(attempt, question, final, client_id=uuid.uuid4(), device=device, device_seq=1)
    second = save(attempt, question, partial, client_id=uuid.uuid4(), device=device, device_seq=2)

    assert (first.stale, second.stale) == (False, False)
    assert AttemptAnswer.objects.get(attempt=attempt).score == 0


def test_another_browser_or_a_form_without_javascript_is_taken_in_the_order_of_arrival(official):
    # Two devices' clocks cannot be compared: the last answer to arrive stays, as without the outbox.
    attempt, question, partial, final = _answers_at_end(official)
    phone, office = uuid.uuid4(), uuid.uuid4()
    save(attempt, question, partial, client_id=uuid.uuid4(), device=phone, device_seq=9)
    save(attempt, question, final, client_id=uuid.uuid4(), device=office, device_seq=1)
    assert AttemptAnswer.objects.get(attempt=attempt).score == 1

    save(attempt, question, partial)  # no JavaScript
    answer = AttemptAnswer.objects.get(attempt=attempt)
    assert (answer.score, answer.device, answer.device_seq) == (0, None, None)
    # The phone's older answer, delayed until now, is not compared with a device-less one: it is applied.
    save(attempt, question, final, client_id=uuid.uuid4(), device=phone, device_seq=3)
    assert AttemptAnswer.objects.get(attempt=attempt).score == 1
