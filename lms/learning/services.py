"""Writes to learning records. Every progress event goes through `progress_record`."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.errors import UserError

from . import structure
from .models import Enrolment, LessonCompletion, LessonRequirement
from .requirements import Requirement, all_met, requirements_met
from .signals import course_completed, enrolment_started


class LearningError(UserError):
    """A request the learning rules refuse; the message is shown to the person."""


class CourseNotAvailable(LearningError):
    status = 404


class NotEnrolled(LearningError):
    status = 403


class ProgressNotAccepted(LearningError):
    status = 409


@dataclass(frozen=True)
class ProgressResult:
    enrolment: Enrolment
    lesson_completed: bool
    lesson_newly_completed: bool
    course_newly_completed: bool


def enrolment_create(*, user, course, source: str = Enrolment.Source.SELF) -> tuple[Enrolment, bool]:
    """Enrol a person in a live course. Enrolling again returns the existing enrolment."""
    course_model = structure.course_model()
    if not course_model.objects.live().filter(pk=course.pk).exists():
        raise CourseNotAvailable(_("This course is not open for enrolment."))
    existing = Enrolment.objects.filter(user=user, course_id=course.pk).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return Enrolment.objects.create(user=user, course_id=course.pk, source=source), True
    except IntegrityError:
        # A concurrent request enrolled the same person first.
        return Enrolment.objects.get(user=user, course_id=course.pk), False


def enrolment_for_lesson(*, user, lesson) -> Enrolment:
    # One query when the person is enrolled (every start of an exam morning); two more to say why not.
    enrolment = Enrolment.objects.filter(
        user=user, course__path__in=structure.ancestor_paths(lesson), course__live=True
    ).first()
    if enrolment is not None:
        return enrolment
    course = structure.course_of(lesson)
    if course is None:
        raise CourseNotAvailable(_("This lesson does not belong to a published course."))
    enrolment = Enrolment.objects.filter(user=user, course_id=course.pk).first()
    if enrolment is None:
        raise NotEnrolled(_("Enrol in the course first to study this lesson."))
    return enrolment


def enrolment_in_course(*, user, course_id: int) -> Enrolment:
    """`enrolment_for_lesson` when the course is known already (the requirement index names each lesson's
    course): one query, and one more only to say why there is none."""
    enrolment = Enrolment.objects.filter(user=user, course_id=course_id, course__live=True).first()
    if enrolment is not None:
        return enrolment
    if not structure.course_model().objects.live().filter(pk=course_id).exists():
        raise CourseNotAvailable(_("This lesson does not belong to a published course."))
    raise NotEnrolled(_("Enrol in the course first to study this lesson."))


def enrolments_ensure(*, user_ids, course, source: str = Enrolment.Source.ASSIGNMENT) -> int:
    """Enrol many people in a course at once (assignments). Existing enrolments stay as they are.

    Returns the number of new enrolments. A fixed number of queries whatever the number of people.
    """
    user_ids = set(user_ids)
    existing = set(
        Enrolment.objects.filter(course_id=course.pk, user_id__in=user_ids).values_list("user_id", flat=True)
    )
    new = [Enrolment(user_id=uid, course_id=course.pk, source=source) for uid in sorted(user_ids - existing)]
    Enrolment.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
    return len(new)


@transaction.atomic
def enrolment_restart(*, enrolment: Enrolment, redo_from: datetime | None = None) -> None:
    """Start a course again: lesson completions and the completion time are cleared so the course can be
    completed anew. With `redo_from` (a recertification cycle), only quiz attempts and H5P statements from
    that moment count toward the lessons; without it (a completion taken back), earlier results are kept and
    a lesson whose requirements they still meet completes again when the person opens it."""
    LessonCompletion.objects.filter(enrolment=enrolment).delete()
    changes = {"completed_at": None, "completion_announced_at": None, "last_activity_at": None}
    if redo_from is not None:
        changes["cycle_started_at"] = redo_from
    Enrolment.objects.filter(pk=enrolment.pk).update(**changes)
    enrolment.refresh_from_db()


def _activity_mark(*, enrolment: Enrolment, lesson_id: int) -> None:
    """Remember the last lesson opened; the first activity in an enrolment announces `enrolment_started`."""
    now = timezone.now()
    first = Enrolment.objects.filter(pk=enrolment.pk, last_activity_at__isnull=True).update(
        last_lesson_id=lesson_id, last_activity_at=now
    )
    if first:
        enrolment_started.send(sender=Enrolment, enrolment=enrolment)
    else:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson_id=lesson_id, last_activity_at=now)


# A lesson view records "last lesson" and "last activity" at most this often per enrolment, so that reading
# pages does not write (and commit) on every GET. Marking a lesson complete records them at once.
TOUCH_INTERVAL = timedelta(minutes=5)


def enrolment_touch(*, enrolment: Enrolment, lesson) -> bool:
    """Remember the last lesson opened, for "continue where you left off": the first view in an enrolment,
    then at most once per TOUCH_INTERVAL. Decided from the enrolment as loaded, so a view in between costs
    no query. Returns whether it wrote."""
    last = enrolment.last_activity_at
    now = timezone.now()
    if last is not None and now - last < TOUCH_INTERVAL:
        return False
    if last is None:
        _activity_mark(enrolment=enrolment, lesson_id=lesson.pk)
    else:
        # Conditional, so that concurrent views of the same enrolment write once.
        Enrolment.objects.filter(pk=enrolment.pk, last_activity_at__lt=now - TOUCH_INTERVAL).update(
            last_lesson_id=lesson.pk, last_activity_at=now
        )
    return True


@transaction.atomic
def progress_record(*, user, lesson, source: str) -> ProgressResult:
    """Record one progress event on a lesson and decide lesson and course completion.

    The lesson decides which sources complete it (`accepts_progress`): a plain lesson accepts
    "marked as complete"; later rules add passed quizzes and completed H5P activities.
    The course completes when every required, published lesson is complete; its completion time
    is written by one conditional UPDATE, so it is recorded exactly once even under concurrency.
    """
    lesson_model = structure.lesson_model()
    if not isinstance(lesson, lesson_model) or not lesson.live:
        raise CourseNotAvailable(_("This lesson is not published."))
    enrolment = enrolment_for_lesson(user=user, lesson=lesson)
    if not lesson.accepts_progress(user=user, source=source, since=enrolment.cycle_started_at):
        if source == LessonCompletion.Source.MANUAL:
            raise ProgressNotAccepted(_("This lesson is completed by its activity, not by marking it."))
        raise ProgressNotAccepted(_("The activities of this lesson are not all completed yet."))

    _completion, lesson_newly_completed = LessonCompletion.objects.get_or_create(
        enrolment=enrolment, lesson_id=lesson.pk, defaults={"source": source}
    )
    course_newly_completed = False
    if lesson_newly_completed and enrolment.completed_at is None:
        course_newly_completed = _course_complete_if_done(enrolment=enrolment)
    _activity_mark(enrolment=enrolment, lesson_id=lesson.pk)
    enrolment.refresh_from_db()
    return ProgressResult(
        enrolment=enrolment,
        lesson_completed=True,
        lesson_newly_completed=lesson_newly_completed,
        course_newly_completed=course_newly_completed,
    )


def _course_complete_if_done(*, enrolment: Enrolment) -> bool:
    """Set the completion time when every required, published lesson of the course is complete: one
    conditional UPDATE, so only one request completes a course, whatever the number of lessons. What follows
    a completion runs after the commit (`course_completion_announce`).

    The enrolment's row is locked first: two progress events of one person completing the last two lessons
    at once (two tabs, an H5P result beside a quiz) each insert their lesson and, without the lock, each
    check before the other's insert is committed, so neither completed the course. With it, the second
    waits for the first's commit and its check (a new statement, a new snapshot) sees both lessons."""
    list(Enrolment.objects.select_for_update().filter(pk=enrolment.pk).values_list("pk"))
    course_path = structure.course_model().objects.filter(pk=enrolment.course_id).values("path")[:1]
    required = (
        structure.lesson_model()
        .objects.live()
        .filter(is_required=True, path__startswith=Subquery(course_path))
    )
    missing = required.exclude(
        pk__in=LessonCompletion.objects.filter(enrolment_id=enrolment.pk).values("lesson_id")
    )
    now = timezone.now()
    updated = (
        Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True)
        .filter(Exists(required), ~Exists(missing))
        .update(completed_at=now)
    )
    if updated:
        enrolment.completed_at = now
        enrolment.completion_announced_at = None
        _announce_after_commit(enrolment=enrolment)
    return bool(updated)


