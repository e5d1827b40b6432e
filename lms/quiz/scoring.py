"""Scoring of one response to one question. Pure functions: the server is the only place scores are made."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from lms.text import squash_spaces, strip_diacritics

from .models import Question

MAX_TEXT_LENGTH = 10_000


class InvalidResponse(ValueError):
    """The response does not fit the question (tampered ids, wrong shape, too long)."""


@dataclass(frozen=True)
class Scored:
    score: Decimal | None  # None: waits for a marker (essays)
    response: dict


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _choice_ids(raw, allowed: set[int]) -> list[int]:
    values = raw if isinstance(raw, list) else [raw]
    ids = []
    for value in values:
        try:
            choice = int(value)
        except (TypeError, ValueError):
            raise InvalidResponse(_("This choice does not belong to the question.")) from None
        if choice not in allowed:
            raise InvalidResponse(_("This choice does not belong to the question."))
        if choice not in ids:
            ids.append(choice)
    return ids


def normalise_short_answer(text: str, *, case_sensitive: bool, ignore_diacritics: bool) -> str:
    text = squash_spaces(text)
    if ignore_diacritics:
        text = strip_diacritics(text)
    return text if case_sensitive else text.casefold()


def score_response(question: Question, answers: list, raw) -> Scored:
    """Score `raw` (what the browser sent) against `question` and its `answers` (already loaded)."""
    points = question.points
    kind = question.kind
    if kind == Question.Kind.SINGLE:
        (choice,) = _choice_ids(raw, {a.pk for a in answers}) or [None]
        if choice is None:
            raise InvalidResponse(_("Choose one answer."))
        correct = {a.pk for a in answers if a.correct}
        return Scored(points if choice in correct else Decimal("0"), {"choices": [choice]})
    if kind == Question.Kind.MULTIPLE:
        chosen = set(_choice_ids(raw, {a.pk for a in answers}))
        correct = {a.pk for a in answers if a.correct}
        if not chosen:
            raise InvalidResponse(_("Choose at least one answer."))
        if not question.partial_credit:
            score = points if chosen == correct else Decimal("0")
        else:
            right = len(chosen & correct)
            wrong = len(chosen - correct)
            share = Decimal(max(0, right - wrong)) / Decimal(max(1, len(correct)))
            score = _quantize(points * share)
        return Scored(score, {"choices": sorted(chosen)})
    if kind == Question.Kind.TRUE_FALSE:
        if raw not in (True, False, "true", "false"):
            raise InvalidResponse(_("Answer true or false."))
        value = raw in (True, "true")
        return Scored(points if value == question.correct_is_true else Decimal("0"), {"value": value})
    if not isinstance(raw, str):
        raise InvalidResponse(_("Write your answer as text."))
    if len(raw) > MAX_TEXT_LENGTH:
        raise InvalidResponse(_("The answer is too long."))
    if kind == Question.Kind.SHORT:
        options = {"case_sensitive": question.case_sensitive, "ignore_diacritics": question.ignore_diacritics}
        given = normalise_short_answer(raw, **options)
        accepted = {normalise_short_answer(a.text, **options) for a in answers if a.correct}
        return Scored(points if given and given in accepted else Decimal("0"), {"text": raw.strip()})
    if kind == Question.Kind.ESSAY:
        return Scored(None, {"text": raw.strip()})
    raise InvalidResponse(_("Unknown question kind."))
