from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lms.quiz import selectors, services
from lms.quiz.models import Attempt, AttemptAnswer, Quiz, QuizDraw
from tests.builders import UserFactory
from tests.quiz_builders import correct_response, make_category, make_question, make_quiz


@pytest.fixture
def official(db):
    return UserFactory(username="canbo_kiemtra")


def answer_all(attempt, *, correctly=True):
    for question_id in attempt.question_ids:
        question = attempt.quiz.quiz_questions.model.question.field.related_model.objects.get(pk=question_id)
        raw = (
            correct_response(question) if correctly else ("false" if question.kind == "true_false" else "sai")
        )
        if not correctly and question.kind in ("single", "multiple"):
            wrong = [a.pk for a in question.answers.all() if not a.correct]
            raw = wrong[0] if question.kind == "single" else wrong
        services.attempt_save_answer(attempt=attempt, question_id=question_id, response=raw)


def test_a_random_draw_is_fixed_for_the_whole_attempt(official):
    category = make_category()
    pool = [make_question("single", category=category) for _ in range(10)]
    quiz = make_quiz(random_order=True, random_answer_order=True)
    QuizDraw.objects.create(quiz=quiz, category=category, count=4)

    attempt = services.attempt_start(user=official, quiz=quiz)
    resumed = services.attempt_start(user=official, quiz=quiz)
    shown = selectors.attempt_questions(attempt=resumed)

    assert resumed.pk == attempt.pk
    assert len(attempt.question_ids) == 4
    assert set(attempt.question_ids) <= {q.pk for q in pool}
    assert [item.question.pk for item in shown] == attempt.question_ids
    first = shown[0]
    assert [choice_id for choice_id, _text in first.choices] == attempt.answer_orders[str(first.question.pk)]


def test_draws_combine_categories_and_max_questions_cuts_the_pool(official):
    data, safety = make_category("Dữ liệu"), make_category("An toàn")
    for _ in range(6):
        make_question("single", category=data)
        make_question("true_false", category=safety)
    quiz = make_quiz(max_questions=7)
    QuizDraw.objects.create(quiz=quiz, category=data, count=5)
    QuizDraw.objects.create(quiz=quiz, category=safety, count=3)

    attempt = services.attempt_start(user=official, quiz=quiz)

    assert len(attempt.question_ids) == 7
    assert len(set(attempt.question_ids)) == 7


def test_single_attempt_refuses_a_second_attempt(official):
    quiz = make_quiz([make_question("single")], single_attempt=True, attempts_allowed=5)
    services.attempt_submit(attempt=services.attempt_start(user=official, quiz=quiz))

    with pytest.raises(services.AttemptLimitReached):
        services.attempt_start(user=official, quiz=quiz)
    assert Attempt.objects.filter(user=official).count() == 1


def test_attempts_allowed_is_enforced(official):
    quiz = make_quiz([make_question("single")], attempts_allowed=2)
    for _ in range(2):
        services.attempt_submit(attempt=services.attempt_start(user=official, quiz=quiz))

    with pytest.raises(services.AttemptLimitReached):
        services.attempt_start(user=official, quiz=quiz)
    assert selectors.quiz_grade(user=official, quiz=quiz).attempts_left == 0


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (Quiz.Grading.HIGHEST, Decimal("100")),
        (Quiz.Grading.LAST, Decimal("0")),
        (Quiz.Grading.AVERAGE, Decimal("50")),
    ],
)
def test_grading_methods(official, method, expected):
    quiz = make_quiz([make_question("single")], grading_method=method, answers_at_end=True)
    first = services.attempt_start(user=official, quiz=quiz)
    answer_all(first, correctly=True)
    services.attempt_submit(attempt=first)
    second = services.attempt_start(user=official, quiz=quiz)
    answer_all(second, correctly=False)
    services.attempt_submit(attempt=second)

    assert selectors.quiz_grade(user=official, quiz=quiz).percent == expected


