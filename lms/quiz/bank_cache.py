"""A quiz's fixed questions and their choices, read once per version of the question bank and kept in the
cache: on an exam morning a whole city starts the same quiz and opens the same questions (issue 16).

Any saved or deleted quiz, question, choice, placement or draw makes a new version (a new token under one
key), at once and again when its transaction commits, so that no reader caches what it read before the commit
under the new version. Questions drawn at random from a category are read from the database each time (the
pool changes with every question filed in the category). When the cache does not answer, everything is read
from the database, as before.
"""

import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Answer, Question, Quiz, QuizDraw, QuizQuestion

VERSION_KEY = "quiz-bank-version"
TIMEOUT = 6 * 3600


@dataclass(frozen=True)
class Choice:
    pk: int
    text: str
    tip: str


@dataclass(frozen=True)
class QuizBank:
    fixed_ids: list[int]  # the quiz's own questions, in their order
    draws: list[tuple[int, int]]  # (category id, count), in order
    questions: dict[int, Question]  # the fixed questions, with their figure
    choices: dict[int, list[Choice]]  # question id -> its choices in their order (no correct flag)


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY) or version
    return version


def bank_version_bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def questions_read(question_ids) -> tuple[dict[int, Question], dict[int, list[Choice]]]:
    """Questions (with their figure) and their choices in order, from the database (two queries)."""
    questions = {q.pk: q for q in Question.objects.filter(pk__in=question_ids).select_related("figure")}
    choices: dict[int, list[Choice]] = {pk: [] for pk in questions}
    for pk, question_id, text, tip in Answer.objects.filter(question_id__in=question_ids).values_list(
        "pk", "question_id", "text", "tip"
    ):
        choices.setdefault(question_id, []).append(Choice(pk, text, tip))
    return questions, choices


def _bank_read(quiz_id: int) -> QuizBank:
    fixed = list(
        QuizQuestion.objects.filter(quiz_id=quiz_id)
        .order_by("sort_order", "pk")
        .values_list("question_id", flat=True)
    )
    fixed = list(dict.fromkeys(fixed))
    draws = list(
        QuizDraw.objects.filter(quiz_id=quiz_id)
        .order_by("sort_order", "pk")
        .values_list("category_id", "count")
    )
    questions, choices = questions_read(fixed)
    return QuizBank(fixed_ids=fixed, draws=draws, questions=questions, choices=choices)


def quiz_bank(*, quiz_id: int) -> QuizBank:
    """The quiz's fixed questions and draws: from the cache, or read (four queries) and kept."""
    key = f"quiz-bank:{_version()}:{quiz_id}"
    bank = cache.get(key)
    if bank is None:
        bank = _bank_read(quiz_id)
        cache.set(key, bank, TIMEOUT)
    return bank


def attempt_bank(*, quiz_id: int, question_ids) -> tuple[dict[int, Question], dict[int, list[Choice]]]:
    """An attempt's questions and choices: the quiz's own from the cache, any other (drawn at random, or
    taken out of the quiz since the attempt started) read from the database."""
    bank = quiz_bank(quiz_id=quiz_id)
    questions, choices = dict(bank.questions), dict(bank.choices)
    missing = [pk for pk in question_ids if pk not in questions]
    if missing:
        more_questions, more_choices = questions_read(missing)
        questions.update(more_questions)
        choices.update(more_choices)
    return questions, choices


@receiver([post_save, post_delete], sender=Quiz, dispatch_uid="quiz_bank_quiz")
@receiver([post_save, post_delete], sender=Question, dispatch_uid="quiz_bank_question")
@receiver([post_save, post_delete], sender=Answer, dispatch_uid="quiz_bank_answer")
@receiver([post_save, post_delete], sender=QuizQuestion, dispatch_uid="quiz_bank_placement")
@receiver([post_save, post_delete], sender=QuizDraw, dispatch_uid="quiz_bank_draw")
def _bank_changed(**kwargs) -> None:
    bank_version_bump()
    transaction.on_commit(bank_version_bump)
