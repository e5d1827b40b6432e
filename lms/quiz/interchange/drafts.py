"""Questions read from a file (a sheet row, an H5P content) and how they are written into the bank.

Categories and sub-categories are matched by name without regard to case (in Python: SQLite's
case-insensitive lookups fold ASCII letters only, not "Ô" and "ô") and created when missing.
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from wagtail.models import ReferenceIndex
from wagtail.tasks import update_reference_index_task

from ..models import Answer, Category, Question, SubCategory
from .columns import Kind


@dataclass(frozen=True)
class AnswerDraft:
    text: str
    correct: bool
    tip: str = ""
    chosen_feedback: str = ""
    not_chosen_feedback: str = ""


@dataclass
class QuestionDraft:
    """A question read from a file, before it is written."""

    kind: str
    text: str
    points: Decimal | None = Decimal("1")
    answers: list[AnswerDraft] = field(default_factory=list)
    correct_is_true: bool | None = None
    partial_credit: bool = False
    explanation: str = ""
    answer_order: str = Question.AnswerOrder.AS_WRITTEN

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label if self.kind in Kind.values else self.kind


# --- Categories -----------------------------------------------------------------------------------------


def name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip().casefold()


def category_cache() -> dict[str, Category]:
    cache: dict[str, Category] = {}
    for category in Category.objects.order_by("pk"):
        cache.setdefault(name_key(category.name), category)
    return cache


def sub_category_cache() -> dict[tuple[int, str], SubCategory]:
    cache: dict[tuple[int, str], SubCategory] = {}
    for sub in SubCategory.objects.order_by("pk"):
        cache.setdefault((sub.category_id, name_key(sub.name)), sub)
    return cache


def category_find(*, name: str) -> Category | None:
    """The category with this name, ignoring case (as imports match them)."""
    return category_cache().get(name_key(name))


def category_for(name: str, cache: dict) -> Category:
    """The category of this name from the cache, created (and cached) if there is none."""
    key = name_key(name)
    if key not in cache:
        category = Category(name=name)
        category.full_clean()
        category.save()
        cache[key] = category
    return cache[key]


def sub_category_for(category: Category, name: str, cache: dict) -> SubCategory:
    key = (category.pk, name_key(name))
    if key not in cache:
        sub = SubCategory(category=category, name=name)
        sub.full_clean()
        sub.save()
        cache[key] = sub
    return cache[key]


# --- Questions ------------------------------------------------------------------------------------------


def _question_build(
    draft: QuestionDraft, *, category: Category, sub_category: SubCategory | None
) -> Question:
    question = Question(
        kind=draft.kind,
        category=category,
        sub_category=sub_category,
        text=draft.text,
        points=draft.points or Decimal("1"),
        partial_credit=draft.partial_credit,
        correct_is_true=draft.correct_is_true if draft.kind == Kind.TRUE_FALSE else None,
        explanation=draft.explanation,
        answer_order=draft.answer_order,
    )
    # The drafts are checked already; the database constraints still guard points and true/false.
    question.full_clean(
        exclude=["category", "sub_category", "figure"], validate_unique=False, validate_constraints=False
    )
    return question


def questions_create(items: list[tuple[QuestionDraft, Category, SubCategory | None]]) -> list[Question]:
    """Insert in bulk (thousands of rows in a second, not a long write lock), inside the caller's transaction.

    bulk_create sends no post_save, so Wagtail's reference index (which questions use which categories) is
    updated the way its own signal handler does it, once the transaction has committed.
    """
    questions = [
        _question_build(draft, category=category, sub_category=sub) for draft, category, sub in items
    ]
    Question.objects.bulk_create(questions, batch_size=500)
    Answer.objects.bulk_create(
        (
            Answer(
                question=question,
                text=answer.text,
                correct=answer.correct,
                tip=answer.tip,
                chosen_feedback=answer.chosen_feedback,
                not_chosen_feedback=answer.not_chosen_feedback,
                sort_order=index,
            )
            for question, (draft, _category, _sub) in zip(questions, items, strict=True)
            for index, answer in enumerate(draft.answers)
        ),
        batch_size=1000,
    )
    pks = [question.pk for question in questions]
    transaction.on_commit(lambda: reference_index_update(Question, pks))
    return questions


def reference_index_update(model, pks) -> None:
    """What Wagtail's own post_save handler does, for rows written without post_save (bulk_create)."""
    if ReferenceIndex.is_indexed(model):
        for pk in pks:
            update_reference_index_task.enqueue(model._meta.app_label, model._meta.model_name, str(pk))
