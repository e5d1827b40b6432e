"""A person's level in each competence, computed from their evidence: the one service that decides it.

Evidence (`models.Evidence`, linked by trainers) is checked against what the platform recorded of the
person, one query per kind whatever the number of links:
- a course completed (the enrolment's `completed_at`), a lesson completed (a `LessonCompletion`);
- an H5P activity passed at least once (`Result.ever_passed`);
- questions of a category: in one submitted attempt, the share of that category's questions answered with
  full marks (unanswered ones count as wrong) is at least the link's threshold ("8/10 câu"); the best
  attempt counts; read from the attempt's `AttemptTally`, kept when it finished;
- one question answered with full marks in a submitted attempt (its tally);
- a rating by a trainer or HR officer, with their note.
The level is the highest one shown by any of them; each satisfied item is kept with the row, best first,
so the page can say why ("Mức 3 — Khá: đạt 8/10 câu về An toàn thông tin trong bài kiểm tra … ngày …").
Archived competences and evidence whose source was deleted are not counted. Recomputing is idempotent:
it computes the person's rows from scratch and writes those that differ, so a repeated or concurrent run
leaves the same result.
"""

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.cache import version_bump, version_current
from lms.dates import date_vn, local_date
from lms.h5p.models import Result
from lms.learning.models import Enrolment, LessonCompletion
from lms.quiz.models import Question

from .models import AttemptTally, Evidence, PersonLevel, Rating


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
    rated_as: str = ""  # Rating.RatedAs: "hr" or "trainer"
    course: str = ""  # the course a trainer rated from
    note: str = ""

    def as_json(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if value not in ("", 0) or key == "level"}


def _day(moment) -> str:
    return local_date(moment).isoformat()


# The evidence links that count, kept in each process for the version in the cache that `evidence_changed`
# replaces whenever a link, a competence or a linked source changes (receivers.py, services.py): a
# recomputation then reads no links. A title changed behind the signals' back (a bulk update) shows in the
# reasons after at most EVIDENCE_KEPT_SECONDS; the levels never depend on titles.
EVIDENCE_VERSION_KEY = "skills:evidence-version"
EVIDENCE_KEPT_SECONDS = 600
_kept: dict = {}


def counted_evidence() -> list[Evidence]:
    """The links that count (competence not archived, source not deleted), with their sources."""
    version = version_current(EVIDENCE_VERSION_KEY)  # read before the links: a change after it bumps it
    if (
        version is not None
        and _kept.get("version") == version
        and time.monotonic() - _kept["at"] < EVIDENCE_KEPT_SECONDS
    ):
        return _kept["evidence"]
    evidence = list(
        Evidence.objects.filter(competency__archived_at__isnull=True)
        .exclude(page__isnull=True, category__isnull=True, question__isnull=True, activity__isnull=True)
        .select_related("page", "category", "question", "activity")
        .order_by("id")
    )
    if version is not None:
        _kept.update(version=version, evidence=evidence, at=time.monotonic())
    return evidence


def evidence_changed() -> None:
    """A link, a competence or a linked source changed: every process reads the links again (now, and after
    the commit, so that a read between the two does not keep the old ones)."""
    version_bump(EVIDENCE_VERSION_KEY)


def attempt_tally_record(*, attempt) -> AttemptTally | None:
    """Keep what a submitted attempt showed per category and question (called when it finishes, before a
    quiz that keeps no exam paper discards the answers). A question left unanswered counts as wrong; an
    essay still awaiting marking is not yet right."""
    if attempt.state != "submitted":
        return None
    questions = Question.objects.filter(pk__in=attempt.question_ids)
    questions = questions.values_list("pk", "category_id", "points")
    scores = dict(attempt.answers.values_list("question_id", "score"))
    categories: dict[str, list[int]] = {}
    correct = []
    for question_id, category_id, points in questions:
        right = scores.get(question_id) is not None and scores[question_id] >= points
        if right:
            correct.append(question_id)
        if category_id is not None:
            counts = categories.setdefault(str(category_id), [0, 0])
            counts[0] += right
            counts[1] += 1
    tally, _created = AttemptTally.objects.update_or_create(
        attempt=attempt,
        defaults={
            "user_id": attempt.user_id,
            "quiz_title": attempt.quiz.title[:255],
            "submitted_at": attempt.submitted_at,
            "categories": categories,
            "correct_questions": sorted(correct),
        },
    )
    return tally