def _announce_after_commit(*, enrolment: Enrolment) -> None:
    from .tasks import course_completion_announce_task  # tasks import this module

    # robust: the completion is committed whatever happens to the broker; a lost message is announced by
    # the periodic catch-up (tasks.course_completions_catch_up_task).
    transaction.on_commit(
        partial(course_completion_announce_task.delay, enrolment.pk, enrolment.completed_at.isoformat()),
        robust=True,
    )


def course_completion_announce(*, enrolment_id: int, completed_at: datetime) -> bool:
    """Send `course_completed` for one completion, once: what the apps above do after a completion runs in
    their receivers. Runs in a Celery task after the completion's commit.

    Idempotent: the enrolment row is locked and marked as announced in the same transaction as the
    receivers' writes, so a second run (a task delivered twice, the catch-up meeting a late task) finds it
    announced and does nothing; a completion taken back since (`enrolment_restart`) is not announced.
    Returns whether it announced."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=enrolment_id, completed_at=completed_at, completion_announced_at__isnull=True)
            .first()
        )
        if enrolment is None:
            return False
        course_completed.send(sender=Enrolment, enrolment=enrolment)
        Enrolment.objects.filter(pk=enrolment.pk).update(completion_announced_at=timezone.now())
    return True


ANNOUNCE_CATCH_UP_AFTER = timedelta(minutes=2)


def course_completions_unannounced(*, now: datetime | None = None):
    """(enrolment id, completion time) of completions whose announcement has not run although it should
    have by now: its task was lost (the broker was down at the commit, a worker died twice)."""
    before = (now or timezone.now()) - ANNOUNCE_CATCH_UP_AFTER
    return Enrolment.objects.filter(
        completed_at__isnull=False, completion_announced_at__isnull=True, completed_at__lt=before
    ).values_list("pk", "completed_at")


def requirements_sync(*, lesson, requirements: list[Requirement]) -> tuple[int, int]:
    """Bring the requirement index of one lesson in line with what its body declares (called when it is
    saved). Rows that already say the right thing are kept, so running it again changes nothing.
    Returns (rows added, rows removed)."""
    course_id = structure.course_id_of(lesson)
    wanted: dict[tuple[str, int], tuple] = {}
    if course_id is not None:
        for r in requirements:  # the first declaration of a quiz or activity decides its rule
            wanted.setdefault((r.kind, r.object_id), (course_id, r.rule, r.min_score))
    with transaction.atomic():
        existing = {
            (row.kind, row.object_id): row for row in LessonRequirement.objects.filter(lesson_id=lesson.pk)
        }
        stale = {
            key: row.pk
            for key, row in existing.items()
            if wanted.get(key) != (row.course_id, row.rule, row.min_score)
        }
        if stale:
            LessonRequirement.objects.filter(pk__in=stale.values()).delete()
        new = [
            LessonRequirement(
                lesson_id=lesson.pk,
                course_id=course,
                kind=kind,
                object_id=object_id,
                rule=rule,
                min_score=minimum,
            )
            for (kind, object_id), (course, rule, minimum) in wanted.items()
            if (kind, object_id) not in existing or (kind, object_id) in stale
        ]
        if new:
            LessonRequirement.objects.bulk_create(new)
    return len(new), len(stale)


@dataclass(frozen=True)
class RequirementsSyncSummary:
    lessons: int
    added: int
    removed: int


def requirements_sync_all() -> RequirementsSyncSummary:
    """Rebuild the requirement index of every lesson from its saved body (command
    `sync_lesson_requirements`, also run by `load_demo`): after restoring a backup, importing pages with
    signals off, or changing what a block declares. Idempotent."""
    lessons = added = removed = 0
    for lesson in structure.lesson_model().objects.order_by("path").iterator(chunk_size=200):
        lesson_added, lesson_removed = requirements_sync(
            lesson=lesson, requirements=lesson.completion_requirements()
        )
        lessons += 1
        added += lesson_added
        removed += lesson_removed
    return RequirementsSyncSummary(lessons=lessons, added=added, removed=removed)


def requirements_recheck(
    *, user, lesson, requirements: list[Requirement], enrolment_without_completion: Enrolment | None = None
) -> bool:
    """Complete a lesson whose requirements the person already meets, e.g. an activity done in another
    course before enrolling here, or before the lesson was published. Returns whether it completed now.
    A caller that has just read the enrolment and seen the lesson incomplete passes it, sparing two reads."""
    if not requirements:
        return False
    enrolment = enrolment_without_completion
    if enrolment is None:
        enrolment = Enrolment.objects.filter(user=user, course_id=structure.course_id_of(lesson)).first()
        if (
            enrolment is None
            or LessonCompletion.objects.filter(enrolment=enrolment, lesson_id=lesson.pk).exists()
        ):
            return False
    if not all_met(user=user, requirements=requirements, since=enrolment.cycle_started_at):
        return False  # the usual answer on a lesson page, found with one query per kind
    kinds = {r.kind for r in requirements}
    source = (
        LessonCompletion.Source.H5P if LessonRequirement.Kind.H5P in kinds else LessonCompletion.Source.QUIZ
    )
    try:
        return progress_record(user=user, lesson=lesson, source=source).lesson_newly_completed
    except LearningError:
        return False


@dataclass(frozen=True)
class ActivityProgress:
    lessons_completed: frozenset[int]
    courses_completed: frozenset[int]


def activity_progress_record(*, user, kind: str, object_id: int, source: str) -> ActivityProgress:
    """A result changed for one activity (an H5P activity, say): complete every published lesson that uses it
    in the person's enrolled courses and whose requirements are now all met, then the courses.

    The number of queries does not grow with the number of lessons using the activity: the requirement
    index answers which lessons use it and what else they require, and completions are written in bulk.
    """
    using = LessonRequirement.objects.filter(
        kind=kind, object_id=object_id, lesson__live=True, course__live=True
    )
    enrolments = {
        e.course_id: e for e in Enrolment.objects.filter(user=user, course_id__in=using.values("course_id"))
    }
    if not enrolments:
        return ActivityProgress(frozenset(), frozenset())
    by_lesson: dict[int, set[Requirement]] = {}
    course_of_lesson: dict[int, int] = {}
    done: set[int] = set()
    lessons_using = using.filter(course_id__in=list(enrolments)).values("lesson_id")
    completed = LessonCompletion.objects.filter(
        enrolment__user=user, enrolment__course_id=OuterRef("course_id"), lesson_id=OuterRef("lesson_id")
    )
    rows = LessonRequirement.objects.filter(lesson_id__in=lessons_using).annotate(done=Exists(completed))
    for row in rows:
        by_lesson.setdefault(row.lesson_id, set()).add(Requirement.from_row(row))
        course_of_lesson[row.lesson_id] = row.course_id
        if row.done:
            done.add(row.lesson_id)
    # Lessons completed already stay so (a weaker retake never takes a completion back): only the others are
    # checked, and when there are none (the activity played again), nothing more is read.
    by_lesson = {i: needed for i, needed in by_lesson.items() if i not in done}
    if not by_lesson:
        return ActivityProgress(frozenset(), frozenset())
    satisfied = []
    since_of = {i: enrolments[course_of_lesson[i]].cycle_started_at for i in by_lesson}
    for since in set(since_of.values()):  # one cycle start per course: usually one course, one read
        lessons = {i: r for i, r in by_lesson.items() if since_of[i] == since}
        met = requirements_met(user=user, requirements=set().union(*lessons.values()), since=since)
        satisfied += [lesson_id for lesson_id, needed in lessons.items() if needed <= met]
    if not satisfied:
        return ActivityProgress(frozenset(), frozenset())

    now = timezone.now()
    # No savepoint of its own: inside the statement's transaction, any error here undoes it all anyway. A
    # lesson completed meanwhile by another request is skipped by the constraint (ignore_conflicts).
    with transaction.atomic(savepoint=False):
        new = satisfied
        LessonCompletion.objects.bulk_create(
            [
                LessonCompletion(
                    enrolment=enrolments[course_of_lesson[i]], lesson_id=i, source=source, completed_at=now
                )
                for i in new
            ],
            ignore_conflicts=True,
        )
        courses_completed = set()
        for course_id in {course_of_lesson[i] for i in new}:
            enrolment = enrolments[course_id]
            if enrolment.completed_at is None and _course_complete_if_done(enrolment=enrolment):
                courses_completed.add(course_id)
    return ActivityProgress(frozenset(new), frozenset(courses_completed))
