"""Writes of the quiz engine: start, answer, submit, expire, mark. Scores are computed here only."""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.audit.models import AuditEntry
from lms.audit.selectors import person_unit
from lms.audit.services import audit_record
from lms.errors import UserError

from .bank_cache import QuizBank, attempt_bank, quiz_bank
from .models import AnswerReceipt, Attempt, AttemptAnswer, Question, Quiz
from .scoring import InvalidResponse, score_response
from .signals import attempt_finished

# A timed attempt's clock is the server's. Answers may arrive this long after the deadline (a slow or lost
# connection, the offline outbox) and still count if they were made before it; the attempt stays open that
# long, then it is submitted with what was saved. docs/offline.md explains it to trainers.
GRACE = timedelta(seconds=getattr(settings, "QUIZ_TIME_LIMIT_GRACE_SECONDS", 120))


class QuizError(UserError):
    """A request the quiz rules refuse; `message` is shown to the person, `status` is the HTTP status."""


class QuizUnavailable(QuizError):
    status = 403


class AttemptLimitReached(QuizError):
    status = 403


class AttemptClosed(QuizError):
    status = 409


class AnswerRejected(QuizError):
    status = 400


class AttemptNotFound(QuizError):
    """No attempt with this id belongs to the person (another person's attempt is "not found" too)."""

    status = 404


@dataclass(frozen=True)
class AnswerResult:
    answer: AttemptAnswer
    is_correct: bool | None  # None for essays
    expired: bool = False
    late: bool = False  # sent after the deadline, made before it: counted within the grace
    stale: bool = False  # older than the answer stored (same device, lower number): acknowledged, not applied
    attempt: Attempt | None = None  # as read under the lock (with its quiz)


def _now(now=None):
    return now or timezone.now()


def _draw_questions(quiz: Quiz, bank: QuizBank, rng: random.Random) -> list[int]:
    """Fixed questions in their order, then each random draw; shuffled and cut as the quiz says."""
    fixed = bank.fixed_ids
    chosen = list(fixed)
    for category_id, count in bank.draws:
        pool = list(
            Question.objects.filter(category_id=category_id)
            .exclude(pk__in=chosen)
            .values_list("pk", flat=True)
        )
        chosen.extend(rng.sample(pool, min(count, len(pool))))
    if quiz.max_questions and len(chosen) > quiz.max_questions:
        chosen = rng.sample(chosen, quiz.max_questions)
        if not quiz.random_order:
            order = {pk: i for i, pk in enumerate(fixed)}
            chosen.sort(key=lambda pk: order.get(pk, len(order)))
    if quiz.random_order:
        rng.shuffle(chosen)
    return chosen


def _answer_orders(quiz: Quiz, question_ids: list[int], rng: random.Random) -> dict[str, list[int]]:
    orders: dict[str, list[int]] = {}
    questions, choices = attempt_bank(quiz_id=quiz.pk, question_ids=question_ids)
    for pk in sorted(pk for pk in question_ids if pk in questions):
        question = questions[pk]
        if not question.has_choices:
            continue
        answers = list(choices.get(pk, []))
        if quiz.random_answer_order or question.answer_order == Question.AnswerOrder.RANDOM:
            rng.shuffle(answers)
        elif question.answer_order == Question.AnswerOrder.ALPHABETICAL:
            answers.sort(key=lambda a: a.text.casefold())
        orders[str(question.pk)] = [a.pk for a in answers]
    return orders


def quiz_check_available(*, quiz: Quiz, now=None) -> None:
    now = _now(now)
    if quiz.draft:
        raise QuizUnavailable(_("This quiz is not published yet."))
    if quiz.opens_at and now < quiz.opens_at:
        raise QuizUnavailable(_("This quiz is not open yet."))
    if quiz.closes_at and now >= quiz.closes_at:
        raise QuizUnavailable(_("This quiz is closed."))


def attempt_start(*, user, quiz: Quiz, context_page_id: int | None = None, now=None, seed=None) -> Attempt:
    """Start an attempt, or return the one in progress (resume). Enforces draft, dates and limits."""
    now = _now(now)
    # One query for the person's attempts at this quiz (a few rows): the one in progress, and how many.
    earlier = list(Attempt.objects.filter(user=user, quiz=quiz).values_list("pk", "number", "state"))
    current_id = next((pk for pk, _number, state in earlier if state == Attempt.State.IN_PROGRESS), None)
    if current_id is not None:
        current = Attempt.objects.get(pk=current_id)
        if not attempt_expire_if_due(attempt=current, now=now):
            return current
    quiz_check_available(quiz=quiz, now=now)
    used = max((number for _pk, number, _state in earlier), default=0)
    if quiz.max_attempts is not None and used >= quiz.max_attempts:
        raise AttemptLimitReached(_("You have used all the attempts allowed for this quiz."))
    rng = random.Random(seed)  # noqa: S311 — question order, not security
    question_ids = _draw_questions(quiz, quiz_bank(quiz_id=quiz.pk), rng)
    if not question_ids:
        raise QuizUnavailable(_("This quiz has no questions yet."))
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    if quiz.closes_at and deadline and deadline > quiz.closes_at:
        deadline = quiz.closes_at
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=used + 1,
                question_ids=question_ids,
                answer_orders=_answer_orders(quiz, question_ids, rng),
                started_at=now,
                deadline=deadline,
                context_page_id=context_page_id,
            )
    except IntegrityError:
        # Another request (a double click) started it first: resume that one.
        return Attempt.objects.get(user=user, quiz=quiz, state=Attempt.State.IN_PROGRESS)