def test_score_percent_and_pass_are_computed_on_submit(official):
    questions = [make_question("single"), make_question("true_false"), make_question("short", points=2)]
    quiz = make_quiz(questions, pass_mark=75)
    attempt = services.attempt_start(user=official, quiz=quiz)
    services.attempt_save_answer(
        attempt=attempt, question_id=questions[0].pk, response=correct_response(questions[0])
    )
    services.attempt_save_answer(attempt=attempt, question_id=questions[2].pk, response="chu ky so")

    attempt = services.attempt_submit(attempt=attempt)

    assert (attempt.score, attempt.max_score, attempt.percent) == (
        Decimal("3"),
        Decimal("4"),
        Decimal("75.00"),
    )
    assert attempt.passed is True


def test_answers_survive_a_lost_connection_and_resume(official):
    questions = [make_question("single"), make_question("short")]
    quiz = make_quiz(questions, answers_at_end=True)
    attempt = services.attempt_start(user=official, quiz=quiz)
    services.attempt_save_answer(attempt=attempt, question_id=questions[1].pk, response="chu ky so")

    resumed = services.attempt_start(user=official, quiz=quiz)
    shown = selectors.attempt_questions(attempt=resumed)

    assert resumed.pk == attempt.pk
    assert shown[1].response == {"text": "chu ky so"}
    assert shown[0].response is None


def test_answers_can_change_until_submit_when_answers_come_at_the_end(official):
    question = make_question("single")
    quiz = make_quiz([question], answers_at_end=True)
    attempt = services.attempt_start(user=official, quiz=quiz)
    wrong, right = [a.pk for a in question.answers.all()][1], correct_response(question)

    services.attempt_save_answer(attempt=attempt, question_id=question.pk, response=wrong)
    services.attempt_save_answer(attempt=attempt, question_id=question.pk, response=right)

    assert AttemptAnswer.objects.get(attempt=attempt).score == 1


def test_with_feedback_after_each_question_an_answer_is_final(official):
    question = make_question("single")
    quiz = make_quiz([question], answers_at_end=False)
    attempt = services.attempt_start(user=official, quiz=quiz)
    wrong = [a.pk for a in question.answers.all()][1]
    result = services.attempt_save_answer(attempt=attempt, question_id=question.pk, response=wrong)

    with pytest.raises(services.AttemptClosed):
        services.attempt_save_answer(
            attempt=attempt, question_id=question.pk, response=correct_response(question)
        )
    assert result.is_correct is False
    assert AttemptAnswer.objects.get(attempt=attempt).score == 0


def test_an_answer_to_a_question_outside_the_attempt_is_refused(official):
    quiz = make_quiz([make_question("single")])
    stranger = make_question("single")
    attempt = services.attempt_start(user=official, quiz=quiz)

    with pytest.raises(services.AnswerRejected):
        services.attempt_save_answer(
            attempt=attempt, question_id=stranger.pk, response=correct_response(stranger)
        )
    assert not AttemptAnswer.objects.exists()


def test_answering_after_submit_is_refused_and_nothing_changes(official):
    question = make_question("single")
    quiz = make_quiz([question], answers_at_end=True)
    attempt = services.attempt_start(user=official, quiz=quiz)
    services.attempt_submit(attempt=attempt)

    with pytest.raises(services.AttemptClosed):
        services.attempt_save_answer(
            attempt=attempt, question_id=question.pk, response=correct_response(question)
        )
    attempt.refresh_from_db()
    assert attempt.score == 0


def test_submitting_twice_is_harmless(official):
    question = make_question("single")
    quiz = make_quiz([question])
    attempt = services.attempt_start(user=official, quiz=quiz)
    services.attempt_save_answer(
        attempt=attempt, question_id=question.pk, response=correct_response(question)
    )
    first = services.attempt_submit(attempt=attempt)

    second = services.attempt_submit(attempt=attempt)

    assert second.submitted_at == first.submitted_at
    assert second.score == first.score == 1


