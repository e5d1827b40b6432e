"""One duty per person, course and cycle: how assignments reach a duty and how it follows its sources.

However many assignments reach a person for a course, the person owes it once (`Obligation`, unique per
(person, course, cycle) and current once per (person, course)); each assignment that reaches it is a source
(`ObligationSource`). The duty follows its open sources: the one due first governs (its due date is the
duty's), the shortest validity among them decides how long a completion lasts, and the duty closes when its
last source closes. Callers hold the transaction; the rows are locked here in a fixed order (by id).
"""

from collections.abc import Iterable
from datetime import datetime

from lms.learning.models import Enrolment
from lms.learning.services import enrolments_ensure

from .models import Assignment, Obligation, ObligationSource
from .rules import add_months, due_for

CHUNK = 2000


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def validity_months(obligation_ids: Iterable[int]) -> dict[int, int]:
    """The shortest validity (months) among each duty's open sources; duties without one are left out."""
    found: dict[int, int] = {}
    ids = list(obligation_ids)
    for chunk in _chunks(ids):
        rows = ObligationSource.objects.filter(
            obligation_id__in=chunk, closed_at__isnull=True, assignment__validity_months__isnull=False
        ).values_list("obligation_id", "assignment__validity_months")
        for obligation_id, months in rows:
            found[obligation_id] = min(found.get(obligation_id, months), months)
    return found


def valid_until(completed_at: datetime | None, months: int | None) -> datetime | None:
    if completed_at is None or not months:
        return None
    return add_months(completed_at, months)


def duties_refresh(obligation_ids: Iterable[int], *, now: datetime, reason: str) -> tuple[int, int]:
    """Bring current duties in line with their open sources: the source due first governs (ties: the older
    assignment), validity is the shortest, a duty without an open source closes with `reason`.
    Returns (closed, kept)."""
    ids = sorted(set(obligation_ids))
    closed = kept = 0
    for chunk in _chunks(ids):
        governing: dict[int, tuple[int, datetime]] = {}
        months: dict[int, int] = {}
        sources = (
            ObligationSource.objects.filter(obligation_id__in=chunk, closed_at__isnull=True)
            .order_by("due_at", "assignment_id")
            .values_list("obligation_id", "assignment_id", "due_at", "assignment__validity_months")
        )
        for obligation_id, assignment_id, due_at, validity in sources:
            governing.setdefault(obligation_id, (assignment_id, due_at))
            if validity:
                months[obligation_id] = min(months.get(obligation_id, validity), validity)
        duties = list(
            Obligation.objects.select_for_update().filter(pk__in=chunk, is_current=True).order_by("pk")
        )
        ending = [d.pk for d in duties if d.pk not in governing]
        if ending:
            Obligation.objects.filter(pk__in=ending).update(
                is_current=False, closed_at=now, closed_reason=reason
            )
        changed = []
        for duty in duties:
            if duty.pk not in governing:
                continue
            assignment_id, due_at = governing[duty.pk]
            until = valid_until(duty.completed_at, months.get(duty.pk))
            if (duty.assignment_id, duty.due_at, duty.valid_until) != (assignment_id, due_at, until):
                duty.assignment_id, duty.due_at, duty.valid_until = assignment_id, due_at, until
                changed.append(duty)
        Obligation.objects.bulk_update(changed, ["assignment", "due_at", "valid_until"], batch_size=CHUNK)
        closed += len(ending)
        kept += len(duties) - len(ending)
    return closed, kept


def duties_reach(*, assignment: Assignment, people: Iterable[tuple[int, int]], now: datetime) -> int:
    """An assignment reaches (user_id, unit_id) pairs: each person's current duty for the course gains the
    source; without one, their latest closed duty is picked up again where it was; otherwise a first-cycle
    duty opens (counting a completion already made: validity runs from it). Enrolments follow. Bulk, a
    fixed number of queries per 2,000 people. Returns how many people were reached."""
    people = dict(people)
    if not people:
        return 0
    enrolments_ensure(user_ids=people, course=assignment.course)
    due_at = due_for(assignment, now)
    course_id = assignment.course_id
    for chunk in _chunks(sorted(people)):
        current = {
            o.user_id: o
            for o in Obligation.objects.select_for_update()
            .filter(course_id=course_id, user_id__in=chunk, is_current=True)
            .order_by("pk")
        }
        rest = [uid for uid in chunk if uid not in current]
        latest: dict[int, Obligation] = {}
        for row in Obligation.objects.filter(course_id=course_id, user_id__in=rest).order_by("cycle"):
            latest[row.user_id] = row
        reopen = [row for row in latest.values() if row.closed_at is not None]
        for row in reopen:
            Obligation.objects.filter(pk=row.pk).update(
                is_current=True, closed_at=None, closed_reason="", unit_id=people[row.user_id]
            )
        # A later cycle replaced by nothing (not closed, not current) cannot happen; a person whose latest
        # row is a superseded cycle would get a new first cycle only if history were inconsistent.
        new_users = [uid for uid in rest if uid not in latest]
        progress = {
            row["user_id"]: row
            for row in Enrolment.objects.filter(course_id=course_id, user_id__in=new_users).values(
                "user_id", "completed_at", "last_activity_at"
            )
        }
        months = assignment.validity_months
        created = Obligation.objects.bulk_create(
            [
                Obligation(
                    assignment=assignment,
                    user_id=uid,
                    course_id=course_id,
                    unit_id=people[uid],
                    opened_at=now,
                    due_at=due_at,
                    started_at=progress.get(uid, {}).get("last_activity_at")
                    or progress.get(uid, {}).get("completed_at"),
                    completed_at=progress.get(uid, {}).get("completed_at"),
                    valid_until=valid_until(progress.get(uid, {}).get("completed_at"), months),
                )
                for uid in new_users
            ],
            batch_size=CHUNK,
        )
        if created and created[0].pk is None:  # a backend that returns no ids: read them back
            created = list(
                Obligation.objects.filter(course_id=course_id, user_id__in=new_users, is_current=True)
            )
        existing = [o.pk for o in current.values()] + [row.pk for row in reopen]
        ObligationSource.objects.filter(obligation_id__in=existing, assignment=assignment).update(
            closed_at=None, closed_reason=""
        )
        ObligationSource.objects.bulk_create(
            [
                ObligationSource(obligation_id=pk, assignment=assignment, opened_at=now, due_at=due_at)
                for pk in existing + [o.pk for o in created]
            ],
            batch_size=CHUNK,
            ignore_conflicts=True,
        )
        duties_refresh(existing, now=now, reason=Obligation.Closed.LEFT)
    return len(people)


def duties_of_assignment(assignment: Assignment) -> list[int]:
    """The current duties the assignment is an open source of."""
    return list(
        ObligationSource.objects.filter(
            assignment=assignment, closed_at__isnull=True, obligation__is_current=True
        ).values_list("obligation_id", flat=True)
    )