def _locked(attempt: Attempt) -> Attempt:
    return _lock_query().get(pk=attempt.pk)


def _lock_query():
    # The attempt's row only: a quiz is shared by every person taking it (a whole city on an exam morning).
    return Attempt.objects.select_for_update(of=("self",)).select_related("quiz")


def attempt_is_overdue(*, attempt: Attempt, now=None) -> bool:
    return attempt.deadline is not None and _now(now) > attempt.deadline + GRACE


TIME_UP = _("Time is up: your attempt was submitted with the answers saved before the deadline.")


MADE_TOO_LATE = _("This answer was made after the time limit, so it was not counted.")


def answer_time(*, made_at, now):
    """When an answer counts as made: the device's word (`made_at`) is trusted only within the grace, never
    for a time in the future. Without it (a form posted without JavaScript), the earliest time trusted."""
    earliest = now - GRACE
    if made_at is None:
        return earliest
    return min(max(made_at, earliest), now)


def _replay(receipt: AnswerReceipt, attempt: Attempt) -> AnswerResult:
    if receipt.attempt_id != attempt.pk:
        raise AnswerRejected(_("This answer was sent for another attempt."))
    answer = AttemptAnswer.objects.filter(attempt=attempt, question_id=receipt.question_id).first()
    reply = receipt.reply
    return AnswerResult(
        answer=answer,
        is_correct=reply.get("is_correct"),
        late=bool(reply.get("late")),
        stale=bool(reply.get("stale")),
        attempt=attempt,
    )


def attempt_save_answer(
    *,
    attempt: Attempt,
    question_id,
    response,
    now=None,
    client_id=None,
    made_at=None,
    device=None,
    device_seq: int | None = None,
) -> AnswerResult:
    """Save (or replace) the answer to one question of an attempt in progress, scored on the server.

    `client_id`: the device's id for this answer; the same id again gets the first reply and changes nothing.
    `made_at`: when the device says the answer was made (see `answer_time`).
    `device`, `device_seq`: the browser that made the answer and its running number there. The learner's
    order wins over the order of arrival: an answer older than the one stored from the same browser (a
    request the network delayed past a newer one) is acknowledged as `stale` and changes nothing."""
    return answer_save(
        attempt_id=attempt.pk,
        user=None,
        question_id=question_id,
        response=response,
        now=now,
        client_id=client_id,
        made_at=made_at,
        device=device,
        device_seq=device_seq,
    )


def answer_save(
    *,
    attempt_id: int,
    user,
    question_id,
    response,
    question: Question | None = None,
    now=None,
    client_id=None,
    made_at=None,
    device=None,
    device_seq: int | None = None,
) -> AnswerResult:
    """`attempt_save_answer` for the answer endpoint: the person's attempt by id (AttemptNotFound if it is
    not theirs), and the question already read (with its answers prefetched) by the view.

    Everything happens under the attempt's row lock, in one transaction of a few statements (the lock, the
    receipt, one upsert of the answer, the new receipt): two answers in flight from one person (a double
    click, two tabs) are applied one after the other, and the same `client_id` twice is stored once. An
    attempt found past its deadline and grace is submitted (committed) and the answer refused."""
    now = _now(now)
    try:
        result = _save_answer(
            attempt_id=attempt_id,
            user=user,
            question_id=question_id,
            question=question,
            response=response,
            now=now,
            client_id=client_id,
            made_at=made_at,
            device=device if device_seq is not None else None,
            device_seq=device_seq if device is not None else None,
        )
    except IntegrityError:
        # The same id saved for another attempt at the same moment (the row lock orders only one attempt's
        # answers): the whole save was rolled back.
        receipt = AnswerReceipt.objects.filter(client_id=client_id).first() if client_id else None
        if receipt is None:
            raise
        return _replay(receipt, Attempt.objects.select_related("quiz").get(pk=attempt_id))
    if result is None:
        raise AttemptClosed(TIME_UP)
    return result


