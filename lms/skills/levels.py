"""A person's level in each competence, computed from their evidence: the one service that decides it.

Evidence (`models.Evidence`, linked by trainers) is checked against what the platform recorded of the
person, one query per kind whatever the number of links:
- a course completed (the enrolment's `completed_at`), a lesson completed (a `LessonCompletion`);
- an H5P activity passed at least once (`Result.ever_passed`);
- questions of a category: in one submitted attempt, the share of that category's questions answered with
  full marks is at least the link's threshold ("8/10 câu"); the best attempt counts;
- one question answered with full marks in a submitted attempt;
- a rating by a trainer or HR officer, with their note.
The level is the highest one shown by any of them; each satisfied item is kept with the row, best first,
so the page can say why ("Mức 3 — Khá: đạt 8/10 câu về An toàn thông tin trong bài kiểm tra … ngày …").
Archived competences and evidence whose source was deleted are not counted. Recomputing is idempotent:
it rewrites the person's rows from scratch, so a repeated or concurrent run leaves the same result.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lms.dates import date_vn, local_date
from lms.h5p.models import Result
from lms.learning.models import Enrolment, LessonCompletion
from lms.quiz.models import AttemptAnswer

from .models import Evidence, PersonLevel, Rating


@dataclass(frozen=True)
class Shown:
    """One satisfied piece of evidence: the level it shows, what it is, and when."""

    level: int
    kind: str
    source: str
    at: str  # ISO date of the event
    correct: int = 0
    total: int = 0
    quiz: str = ""
    rated_by: str = ""
    note: str = ""

    def as_json(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if value not in ("", 0) or key == "level"}


def _day(moment) -> str:
    return local_date(moment).isoformat()


def _counted_evidence() -> list[Evidence]:
    return list(
        Evidence.objects.filter(competency__archived_at__isnull=True)
        .exclude(page__isnull=True, category__isnull=True, question__isnull=True, activity__isnull=True)
        .select_related("page", "category", "question", "activity")
        .order_by("id")
    )


def _category_results(user_id: int, category_ids: set[int], question_ids: set[int]):
    """Per submitted attempt: (category → [correct, total]) and the questions answered with full marks."""
    if not category_ids and not question_ids:
        return {}, {}
    rows = AttemptAnswer.objects.filter(
        Q(question__category_id__in=category_ids) | Q(question_id__in=question_ids),
        attempt__user_id=user_id,
        attempt__state="submitted",
        score__isnull=False,
    ).values_list(
        "attempt_id",
        "attempt__quiz__title",
        "attempt__submitted_at",
        "question_id",
        "question__category_id",
        "score",
        "question__points",
    )
    per_attempt: dict[int, dict] = {}
    correct_questions: dict[int, tuple] = {}
    for attempt_id, quiz, submitted_at, question_id, category_id, score, points in rows:
        full = score >= points
        attempt = per_attempt.setdefault(attempt_id, {"quiz": quiz, "at": submitted_at, "categories": {}})
        counts = attempt["categories"].setdefault(category_id, [0, 0])
        counts[1] += 1
        if full:
            counts[0] += 1
            correct_questions.setdefault(question_id, (quiz, submitted_at))
    return per_attempt, correct_questions


def person_evidence(user_id: int, evidence: list[Evidence] | None = None) -> dict[int, list[Shown]]:
    """competence id → what the person's record shows for it, highest level first."""
    evidence = _counted_evidence() if evidence is None else evidence
    by_kind: dict[str, list[Evidence]] = defaultdict(list)
    for item in evidence:
        by_kind[item.kind].append(item)
    K = Evidence.Kind
    courses = {}
    if by_kind[K.COURSE]:
        courses = dict(
            Enrolment.objects.filter(
                user_id=user_id,
                completed_at__isnull=False,
                course_id__in={e.page_id for e in by_kind[K.COURSE]},
            ).values_list("course_id", "completed_at")
        )
    lessons = {}
    if by_kind[K.LESSON]:
        lessons = dict(
            LessonCompletion.objects.filter(
                enrolment__user_id=user_id, lesson_id__in={e.page_id for e in by_kind[K.LESSON]}
            ).values_list("lesson_id", "completed_at")
        )
    activities = {}
    if by_kind[K.ACTIVITY]:
        activities = {
            activity_id: first or updated
            for activity_id, first, updated in Result.objects.filter(
                user_id=user_id,
                ever_passed=True,
                activity_id__in={e.activity_id for e in by_kind[K.ACTIVITY]},
            ).values_list("activity_id", "first_completed_at", "updated_at")
        }
    per_attempt, correct_questions = _category_results(
        user_id, {e.category_id for e in by_kind[K.CATEGORY]}, {e.question_id for e in by_kind[K.QUESTION]}
    )

    shown: dict[int, list[Shown]] = defaultdict(list)
    for item in by_kind[K.COURSE]:
        if item.page_id in courses:
            shown[item.competency_id].append(
                Shown(item.level, item.kind, item.page.title, _day(courses[item.page_id]))
            )
    for item in by_kind[K.LESSON]:
        if item.page_id in lessons:
            shown[item.competency_id].append(
                Shown(item.level, item.kind, item.page.title, _day(lessons[item.page_id]))
            )
    for item in by_kind[K.ACTIVITY]:
        if item.activity_id in activities:
            shown[item.competency_id].append(
                Shown(item.level, item.kind, item.activity.title, _day(activities[item.activity_id]))
            )
    for item in by_kind[K.QUESTION]:
        if item.question_id in correct_questions:
            quiz, at = correct_questions[item.question_id]
            shown[item.competency_id].append(
                Shown(item.level, item.kind, item.question.text[:120], _day(at), quiz=quiz)
            )
    for item in by_kind[K.CATEGORY]:
        best = None
        for attempt in per_attempt.values():
            correct, total = attempt["categories"].get(item.category_id, (0, 0))
            enough = total and Decimal(correct) * 100 >= Decimal(item.threshold) * total
            if enough and (best is None or (correct / total, attempt["at"]) > (best[0] / best[1], best[3])):
                best = (correct, total, attempt["quiz"], attempt["at"])
        if best is not None:
            correct, total, quiz, at = best
            shown[item.competency_id].append(
                Shown(
                    item.level,
                    item.kind,
                    item.category.name,
                    _day(at),
                    correct=correct,
                    total=total,
                    quiz=quiz,
                )
            )
    for rating in Rating.objects.filter(user_id=user_id, competency__archived_at__isnull=True).select_related(
        "rated_by"
    ):
        shown[rating.competency_id].append(
            Shown(
                rating.level,
                "rating",
                "",
                _day(rating.rated_at),
                rated_by=rating.rated_by.get_full_name(),
                note=rating.note[:500],
            )
        )
    for items in shown.values():
        items.sort(key=lambda s: (-s.level, s.at), reverse=False)
    return shown