def person_evidence(user_id: int, evidence: list[Evidence] | None = None) -> dict[int, list[Shown]]:
    """competence id → what the person's record shows for it, highest level first."""
    evidence = counted_evidence() if evidence is None else evidence
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
    tallies = []
    if by_kind[K.CATEGORY] or by_kind[K.QUESTION]:
        tallies = list(
            AttemptTally.objects.filter(user_id=user_id).values_list(
                "quiz_title", "submitted_at", "categories", "correct_questions"
            )
        )
    correct_questions: dict[int, tuple] = {}
    for quiz, submitted_at, _categories, correct in sorted(tallies, key=lambda t: t[1]):
        for question_id in correct:
            correct_questions.setdefault(question_id, (quiz, submitted_at))

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
        for quiz, submitted_at, categories, _correct in tallies:
            correct, total = categories.get(str(item.category_id), (0, 0))
            enough = total and Decimal(correct) * 100 >= Decimal(item.threshold) * total
            if enough and (best is None or (correct / total, submitted_at) > (best[0] / best[1], best[3])):
                best = (correct, total, quiz, submitted_at)
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
        "rated_by", "course"
    ):
        shown[rating.competency_id].append(
            Shown(
                rating.level,
                "rating",
                "",
                _day(rating.rated_at),
                rated_by=rating.rated_by.get_full_name(),
                rated_as=rating.rated_as,
                course=rating.course.title if rating.course else "",
                note=rating.note[:500],
            )
        )
    for items in shown.values():
        items.sort(key=lambda s: (-s.level, s.at), reverse=False)
    return shown


def person_levels_recompute(*, user_id: int, evidence: list[Evidence] | None = None) -> dict[int, int]:
    """Rewrite the person's levels from their evidence; returns competence id → level (levels ≥ 1 only).

    Only what changed is written, in one transaction: the rows no longer shown deleted, the new and changed
    ones upserted in one statement (the person and competence are unique, so a concurrent run of the same
    person writes the same rows, the later one last). Nothing changed: nothing is written or locked."""
    shown = person_evidence(user_id, evidence)
    levels = {competency_id: items[0].level for competency_id, items in shown.items() if items}
    rows = PersonLevel.objects.filter(user_id=user_id).only("id", "competency_id", "level", "evidence")
    existing = {row.competency_id: row for row in rows}
    stale = [row.pk for competency_id, row in existing.items() if competency_id not in levels]
    now = timezone.now()
    rows = []
    for competency_id, level in levels.items():
        items = [s.as_json() for s in shown[competency_id]]
        row = existing.get(competency_id)
        if row is None or row.level != level or row.evidence != items:
            rows.append(
                PersonLevel(
                    user_id=user_id, competency_id=competency_id, level=level, evidence=items, computed_at=now
                )
            )
    if stale or rows:
        with transaction.atomic():
            if stale:
                PersonLevel.objects.filter(pk__in=stale).delete()
            PersonLevel.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["user", "competency"],
                update_fields=["level", "evidence", "computed_at"],
            )
    return levels


def people_with_evidence(evidence: Evidence) -> set[int]:
    """The people whose levels a link may change: those its source counts for, and those with a level in
    its competence (a link removed or changed may lower theirs)."""
    K = Evidence.Kind
    people = set(
        PersonLevel.objects.filter(competency_id=evidence.competency_id).values_list("user_id", flat=True)
    )
    if evidence.kind == K.COURSE and evidence.page_id:
        people |= set(
            Enrolment.objects.filter(course_id=evidence.page_id, completed_at__isnull=False).values_list(
                "user_id", flat=True
            )
        )
    elif evidence.kind == K.LESSON and evidence.page_id:
        people |= set(
            LessonCompletion.objects.filter(lesson_id=evidence.page_id).values_list(
                "enrolment__user_id", flat=True
            )
        )
    elif evidence.kind == K.ACTIVITY and evidence.activity_id:
        people |= set(
            Result.objects.filter(activity_id=evidence.activity_id, ever_passed=True).values_list(
                "user_id", flat=True
            )
        )
    elif evidence.kind == K.CATEGORY and evidence.category_id:
        people |= set(
            AttemptTally.objects.filter(categories__has_key=str(evidence.category_id)).values_list(
                "user_id", flat=True
            )
        )
    elif evidence.kind == K.QUESTION and evidence.question_id:
        # Attempts of the quizzes that hold the question (a JSON "contains" lookup is not on SQLite).
        people |= set(
            AttemptTally.objects.filter(
                attempt__quiz__quiz_questions__question_id=evidence.question_id
            ).values_list("user_id", flat=True)
        )
    return people


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
    values.update(rated_by=item.get("rated_by", ""), note=item.get("note", ""), course=item.get("course", ""))
    if item.get("rated_as") == Rating.RatedAs.TRAINER:
        if values["course"]:
            text = _("rated by %(rated_by)s, trainer of the course “%(course)s”, on %(date)s: %(note)s")
            return text % values
        return _("rated by %(rated_by)s (trainer) on %(date)s: %(note)s") % values
    if item.get("rated_as") == Rating.RatedAs.HR:
        return _("rated by %(rated_by)s (HR) on %(date)s: %(note)s") % values
    return _("rated by %(rated_by)s on %(date)s: %(note)s") % values
