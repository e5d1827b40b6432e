"""Reads of the quiz engine. Nothing here reveals a correct answer unless the review options allow it."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from .bank_cache import attempt_bank
from .models import Attempt, AttemptAnswer, Question, Quiz


@dataclass(frozen=True)
class Grade:
    attempts_used: int
    attempts_left: int | None  # None: unlimited
    percent: Decimal | None  # by the quiz's grading method; None before any submitted attempt
    passed: bool
    in_progress: Attempt | None
    last_submitted: Attempt | None


def quiz_grade(*, user, quiz: Quiz) -> Grade:
    """The person's standing in one quiz, by its grading method (highest, last or average)."""
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("number"))
    submitted = [a for a in attempts if a.state == Attempt.State.SUBMITTED]
    in_progress = next((a for a in attempts if a.state == Attempt.State.IN_PROGRESS), None)
    percent = None
    if submitted:
        if quiz.grading_method == Quiz.Grading.LAST:
            percent = submitted[-1].percent
        elif quiz.grading_method == Quiz.Grading.AVERAGE:
            percent = (sum(a.percent for a in submitted) / len(submitted)).quantize(Decimal("0.01"))
        else:
            percent = max(a.percent for a in submitted)
    limit = quiz.max_attempts
    return Grade(
        attempts_used=len(attempts),
        attempts_left=None if limit is None else max(0, limit - len(attempts)),
        percent=percent,
        passed=percent is not None and percent >= quiz.pass_mark,
        in_progress=in_progress,
        last_submitted=submitted[-1] if submitted else None,
    )


def quizzes_passed(*, user, quiz_ids, since=None) -> set[int]:
    """The quizzes among `quiz_ids` the person has passed, by each quiz's grading method. With `since` (a
    course that must be redone), only the attempts submitted from that moment count. One query: the person's
    submitted attempts at these quizzes, with their quiz (a lesson page asks on every view)."""
    submitted = Attempt.objects.filter(user=user, quiz_id__in=quiz_ids, state=Attempt.State.SUBMITTED)
    if since is not None:
        submitted = submitted.filter(submitted_at__gte=since)
    by_quiz: dict[int, list[Attempt]] = {}
    for attempt in submitted.select_related("quiz").order_by("number"):
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    return {quiz_id for quiz_id, attempts in by_quiz.items() if _passes(attempts[0].quiz, attempts)}


def _passes(quiz: Quiz, submitted: list[Attempt]) -> bool:
    if quiz.grading_method == Quiz.Grading.LAST:
        percent = submitted[-1].percent
    elif quiz.grading_method == Quiz.Grading.AVERAGE:
        percent = (sum(a.percent for a in submitted) / len(submitted)).quantize(Decimal("0.01"))
    else:
        percent = max(a.percent for a in submitted)
    return percent >= quiz.pass_mark


@dataclass(frozen=True)
class QuestionView:
    """What the learner may see of one question while answering: no correct flags, no explanation."""

    number: int
    question: Question
    choices: list  # [(answer id, text)] in the attempt's order
    response: dict | None
    tips: dict = field(default_factory=dict)  # answer id -> hint shown beside the choice

    @property
    def choices_with_tips(self) -> list[tuple[int, str, str]]:
        return [(answer_id, text, self.tips.get(answer_id, "")) for answer_id, text in self.choices]


def attempt_questions(*, attempt: Attempt) -> list[QuestionView]:
    """The attempt's questions in its order, with the learner's saved responses (one query: the questions and
    their choices come from the cached question bank)."""
    questions, choices_by_question = attempt_bank(quiz_id=attempt.quiz_id, question_ids=attempt.question_ids)
    answers_by_question: dict[int, dict[int, str]] = {}
    tips_by_question: dict[int, dict[int, str]] = {}
    for question_id, choices in choices_by_question.items():
        answers_by_question[question_id] = {choice.pk: choice.text for choice in choices}
        tips = {choice.pk: choice.tip for choice in choices if choice.tip}
        if tips:
            tips_by_question[question_id] = tips
    responses = dict(AttemptAnswer.objects.filter(attempt=attempt).values_list("question_id", "response"))
    views = []
    for number, pk in enumerate(attempt.question_ids, start=1):
        question = questions.get(pk)
        if question is None:
            continue
        texts = answers_by_question.get(pk, {})
        order = attempt.answer_orders.get(str(pk), list(texts))
        choices = [(answer_id, texts[answer_id]) for answer_id in order if answer_id in texts]
        has_choices = question.has_choices
        views.append(
            QuestionView(
                number,
                question,
                choices if has_choices else [],
                responses.get(pk),
                tips_by_question.get(pk, {}) if has_choices else {},
            )
        )
    return views


