"""Checking one row of a question sheet: the cells every question has, then one small check per kind.

`row_check` reads the common cells (category, question text, kind, points, partial credit, explanation) and
hands the `answers` and `correct` cells to the check of the row's kind (`ANSWER_CHECKS`), which turns them
into answer drafts (and, for true/false, the right value) and reports what does not fit that kind. Every
problem is a RowError with its row number, code and column; the codes are listed in docs/quiz-import.md.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lms.spreadsheets import RowError

from .columns import (
    FALSE_VALUES,
    MAX_ANSWER_CHARS,
    MAX_CHOICES,
    MAX_EXPLANATION_CHARS,
    MAX_NAME_CHARS,
    MAX_POINTS,
    MAX_QUESTION_CHARS,
    NO_VALUES,
    TRUE_VALUES,
    YES_VALUES,
    Kind,
    parse_bool,
    parse_kind,
    parse_points,
    split_answers,
)
from .drafts import AnswerDraft, QuestionDraft, category_cache, name_key, sub_category_cache


@dataclass
class RowPreview:
    """A checked row: the question it would create, where, and its errors."""

    row: int
    category: str
    sub_category: str
    draft: QuestionDraft
    errors: list[RowError] = field(default_factory=list)
    new_category: bool = False
    new_sub_category: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors


class ExistingCategories:
    """The categories and sub-categories already in the bank, matched without regard to case."""

    def __init__(self):
        self.categories = category_cache()
        self.sub_categories = sub_category_cache()

    def has_category(self, name: str) -> bool:
        return name_key(name) in self.categories

    def has_sub_category(self, category: str, name: str) -> bool:
        existing = self.categories.get(name_key(category))
        return existing is not None and (existing.pk, name_key(name)) in self.sub_categories


class RowCheck:
    """The errors found in one row so far."""

    def __init__(self, number: int):
        self.number = number
        self.errors: list[RowError] = []

    def error(self, code: str, message: str, column: str = "") -> None:
        self.errors.append(RowError(self.number, code, message, column))

    def length(self, column: str, value: str, limit: int, label: str) -> None:
        if len(value) > limit:
            message = _("%(label)s is longer than %(max)d characters.") % {"label": label, "max": limit}
            self.error("too_long", message, column)


# --- One check per kind: (check, answers cell split, correct cell) -> (answers, correct_is_true) ---------

KindAnswers = tuple[list[AnswerDraft], bool | None]


def _choices(check: RowCheck, pairs: list[tuple[str, bool]]) -> list[AnswerDraft]:
    """What single and multiple choice share: 2 to MAX_CHOICES choices, none empty, none twice."""
    answers = [AnswerDraft(text=t, correct=c) for t, c in pairs]
    if any(not a.text for a in answers):
        check.error("empty_choice", _("A choice is empty (a “*” with no text)."), "answers")
    if len(answers) < 2:
        check.error("too_few_choices", _("A choice question needs at least 2 choices."), "answers")
    if len(answers) > MAX_CHOICES:
        check.error(
            "too_many_choices",
            _("A question can have at most %(max)d choices.") % {"max": MAX_CHOICES},
            "answers",
        )
    seen = set()
    for answer in answers:
        key = answer.text.casefold()
        if answer.text and key in seen:
            check.error(
                "duplicate_choice",
                _("The choice “%(text)s” is listed twice.") % {"text": answer.text},
                "answers",
            )
        seen.add(key)
    return answers


def _no_correct_cell(check: RowCheck, correct: str, message: str) -> None:
    if correct:
        check.error("correct_not_applicable", message, "correct")


def _single(check: RowCheck, pairs, correct: str) -> KindAnswers:
    answers = _choices(check, pairs)
    n_correct = sum(a.correct for a in answers)
    if n_correct != 1 and len(answers) >= 2:
        check.error(
            "single_needs_one_correct",
            _(
                "A single-choice question needs exactly one correct choice, marked with *; "
                "this row has %(count)d."
            )
            % {"count": n_correct},
            "answers",
        )
    _no_correct_cell(check, correct, _choice_correct_message())
    return answers, None


def _multiple(check: RowCheck, pairs, correct: str) -> KindAnswers:
    answers = _choices(check, pairs)
    if not any(a.correct for a in answers) and len(answers) >= 2:
        check.error(
            "multiple_needs_correct",
            _("A multiple-choice question needs at least one correct choice, marked with *."),
            "answers",
        )
    _no_correct_cell(check, correct, _choice_correct_message())
    return answers, None


def _choice_correct_message() -> str:
    return _("The “correct” column is only for true/false questions: mark correct choices with *.")


def _short(check: RowCheck, pairs, correct: str) -> KindAnswers:
    answers = [AnswerDraft(text=t, correct=True) for t, _starred in pairs if t]
    if not answers:
        check.error(
            "short_needs_answer", _("A short-answer question needs at least one accepted answer."), "answers"
        )
    if len(answers) > MAX_CHOICES:
        check.error(
            "too_many_choices",
            _("A question can have at most %(max)d accepted answers.") % {"max": MAX_CHOICES},
            "answers",
        )
    _no_correct_cell(
        check,
        correct,
        _("The “correct” column is only for true/false questions: list the accepted answers in “answers”."),
    )
    return answers, None


def _true_false(check: RowCheck, pairs, correct: str) -> KindAnswers:
    value = correct
    if not value:
        # "*Đúng | Sai" in the answers column says the same thing.
        starred = [t for t, c in pairs if c]
        value = starred[0] if len(starred) == 1 else ""
    correct_is_true = parse_bool(value, true=TRUE_VALUES, false=FALSE_VALUES) if value else None
    if correct_is_true is None:
        if value:
            message = _("Unknown true/false value “%(value)s”: use true or false (đúng or sai).") % {
                "value": value
            }
        else:
            message = _("A true/false question needs the “correct” column: true or false (đúng or sai).")
        check.error("true_false_value", message, "correct")
    return [], correct_is_true


def _essay(check: RowCheck, pairs, correct: str) -> KindAnswers:
    if pairs:
        check.error(
            "essay_has_answers", _("An essay question takes no answers: leave “answers” empty."), "answers"
        )
    _no_correct_cell(check, correct, _("The “correct” column is only for true/false questions."))
    return [], None


ANSWER_CHECKS: dict[str, Callable[[RowCheck, list, str], KindAnswers]] = {
    Kind.SINGLE: _single,
    Kind.MULTIPLE: _multiple,
    Kind.TRUE_FALSE: _true_false,
    Kind.SHORT: _short,
    Kind.ESSAY: _essay,
}


# --- The row -------------------------------------------------------------------------------------------


def _kind(check: RowCheck, raw_kind: str) -> str | None:
    kind = parse_kind(raw_kind)
    if kind is None:
        if raw_kind:
            message = _(
                "Unknown kind “%(value)s”: use single, multiple, true_false, short or essay "
                "(or một đáp án, nhiều đáp án, đúng/sai, trả lời ngắn, tự luận)."
            ) % {"value": raw_kind}
        else:
            message = _("The kind is empty: use single, multiple, true_false, short or essay.")
        check.error("unknown_kind", message, "kind")
    return kind


def row_check(number: int, cells: dict[str, str], existing: ExistingCategories) -> RowPreview:
    """Check one sheet row (`cells`: column -> text, for the columns the file has)."""
    check = RowCheck(number)
    category = cells.get("category", "")
    sub_category = cells.get("sub_category", "")
    text = cells.get("question", "")
    raw_points = cells.get("points", "")
    raw_partial = cells.get("partial_credit", "")
    explanation = cells.get("explanation", "")

    if not category:
        check.error("missing_category", _("The category is empty."), "category")
    check.length("category", category, MAX_NAME_CHARS, _("The category"))
    check.length("sub_category", sub_category, MAX_NAME_CHARS, _("The sub-category"))
    if not text:
        check.error("missing_question", _("The question text is empty."), "question")
    check.length("question", text, MAX_QUESTION_CHARS, _("The question text"))
    check.length("explanation", explanation, MAX_EXPLANATION_CHARS, _("The explanation"))
    kind = _kind(check, cells.get("kind", ""))
    points = parse_points(raw_points)
    if points is None:
        check.error(
            "bad_points",
            _(
                "Points must be a number greater than 0 and at most %(max)s, with at most two decimals "
                "(found “%(value)s”)."
            )
            % {"max": MAX_POINTS, "value": raw_points},
            "points",
        )
    partial_credit = parse_bool(raw_partial, true=YES_VALUES, false=NO_VALUES)
    if partial_credit is None:
        check.error(
            "bad_partial_credit",
            _("Partial credit must be yes or no (found “%(value)s”).") % {"value": raw_partial},
            "partial_credit",
        )

    pairs = split_answers(cells.get("answers", ""))
    if kind is None:  # nothing to check them against: shown as written
        answers, correct_is_true = [AnswerDraft(text=t, correct=c) for t, c in pairs], None
    else:
        answers, correct_is_true = ANSWER_CHECKS[kind](check, pairs, cells.get("correct", ""))
    for answer in answers:
        check.length("answers", answer.text, MAX_ANSWER_CHARS, _("An answer"))

    draft = QuestionDraft(
        kind=kind or cells.get("kind", ""),
        text=text,
        points=points,
        answers=answers,
        correct_is_true=correct_is_true,
        partial_credit=bool(partial_credit),
        explanation=explanation,
    )
    return RowPreview(
        row=number,
        category=category,
        sub_category=sub_category,
        draft=draft,
        errors=check.errors,
        new_category=bool(category) and not existing.has_category(category),
        new_sub_category=bool(sub_category) and not existing.has_sub_category(category, sub_category),
    )
