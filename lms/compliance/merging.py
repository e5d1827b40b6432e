"""Merging duplicate duties: before migration 0005, a person reached by several assignments for one course
held one obligation per assignment. The migration turns every obligation's assignment into a source and
merges the rows of each (person, course) into one duty per cycle; `compliance_duties_report` lists what it
merges (before migrating) or confirms nothing is left (after).

The functions take the model classes, so the migration runs them on its historical models.
"""

from collections import defaultdict

from django.db.models import Count


def duplicate_keys(Obligation) -> list[tuple[int, int]]:
    """(user_id, course_id) pairs holding more than one row of a cycle, or more than one current row."""
    per_cycle = (
        Obligation.objects.values("user_id", "course_id", "cycle").annotate(n=Count("pk")).filter(n__gt=1)
    )
    current = (
        Obligation.objects.filter(is_current=True)
        .values("user_id", "course_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    keys = {(r["user_id"], r["course_id"]) for r in per_cycle} | {
        (r["user_id"], r["course_id"]) for r in current
    }
    return sorted(keys)


def merge_plan(rows: list) -> list[tuple[object, list]]:
    """For one (person, course)'s rows: [(kept row, [rows merged into it])]. The current row due first is
    kept and takes the other current rows and the rows of its cycle; among the other rows, one per cycle is
    kept (the newest) and takes the rest of that cycle."""
    current = sorted((r for r in rows if r.is_current), key=lambda r: (r.due_at, r.pk))
    plan: dict[int, tuple[object, list]] = {}
    keep = current[0] if current else None
    if keep is not None:
        plan[keep.pk] = (keep, list(current[1:]))
    by_cycle = defaultdict(list)
    for row in rows:
        if not row.is_current:
            by_cycle[row.cycle].append(row)
    for cycle, group in by_cycle.items():
        group.sort(key=lambda r: r.pk)
        if keep is not None and keep.cycle == cycle:
            plan[keep.pk][1].extend(group)
        elif len(group) > 1:
            plan[group[-1].pk] = (group[-1], group[:-1])
    # A merged current row's cycle may equal another kept row's cycle: fold that one into the kept duty.
    if keep is not None:
        merged_cycles = {r.cycle for r in plan[keep.pk][1]}
        for pk in [pk for pk, (row, _) in plan.items() if pk != keep.pk and row.cycle in merged_cycles]:
            row, others = plan.pop(pk)
            plan[keep.pk][1].extend([row, *others])
    return [(row, others) for row, others in plan.values() if others]


def sources_fill(Obligation, ObligationSource) -> int:
    """One source per obligation from its own assignment (open unless the obligation was closed)."""
    made = 0
    batch = []
    for row in Obligation.objects.order_by("pk").iterator(chunk_size=2000):
        batch.append(
            ObligationSource(
                obligation_id=row.pk,
                assignment_id=row.assignment_id,
                opened_at=row.opened_at,
                due_at=row.due_at,
                closed_at=row.closed_at,
                closed_reason=row.closed_reason if row.closed_at else "",
            )
        )
        if len(batch) >= 2000:
            ObligationSource.objects.bulk_create(batch, ignore_conflicts=True)
            made, batch = made + len(batch), []
    ObligationSource.objects.bulk_create(batch, ignore_conflicts=True)
    return made + len(batch)


def _merge_into(keep, others, *, Obligation, ObligationSource, Reminder) -> None:
    for other in others:
        for source in ObligationSource.objects.filter(obligation_id=other.pk):
            if ObligationSource.objects.filter(
                obligation_id=keep.pk, assignment_id=source.assignment_id
            ).exists():
                source.delete()
            else:
                ObligationSource.objects.filter(pk=source.pk).update(obligation_id=keep.pk)
        if other.is_current:  # the person's duty takes what they did under the other assignment
            keep.completed_at = keep.completed_at or other.completed_at
            keep.started_at = min(filter(None, [keep.started_at, other.started_at]), default=None)
            if keep.exempt_at is None and other.exempt_at is not None:
                keep.exempt_at, keep.exempt_reason = other.exempt_at, other.exempt_reason
                keep.exempted_by_id = other.exempted_by_id
        if Reminder is not None:
            for reminder in Reminder.objects.filter(obligation_id=other.pk):
                clash = Reminder.objects.filter(
                    obligation_id=keep.pk, kind=reminder.kind, cycle=reminder.cycle, offset=reminder.offset
                ).exists()
                if clash:  # the same message for the same duty: kept as history, without the duty
                    Reminder.objects.filter(pk=reminder.pk).update(
                        obligation_id=None,
                        period=f"merged-{reminder.pk}"[:20],
                        state="skipped" if reminder.state == "pending" else reminder.state,
                    )
                else:
                    Reminder.objects.filter(pk=reminder.pk).update(obligation_id=keep.pk)
        Obligation.objects.filter(pk=other.pk).delete()


def _refresh(keep, *, Obligation, ObligationSource) -> None:
    if keep.is_current:
        first = (
            ObligationSource.objects.filter(obligation_id=keep.pk, closed_at__isnull=True)
            .order_by("due_at", "assignment_id")
            .first()
        )
        if first is not None:
            keep.assignment_id, keep.due_at = first.assignment_id, first.due_at
        if keep.valid_until is not None and keep.completed_at is None:
            keep.valid_until = None
    keep.save()


def merge_duplicates(*, Obligation, ObligationSource, Reminder=None, write=print) -> int:
    """Merge every (person, course)'s duplicate rows; report each merge through `write`. Returns how many
    rows were merged away."""
    merged = 0
    for user_id, course_id in duplicate_keys(Obligation):
        rows = list(Obligation.objects.filter(user_id=user_id, course_id=course_id).order_by("pk"))
        for keep, others in merge_plan(rows):
            write(
                f"compliance: person {user_id}, course {course_id}, cycle {keep.cycle}: kept obligation "
                f"{keep.pk} (assignment {keep.assignment_id}), merged "
                + ", ".join(f"{o.pk} (assignment {o.assignment_id}, cycle {o.cycle})" for o in others)
            )
            _merge_into(
                keep, others, Obligation=Obligation, ObligationSource=ObligationSource, Reminder=Reminder
            )
            _refresh(keep, Obligation=Obligation, ObligationSource=ObligationSource)
            merged += len(others)
    return merged


def remaining(Obligation) -> int:
    return len(duplicate_keys(Obligation))