@dataclass(frozen=True)
class ReviewItem:
    number: int
    question: Question
    response: dict | None
    score: Decimal | None
    marker_comment: str
    choices: list  # [(answer id, text, correct or None when hidden)]
    accepted: list[str]  # short answers, when correct answers may be shown
    explanation: str
    choice_feedback: dict = field(default_factory=dict)  # answer id -> feedback, with the explanations

    @property
    def choices_with_feedback(self) -> list[tuple[int, str, bool | None, str]]:
        return [(pk, text, correct, self.choice_feedback.get(pk, "")) for pk, text, correct in self.choices]


def _choice_feedback(answers, chosen) -> dict[int, str]:
    """Each choice's feedback for this response: its "chosen" text if the learner chose it, else its
    "not chosen" text (H5P's tipsAndFeedback). Only choices with a text are in the result."""
    chosen = set(chosen or [])
    feedback = {}
    for answer in answers:
        text = answer.chosen_feedback if answer.pk in chosen else answer.not_chosen_feedback
        if text:
            feedback[answer.pk] = text
    return feedback


def answer_feedback(*, question: Question, response: dict | None) -> list[dict]:
    """The per-choice feedback for an answer just given, in the question's answer order: a list of
    {"choice": text, "feedback": text}. The caller decides whether the quiz's review option allows it."""
    if not question.has_choices:
        return []
    answers = sorted(question.answers.all(), key=lambda a: (a.sort_order or 0, a.pk))
    feedback = _choice_feedback(answers, (response or {}).get("choices"))
    return [{"choice": a.text, "feedback": feedback[a.pk]} for a in answers if a.pk in feedback]


def attempt_review(*, attempt: Attempt) -> list[ReviewItem]:
    """The submitted attempt as the quiz's review option allows the learner to see it."""
    if attempt.state != Attempt.State.SUBMITTED or attempt.quiz.review < Quiz.Review.RESPONSES:
        return []
    show_correct = attempt.quiz.review >= Quiz.Review.CORRECT
    show_explanations = attempt.quiz.review >= Quiz.Review.EXPLANATIONS
    questions = {
        q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("answers")
    }
    given = {a.question_id: a for a in AttemptAnswer.objects.filter(attempt=attempt)}
    items = []
    for number, pk in enumerate(attempt.question_ids, start=1):
        question = questions.get(pk)
        if question is None:
            continue
        answers = {a.pk: a for a in question.answers.all()}
        order = attempt.answer_orders.get(str(pk), list(answers))
        choices = [
            (a.pk, a.text, a.correct if show_correct else None)
            for a in (answers[i] for i in order if i in answers)
        ]
        answer = given.get(pk)
        items.append(
            ReviewItem(
                number=number,
                question=question,
                response=answer.response if answer else None,
                score=answer.score if answer else Decimal("0"),
                marker_comment=answer.marker_comment if answer else "",
                choices=choices if question.has_choices else [],
                accepted=[a.text for a in answers.values() if a.correct]
                if show_correct and question.kind == Question.Kind.SHORT
                else [],
                explanation=question.explanation if show_explanations else "",
                choice_feedback=_choice_feedback(answers.values(), (answer.response or {}).get("choices"))
                if show_explanations and question.has_choices and answer is not None
                else {},
            )
        )
    return items


def category_progress(*, user) -> list[dict]:
    """django_quiz's Progress: per category, points scored out of the points of the questions answered
    in submitted attempts."""
    rows = (
        AttemptAnswer.objects.filter(attempt__user=user, attempt__state=Attempt.State.SUBMITTED)
        .exclude(question__category__isnull=True)
        .values("question__category__name")
        .annotate(
            scored=Coalesce(Sum("score"), Value(Decimal("0")), output_field=DecimalField()),
            possible=Sum("question__points"),
            answered=Count("pk"),
        )
        .order_by("question__category__name")
    )
    return [
        {
            "category": row["question__category__name"],
            "scored": row["scored"],
            "possible": row["possible"],
            "answered": row["answered"],
            "percent": round(100 * row["scored"] / row["possible"]) if row["possible"] else 0,
        }
        for row in rows
    ]