def test_the_time_limit_is_enforced_on_the_server(official):
    questions = [make_question("single"), make_question("single")]
    quiz = make_quiz(questions, time_limit_minutes=10, answers_at_end=True)
    start = timezone.now()
    attempt = services.attempt_start(user=official, quiz=quiz, now=start)
    services.attempt_save_answer(
        attempt=attempt, question_id=questions[0].pk, response=correct_response(questions[0]), now=start
    )
    late = start + timedelta(minutes=10) + services.GRACE + timedelta(seconds=1)

    with pytest.raises(services.AttemptClosed):
        services.attempt_save_answer(
            attempt=attempt, question_id=questions[1].pk, response=correct_response(questions[1]), now=late
        )
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.auto_submitted is True
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score == 1


def test_a_small_grace_period_accepts_an_answer_sent_at_the_deadline(official):
    question = make_question("single")
    quiz = make_quiz([question], time_limit_minutes=5)
    start = timezone.now()
    attempt = services.attempt_start(user=official, quiz=quiz, now=start)

    services.attempt_save_answer(
        attempt=attempt,
        question_id=question.pk,
        response=correct_response(question),
        now=start + timedelta(minutes=5, seconds=5),
    )

    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1


def test_an_expired_attempt_is_submitted_when_the_learner_comes_back(official):
    quiz = make_quiz([make_question("single")], time_limit_minutes=1, attempts_allowed=3)
    start = timezone.now() - timedelta(hours=1)
    old = services.attempt_start(user=official, quiz=quiz, now=start)

    new = services.attempt_start(user=official, quiz=quiz)

    old.refresh_from_db()
    assert old.state == Attempt.State.SUBMITTED and old.auto_submitted
    assert new.number == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"draft": True},
        {"opens_at": timezone.now() + timedelta(days=1)},
        {"closes_at": timezone.now() - timedelta(days=1), "opens_at": timezone.now() - timedelta(days=2)},
    ],
)
def test_draft_not_yet_open_and_closed_quizzes_cannot_be_started(official, fields):
    quiz = make_quiz([make_question("single")], **fields)

    with pytest.raises(services.QuizUnavailable):
        services.attempt_start(user=official, quiz=quiz)
    assert not Attempt.objects.exists()


def test_a_quiz_without_questions_cannot_be_started(official):
    with pytest.raises(services.QuizUnavailable):
        services.attempt_start(user=official, quiz=make_quiz())


def test_an_essay_counts_zero_until_marked_then_partial_credit_recomputes(official):
    essay, single = make_question("essay", points=2), make_question("single", points=2)
    quiz = make_quiz([single, essay], pass_mark=75)
    attempt = services.attempt_start(user=official, quiz=quiz)
    services.attempt_save_answer(attempt=attempt, question_id=single.pk, response=correct_response(single))
    services.attempt_save_answer(attempt=attempt, question_id=essay.pk, response="Bài viết")
    attempt = services.attempt_submit(attempt=attempt)
    assert (attempt.percent, attempt.passed, attempt.awaiting_marking) == (Decimal("50.00"), False, True)
    trainer = UserFactory(username="giangvien_cham")

    answer = AttemptAnswer.objects.get(attempt=attempt, question=essay)
    attempt = services.answer_mark(answer=answer, marker=trainer, score="1.5", comment="Khá tốt")

    assert (attempt.percent, attempt.passed, attempt.awaiting_marking) == (Decimal("87.50"), True, False)
    answer.refresh_from_db()
    assert (answer.marker_comment, answer.marked_by) == ("Khá tốt", trainer)


