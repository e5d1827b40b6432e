"""Reads of learning records. Every function answers in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import router
from django.db.models import Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.db.models.functions import Coalesce

from . import structure
from .models import Enrolment, LessonCompletion


@dataclass(frozen=True)
class CourseProgress:
    enrolment: Enrolment | None
    completed_lesson_ids: frozenset[int] = field(default_factory=frozenset)
    required_total: int = 0
    required_done: int = 0

    @property
    def is_enrolled(self) -> bool:
        return self.enrolment is not None

    @property
    def is_completed(self) -> bool:
        return self.enrolment is not None and self.enrolment.completed_at is not None

    @property
    def percent(self) -> int:
        if self.is_completed:
            return 100
        if not self.required_total:
            return 0
        return min(100, round(100 * self.required_done / self.required_total))


def trained_courses(user) -> QuerySet:
    """The courses this person is the trainer of (a subquery of ids; the course model's `trainer`)."""
    courses = structure.course_model().objects
    if not getattr(user, "is_authenticated", False):
        return courses.none().values("pk")
    return courses.filter(trainer=user).values("pk")


@dataclass(frozen=True)
class EnrolmentRead:
    enrolment: Enrolment | None
    completed_lesson_ids: frozenset[int] = field(default_factory=frozenset)


def enrolment_read(*, user, course_id: int) -> EnrolmentRead:
    """The person's enrolment in the course with the lessons they completed in it, from one query (none for
    an anonymous visitor): the part of `course_progress` that does not need the course's lessons."""
    if not user.is_authenticated:
        return EnrolmentRead(enrolment=None)
    fields = [f.attname for f in Enrolment._meta.concrete_fields]
    rows = list(
        Enrolment.objects.filter(user=user, course_id=course_id)
        .values_list(*fields, "lesson_completions__lesson_id")
        .order_by()
    )
    if not rows:
        return EnrolmentRead(enrolment=None)
    return EnrolmentRead(
        enrolment=Enrolment.from_db(Enrolment.objects.db, fields, rows[0][:-1]),
        completed_lesson_ids=frozenset(row[-1] for row in rows if row[-1] is not None),
    )


def course_progress(*, user, course, lessons=None, read: EnrolmentRead | None = None) -> CourseProgress:
    """The person's progress in one course, from one query: the enrolment joined to its completions (none
    when `read`, that query's `enrolment_read`, is given). `lessons` (the live lessons, already known:
    objects with `pk` and `is_required`) saves a second one."""
    if read is None:
        read = enrolment_read(user=user, course_id=course.pk)
    if read.enrolment is None:
        return CourseProgress(enrolment=None)
    if lessons is None:
        lessons = list(structure.live_lessons(course=course).only("pk", "is_required"))
    completed = read.completed_lesson_ids
    required = [lesson.pk for lesson in lessons if lesson.is_required]
    return CourseProgress(
        enrolment=read.enrolment,
        completed_lesson_ids=completed,
        required_total=len(required),
        required_done=sum(1 for pk in required if pk in completed),
    )


def with_progress(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """The enrolments annotated with required_total and required_done (the course's live required lessons,
    and those of them completed), as subqueries: still one query, whatever the number of enrolments."""
    lesson_model = structure.lesson_model()
    required_total = (
        lesson_model.objects.live()
        .filter(is_required=True, path__startswith=OuterRef("course__path"))
        .order_by()
        .annotate(n=Func("pk", function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    required_done = (
        LessonCompletion.objects.filter(
            enrolment=OuterRef("pk"),
            lesson_id__in=lesson_model.objects.live().filter(is_required=True).values("pk"),
        )
        .order_by()
        .annotate(n=Func("pk", function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    return enrolments.annotate(
        required_total=Coalesce(Subquery(required_total), Value(0)),
        required_done=Coalesce(Subquery(required_done), Value(0)),
    )


def enrolments_with_progress(*, user):
    """The person's enrolments, each annotated with required_total and required_done (one query)."""
    enrolments = Enrolment.objects.filter(user=user, course__live=True)
    return with_progress(enrolments.select_related("course", "last_lesson")).order_by(
        "-last_activity_at", "-enrolled_at"
    )


def progress_percent(enrolment) -> int:
    if enrolment.completed_at is not None:
        return 100
    if not enrolment.required_total:
        return 0
    return min(100, round(100 * enrolment.required_done / enrolment.required_total))


def progress_by_course(*, user, course_ids) -> dict[int, int]:
    """{course id: percent} for the courses among `course_ids` the person is enrolled in."""
    if not user.is_authenticated:
        return {}
    return {
        e.course_id: progress_percent(e)
        for e in enrolments_with_progress(user=user).filter(course_id__in=course_ids)
    }


def next_lesson_to_study(*, enrolment, lessons, completed_ids) -> object | None:
    """Where "Tiếp tục khóa học" goes: the last lesson opened if it is still unfinished, else the next
    unfinished one after it in the outline, else the first unfinished one (a lesson skipped earlier)."""
    ids = [lesson.pk for lesson in lessons]
    start = ids.index(enrolment.last_lesson_id) if enrolment.last_lesson_id in ids else 0
    for lesson in [*lessons[start:], *lessons[:start]]:
        if lesson.pk not in completed_ids:
            return lesson
    by_id = dict(zip(ids, lessons, strict=True))
    return by_id.get(enrolment.last_lesson_id) or (lessons[0] if lessons else None)


def lessons_to_continue(*, enrolments) -> dict[int, object]:
    """{enrolment id: the lesson "Tiếp tục khóa học" opens} (`next_lesson_to_study`) for several courses
    at once: two queries (the live lessons without their bodies, the completions), whatever their number."""
    enrolments = [enrolment for enrolment in enrolments if enrolment.course is not None]
    if not enrolments:
        return {}
    courses = reduce(or_, (Q(path__startswith=enrolment.course.path) for enrolment in enrolments))
    lessons = list(
        structure.lesson_model().objects.live().filter(courses).defer_streamfields().order_by("path")
    )
    done: dict[int, set[int]] = defaultdict(set)
    completions = LessonCompletion.objects.filter(enrolment__in=[e.pk for e in enrolments])
    for enrolment_id, lesson_id in completions.values_list("enrolment_id", "lesson_id"):
        done[enrolment_id].add(lesson_id)
    return {
        enrolment.pk: next_lesson_to_study(
            enrolment=enrolment,
            lessons=[lesson for lesson in lessons if lesson.path.startswith(enrolment.course.path)],
            completed_ids=done[enrolment.pk],
        )
        for enrolment in enrolments
    }


def records_keeping_account(*, user) -> list[str]:
    """The kinds of records that keep an account from being deleted (learning records the platform must
    keep, protected by their foreign keys: xAPI statements, say), named for a person; empty when it may be
    deleted. Walks the deletion the way Django would, so any protection added later counts as well."""
    collector = Collector(using=router.db_for_write(type(user)), origin=user)
    try:
        collector.collect([user])
    except ProtectedError as error:
        blocking = error.protected_objects
    except RestrictedError as error:
        blocking = error.restricted_objects
    else:
        return []
    return sorted({str(obj._meta.verbose_name_plural) for obj in blocking})