def attempt_history(*, user, limit: int = 20):
    return (
        Attempt.objects.filter(user=user, state=Attempt.State.SUBMITTED)
        .select_related("quiz")
        .order_by("-submitted_at")[:limit]
    )


# --- Essay marking (trainers). Callers check quiz.mark_attempt: these reads show what markers see. ---

MARKING_STATES = ("awaiting", "marked", "all")


def _has_marked_essay():
    return Exists(
        AttemptAnswer.objects.filter(
            attempt=OuterRef("pk"), question__kind=Question.Kind.ESSAY, marked_at__isnull=False
        )
    )


def marking_queue(*, quiz_id=None, learner_query: str = "", state: str = "awaiting") -> QuerySet[Attempt]:
    """Submitted attempts for the marking queue, oldest submission first, each with `unmarked_essays`.

    state "awaiting": essays still to mark; "marked": at least one essay marked; "all": either.
    """
    attempts = attempts_in_marking_state(_marking_candidates(), state)
    if quiz_id:
        attempts = attempts.filter(quiz_id=quiz_id)
    return attempts_of_learner(attempts, learner_query)


def _marking_candidates() -> QuerySet[Attempt]:
    """Every submitted attempt with an essay to mark or marked (the queue's "all"), ready to list."""
    return (
        Attempt.objects.filter(state=Attempt.State.SUBMITTED)
        .filter(Q(awaiting_marking=True) | _has_marked_essay())
        .select_related("quiz", "user")
        .annotate(
            unmarked_essays=Count(
                "answers",
                filter=Q(answers__question__kind=Question.Kind.ESSAY, answers__score__isnull=True),
            )
        )
        .order_by("submitted_at", "pk")
    )


def attempts_in_marking_state(attempts: QuerySet[Attempt], state: str) -> QuerySet[Attempt]:
    """Narrow the queue to one state ("awaiting", "marked" or "all")."""
    if state not in MARKING_STATES:
        raise ValueError(f"Unknown marking state: {state!r}")
    if state == "awaiting":
        return attempts.filter(awaiting_marking=True)
    if state == "marked":
        return attempts.filter(_has_marked_essay())
    return attempts


def attempts_of_learner(attempts: QuerySet[Attempt], query: str) -> QuerySet[Attempt]:
    """Narrow to learners whose name, username or email contains `query` (ignored when blank)."""
    query = (query or "").strip()
    if not query:
        return attempts
    return attempts.filter(
        Q(user__username__icontains=query)
        | Q(user__full_name__icontains=query)
        | Q(user__email__icontains=query)
    )


def awaiting_marking_count() -> int:
    return Attempt.objects.filter(state=Attempt.State.SUBMITTED, awaiting_marking=True).count()


@dataclass(frozen=True)
class MarkingItem:
    """One question of an attempt as the marker sees it: the answer given (None if skipped) and,
    for choice questions, the texts of the chosen answers."""

    number: int
    question: Question
    answer: AttemptAnswer | None
    chosen: list[str]

    @property
    def is_essay(self) -> bool:
        return self.question.kind == Question.Kind.ESSAY

    @property
    def text(self) -> str:
        return (self.answer.response or {}).get("text", "") if self.answer else ""

    @property
    def value(self) -> bool | None:
        return (self.answer.response or {}).get("value") if self.answer else None


def attempt_marking_items(*, attempt: Attempt) -> list[MarkingItem]:
    """Every question of the attempt in its order with the learner's answer (three queries)."""
    questions = {
        q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("answers")
    }
    given = {
        a.question_id: a for a in AttemptAnswer.objects.filter(attempt=attempt).select_related("marked_by")
    }
    items = []
    for number, pk in enumerate(attempt.question_ids, start=1):
        question = questions.get(pk)
        if question is None:
            continue
        answer = given.get(pk)
        chosen = []
        if answer is not None and question.has_choices:
            texts = {a.pk: a.text for a in question.answers.all()}
            chosen = [texts[i] for i in (answer.response or {}).get("choices", []) if i in texts]
        items.append(MarkingItem(number=number, question=question, answer=answer, chosen=chosen))
    return items