@pytest.mark.parametrize("bad", ["-1", "3", "abc"])
def test_marking_outside_the_points_is_refused(official, bad):
    essay = make_question("essay", points=2)
    attempt = services.attempt_start(user=official, quiz=make_quiz([essay]))
    services.attempt_save_answer(attempt=attempt, question_id=essay.pk, response="Bài viết")
    services.attempt_submit(attempt=attempt)
    answer = AttemptAnswer.objects.get(attempt=attempt)

    with pytest.raises(services.AnswerRejected):
        services.answer_mark(answer=answer, marker=official, score=bad)
    answer.refresh_from_db()
    assert answer.score is None


def test_category_progress_sums_points_per_category(official):
    data = make_category("Dữ liệu")
    questions = [make_question("single", category=data), make_question("single", category=data)]
    quiz = make_quiz(questions)
    attempt = services.attempt_start(user=official, quiz=quiz)
    services.attempt_save_answer(
        attempt=attempt, question_id=questions[0].pk, response=correct_response(questions[0])
    )
    wrong = [a.pk for a in questions[1].answers.all() if not a.correct][0]
    services.attempt_save_answer(attempt=attempt, question_id=questions[1].pk, response=wrong)
    services.attempt_submit(attempt=attempt)

    assert selectors.category_progress(user=official) == [
        {
            "category": "Dữ liệu",
            "scored": Decimal("1.00"),
            "possible": Decimal("2.00"),
            "answered": 2,
            "percent": 50,
        }
    ]


def test_saving_an_answer_costs_the_same_queries_for_5_and_50_questions(official):
    counts = []
    for size in (5, 50):
        questions = [make_question("single") for _ in range(size)]
        quiz = make_quiz(questions, answers_at_end=True)
        attempt = services.attempt_start(user=official, quiz=quiz)
        with CaptureQueriesContext(connection) as queries:
            services.attempt_save_answer(
                attempt=attempt, question_id=questions[-1].pk, response=correct_response(questions[-1])
            )
        counts.append(len(queries))
        services.attempt_submit(attempt=attempt)

    assert counts[0] == counts[1]


def test_without_exam_paper_only_the_score_is_kept(official):
    question = make_question("single")
    quiz = make_quiz([question], exam_paper=False)
    attempt = services.attempt_start(user=official, quiz=quiz)
    services.attempt_save_answer(
        attempt=attempt, question_id=question.pk, response=correct_response(question)
    )

    attempt = services.attempt_submit(attempt=attempt)

    assert attempt.score == 1 and attempt.passed
    assert not AttemptAnswer.objects.filter(attempt=attempt).exists()


def test_with_exam_paper_the_answers_are_kept(official):
    question = make_question("single")
    quiz = make_quiz([question], exam_paper=True)
    attempt = services.attempt_start(user=official, quiz=quiz)
    services.attempt_save_answer(
        attempt=attempt, question_id=question.pk, response=correct_response(question)
    )

    services.attempt_submit(attempt=attempt)

    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1


@pytest.mark.parametrize("bad", ["NaN", "1.555", "Infinity"])
def test_marking_refuses_non_numbers_and_excess_decimals(official, bad):
    essay = make_question("essay", points=10)
    attempt = services.attempt_start(user=official, quiz=make_quiz([essay]))
    services.attempt_save_answer(attempt=attempt, question_id=essay.pk, response="Bài viết")
    services.attempt_submit(attempt=attempt)

    with pytest.raises(services.AnswerRejected):
        services.answer_mark(answer=AttemptAnswer.objects.get(attempt=attempt), marker=official, score=bad)


def test_the_marking_range_message_shows_whole_points_plainly(official):
    essay = make_question("essay", points=10)
    attempt = services.attempt_start(user=official, quiz=make_quiz([essay]))
    services.attempt_save_answer(attempt=attempt, question_id=essay.pk, response="Bài viết")
    services.attempt_submit(attempt=attempt)

    with pytest.raises(services.AnswerRejected) as error:
        services.answer_mark(answer=AttemptAnswer.objects.get(attempt=attempt), marker=official, score="11")
    assert "10" in str(error.value.message) and "E+" not in str(error.value.message)