def _is_stale(attempt: Attempt, *, device, device_seq) -> bool:
    """Is the answer stored for the question (annotated on the locked attempt) a newer one of this device?"""
    return (
        device is not None
        and attempt.stored_device is not None
        and str(attempt.stored_device) == str(device)
        and attempt.stored_seq is not None
        and attempt.stored_seq > device_seq
    )


@transaction.atomic
def _save_answer(
    *, attempt_id, user, question_id, question, response, now, client_id, made_at, device, device_seq
) -> AnswerResult | None:
    """The save under the lock; None when the attempt was found overdue and submitted now (the caller
    refuses the answer after this transaction commits the submission)."""
    found = _lock_query().filter(pk=attempt_id)
    if user is not None:
        found = found.filter(user=user)
    try:
        question_number = int(question_id)
    except (TypeError, ValueError):
        question_number = None
    if question_number is not None:
        # What is stored for this question comes with the lock, in the same query.
        stored_rows = AttemptAnswer.objects.filter(attempt_id=OuterRef("pk"), question_id=question_number)
        found = found.annotate(
            answered_before=Exists(stored_rows),
            stored_device=Subquery(stored_rows.values("device")[:1]),
            stored_seq=Subquery(stored_rows.values("device_seq")[:1]),
        )
    attempt = found.first()
    if attempt is None:
        raise AttemptNotFound(_("This attempt does not exist."))
    if client_id is not None:
        # A duplicate sent at the same moment waited for the lock above: it finds the first one's receipt.
        receipt = AnswerReceipt.objects.filter(client_id=client_id).first()
        if receipt is not None:
            return _replay(receipt, attempt)
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise AttemptClosed(_("This attempt has already been submitted; answers can no longer change."))
    if attempt_is_overdue(attempt=attempt, now=now):
        _submit(attempt, now=attempt.deadline, auto=True)  # with the answers saved in time
        return None
    made = answer_time(made_at=made_at, now=now)
    if attempt.deadline is not None and made > attempt.deadline:
        raise AttemptClosed(MADE_TOO_LATE)
    try:
        question_id = int(question_id)
    except (TypeError, ValueError):
        raise AnswerRejected(_("This question is not part of your attempt.")) from None
    if question_id not in attempt.question_ids:
        raise AnswerRejected(_("This question is not part of your attempt."))
    if not attempt.quiz.answers_at_end and attempt.answered_before:
        # Feedback was shown after the first answer: changing it now would game the score.
        raise AttemptClosed(_("You have already answered this question."))
    if _is_stale(attempt, device=device, device_seq=device_seq):
        # The learner changed this answer since; the newer one, already here, stays.
        stored = AttemptAnswer.objects.select_related("question").get(
            attempt=attempt, question_id=question_id
        )
        is_correct = None if stored.score is None else stored.score >= stored.question.points
        late = attempt.deadline is not None and now > attempt.deadline
        if client_id is not None:
            AnswerReceipt.objects.create(
                client_id=client_id,
                attempt=attempt,
                question_id=question_id,
                reply={"is_correct": is_correct, "late": late, "stale": True},
                received_at=now,
            )
        return AnswerResult(answer=stored, is_correct=is_correct, late=late, stale=True, attempt=attempt)
    if question is None or question.pk != question_id:
        question = Question.objects.prefetch_related("answers").get(pk=question_id)
    try:
        scored = score_response(question, list(question.answers.all()), response)
    except InvalidResponse as error:
        raise AnswerRejected(error.args[0]) from None
    answer = AttemptAnswer(
        attempt=attempt,
        question=question,
        response=scored.response,
        score=scored.score,
        answered_at=now if made_at is None else made,
        device=device,
        device_seq=device_seq,
    )
    # One INSERT … ON CONFLICT DO UPDATE: a first answer and a changed one cost the same.
    AttemptAnswer.objects.bulk_create(
        [answer],
        update_conflicts=True,
        unique_fields=["attempt", "question"],
        update_fields=["response", "score", "answered_at", "device", "device_seq"],
    )
    is_correct = None if scored.score is None else scored.score >= question.points
    late = attempt.deadline is not None and now > attempt.deadline
    if client_id is not None:
        AnswerReceipt.objects.create(
            client_id=client_id,
            attempt=attempt,
            question_id=question_id,
            reply={"is_correct": is_correct, "late": late},
            received_at=now,
        )
    return AnswerResult(answer=answer, is_correct=is_correct, late=late, attempt=attempt)


def _recompute(attempt: Attempt) -> None:
    questions = {
        q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids).only("pk", "points", "kind")
    }
    answers = {a.question_id: a for a in attempt.answers.all()}
    max_score = sum((q.points for q in questions.values()), Decimal("0"))
    score = sum((a.score for a in answers.values() if a.score is not None), Decimal("0"))
    awaiting = any(
        q.kind == Question.Kind.ESSAY and q.pk in answers and answers[q.pk].score is None
        for q in questions.values()
    )
    attempt.max_score = max_score
    attempt.score = score
    attempt.percent = (score * 100 / max_score).quantize(Decimal("0.01")) if max_score else Decimal("0")
    attempt.awaiting_marking = awaiting
    attempt.passed = attempt.percent >= attempt.quiz.pass_mark