@transaction.atomic
def person_levels_recompute(*, user_id: int, evidence: list[Evidence] | None = None) -> dict[int, int]:
    """Rewrite the person's levels from their evidence; returns competence id → level (levels ≥ 1 only)."""
    shown = person_evidence(user_id, evidence)
    levels = {competency_id: items[0].level for competency_id, items in shown.items() if items}
    existing = {
        row.competency_id: row for row in PersonLevel.objects.select_for_update().filter(user_id=user_id)
    }
    PersonLevel.objects.filter(user_id=user_id).exclude(competency_id__in=levels).delete()
    changed, created = [], []
    for competency_id, level in levels.items():
        items = [s.as_json() for s in shown[competency_id]]
        row = existing.get(competency_id)
        if row is None:
            created.append(
                PersonLevel(user_id=user_id, competency_id=competency_id, level=level, evidence=items)
            )
        elif row.level != level or row.evidence != items:
            row.level, row.evidence = level, items
            changed.append(row)
    PersonLevel.objects.bulk_create(created, ignore_conflicts=True)
    PersonLevel.objects.bulk_update(changed, ["level", "evidence", "computed_at"])
    return levels


def evidence_text(item: dict) -> str:
    """One satisfied piece of evidence in words, e.g. "đạt 8/10 câu về An toàn thông tin trong bài …"."""
    kind = item.get("kind")
    day = date_vn(date.fromisoformat(item["at"])) if item.get("at") else ""
    values = {"source": item.get("source", ""), "date": day, "quiz": item.get("quiz", "")}
    if kind == Evidence.Kind.CATEGORY:
        values.update(correct=item.get("correct", 0), total=item.get("total", 0))
        return (
            _(
                "answered %(correct)d/%(total)d questions on %(source)s correctly "
                "in the quiz “%(quiz)s” on %(date)s"
            )
            % values
        )
    if kind == Evidence.Kind.QUESTION:
        return _("answered the question “%(source)s” correctly in the quiz “%(quiz)s” on %(date)s") % values
    if kind == Evidence.Kind.COURSE:
        return _("completed the course “%(source)s” on %(date)s") % values
    if kind == Evidence.Kind.LESSON:
        return _("completed the lesson “%(source)s” on %(date)s") % values
    if kind == Evidence.Kind.ACTIVITY:
        return _("passed the activity “%(source)s” on %(date)s") % values
    values.update(rated_by=item.get("rated_by", ""), note=item.get("note", ""))
    return _("rated by %(rated_by)s on %(date)s: %(note)s") % values