def _discard_answers_unless_exam_paper(attempt: Attempt) -> None:
    """django_quiz's "exam paper" off: once nothing awaits marking, keep the score, not the answers."""
    if not attempt.quiz.exam_paper and not attempt.awaiting_marking:
        attempt.answers.all().delete()


def _submit(attempt: Attempt, *, now, auto: bool) -> None:
    attempt.state = Attempt.State.SUBMITTED
    attempt.submitted_at = now
    attempt.auto_submitted = auto
    _recompute(attempt)
    attempt.save()
    # Receivers see the answers (skills tallies them) before an attempt that keeps no paper loses them.
    attempt_finished.send(sender=Attempt, attempt=attempt)
    _discard_answers_unless_exam_paper(attempt)


@transaction.atomic
def attempt_submit(*, attempt: Attempt, now=None) -> Attempt:
    """Submit an attempt. Submitting twice is harmless: the second call returns the submitted attempt."""
    now = _now(now)
    attempt = _locked(attempt)
    if attempt.state == Attempt.State.IN_PROGRESS:
        if attempt_is_overdue(attempt=attempt, now=now):
            _submit(attempt, now=attempt.deadline, auto=True)
        else:
            _submit(attempt, now=now, auto=False)
    return attempt


@transaction.atomic
def attempt_expire_if_due(*, attempt: Attempt, now=None) -> bool:
    """Submit an attempt whose time ran out (with what was saved). True if it did."""
    attempt = _locked(attempt)
    if attempt.state == Attempt.State.IN_PROGRESS and attempt_is_overdue(attempt=attempt, now=now):
        _submit(attempt, now=attempt.deadline, auto=True)
        return True
    return False


def _number(value: Decimal | None) -> str | None:
    """2.00 -> "2", 1.50 -> "1.5": as a person writes a score."""
    return None if value is None else format(Decimal(value).normalize(), "f")


def _audit_mark(*, attempt: Attempt, answer: AttemptAnswer, marker, was: dict) -> None:
    """The mark in the audit trail, under the learner's unit (which the audit app finds)."""
    learner = attempt.user
    changes = {
        "learner": learner.get_full_name(),
        "quiz": attempt.quiz.title,
        "question": str(answer.question),
        "score": [_number(was["score"]), _number(answer.score)],
        "percent": [_number(was["percent"]), _number(attempt.percent)],
    }
    if was["comment"] != answer.marker_comment:
        changes["comment"] = [was["comment"], answer.marker_comment]
    audit_record(
        action=AuditEntry.Action.ANSWER_MARK,
        actor=marker,
        obj=answer,
        object_repr=f"{learner.get_full_name()} — {attempt.quiz.title} #{attempt.number}",
        unit=person_unit(learner),
        changes=changes,
    )


@transaction.atomic
def answer_mark(*, answer: AttemptAnswer, marker, score, comment: str = "", now=None) -> Attempt:
    """A trainer marks an essay (or overrides any answer): partial credit allowed, result recomputed."""
    attempt = _locked(answer.attempt)  # the attempt first, as attempt_save_answer does: one lock order
    answer = AttemptAnswer.objects.select_for_update().select_related("question").get(pk=answer.pk)
    points = answer.question.points
    try:
        score = Decimal(str(score).strip().replace(",", "."))
    except (ArithmeticError, ValueError):
        raise AnswerRejected(_("Enter the score as a number.")) from None
    if not score.is_finite() or score != score.quantize(Decimal("0.01")):
        raise AnswerRejected(_("Enter the score as a number with at most two decimals."))
    if score < 0 or score > points:
        shown = points.to_integral_value() if points == points.to_integral_value() else points.normalize()
        raise AnswerRejected(_("The score must be between 0 and %(points)s.") % {"points": shown})
    if attempt.state != Attempt.State.SUBMITTED:
        raise AttemptClosed(_("Only submitted attempts can be marked."))
    was = {"score": answer.score, "comment": answer.marker_comment, "percent": attempt.percent}
    answer.score = score
    answer.marker_comment = comment
    answer.marked_by = marker
    answer.marked_at = _now(now)
    answer.save(update_fields=["score", "marker_comment", "marked_by", "marked_at"])
    _recompute(attempt)
    attempt.save(update_fields=["score", "max_score", "percent", "passed", "awaiting_marking"])
    _audit_mark(attempt=attempt, answer=answer, marker=marker, was=was)
    _discard_answers_unless_exam_paper(attempt)
    attempt_finished.send(sender=Attempt, attempt=attempt)
    return attempt
