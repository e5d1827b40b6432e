"""The HR dashboard's figures counted in advance: one snapshot of every unit's and course's counts, taken
every few minutes by Celery beat (`tasks.dashboard_figures_refresh_task`) or by the command
`dashboard_figures_refresh`, and read by a large dashboard (a city) instead of counting every obligation on
each view. A snapshot is exact as of its moment (`taken_at`): it is counted with that moment as "now", in one
transaction that sees one state of the database (REPEATABLE READ on PostgreSQL), with the same status
conditions as the live figures (`status_q`), and the page says "as of" when it shows one.

Why not counts kept up to date by the services: a status changes with time alone (a due date or a validity
passes at night with nobody writing), so counts kept by writes would need the due dates in their keys, i.e.
a second copy of the report indexes; a snapshot costs one background count every few minutes whatever the
number of writes, and the page says how old it is.

Rows: per (unit, course) the six status counts; per (unit, course, month) the completions that count; per
(unit, course, year) the training hours of the certificates not revoked, by the holder's unit. The unit is
the unit the duty (or the holder) had at that moment; they roll up along today's tree.
"""

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone

from lms.certificates.models import Certificate
from lms.dates import site_zone
from lms.people.models import OrgUnit

from ..models import FiguresSnapshot, Obligation, SnapshotCompletions, SnapshotCounts, SnapshotHours
from ..status import Status, status_q

BATCH = 5000
ZERO = Decimal(0)
STATUS_FIELDS = {
    Status.NOT_STARTED: "not_started",
    Status.IN_PROGRESS: "in_progress",
    Status.COMPLETED: "completed",
    Status.OVERDUE: "overdue",
    Status.EXPIRED: "expired",
    Status.EXEMPT: "exempt",
}


def max_age() -> timedelta:
    """A snapshot older than this is not shown: the dashboard counts live instead (slower, never stale)."""
    return timedelta(minutes=getattr(settings, "DASHBOARD_SNAPSHOT_MAX_AGE_MINUTES", 30))


def live_limit() -> int:
    """Dashboards of at most this many current obligations are always counted live (a ward)."""
    return getattr(settings, "DASHBOARD_LIVE_LIMIT", 50_000)


# --- Taking a snapshot -------------------------------------------------------------------------------------


def snapshot_take(*, now: datetime | None = None) -> FiguresSnapshot:
    """Count every unit's and course's figures as of `now` (by default this moment) and keep them as the
    latest snapshot; older snapshots are deleted. Idempotent: running it twice leaves one latest snapshot
    whose figures are those of its moment; two runs at once each write a whole snapshot and the later moment
    is read."""
    with one_state():
        now = now or timezone.now()
        snapshot = FiguresSnapshot.objects.create(taken_at=now)
        _counts_write(snapshot, now)
        _completions_write(snapshot, now)
        _hours_write(snapshot)
        snapshot.finished_at = timezone.now()
        snapshot.save(update_fields=["finished_at"])
    snapshots_prune(FiguresSnapshot, latest=snapshot)
    return snapshot


@contextmanager
def one_state():
    """A transaction in which every count sees one state of the database (REPEATABLE READ on PostgreSQL);
    inside a caller's transaction (a test), that one's. Also used by the skills map's snapshot."""
    repeatable = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if repeatable:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def snapshots_prune(model, *, latest) -> None:
    """Delete the snapshots (a model with `taken_at` and `finished_at`) older than `latest`, and unfinished
    ones older than `max_age()` (a run that died)."""
    model.objects.filter(taken_at__lt=latest.taken_at).delete()
    model.objects.filter(finished_at__isnull=True, taken_at__lt=latest.taken_at - max_age()).delete()


def _counts_write(snapshot: FiguresSnapshot, now: datetime) -> None:
    aggregates = {name: Count("pk", filter=status_q(status, now)) for status, name in STATUS_FIELDS.items()}
    rows = (
        Obligation.objects.filter(is_current=True)
        .values("unit_id", "course_id")
        .annotate(**aggregates)
        .order_by()
    )
    SnapshotCounts.objects.bulk_create(
        (SnapshotCounts(snapshot=snapshot, **row) for row in rows.iterator()), batch_size=BATCH
    )


def _completions_write(snapshot: FiguresSnapshot, now: datetime) -> None:
    rows = (
        Obligation.objects.filter(status_q(Status.COMPLETED, now), is_current=True)
        .annotate(month=TruncMonth("completed_at", tzinfo=site_zone()))
        .values("unit_id", "course_id", "month")
        .annotate(completed=Count("pk"))
        .order_by()
    )
    SnapshotCompletions.objects.bulk_create(
        (
            SnapshotCompletions(
                snapshot=snapshot,
                unit_id=row["unit_id"],
                course_id=row["course_id"],
                month=_day(row["month"]),
                completed=row["completed"],
            )
            for row in rows.iterator()
        ),
        batch_size=BATCH,
    )


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _hours_write(snapshot: FiguresSnapshot) -> None:
    """As `certificates.selectors.training_hours_by_unit` counts: certificates not revoked, by the holder's
    unit, only holders who are officials, the year of completion in Ho Chi Minh City."""
    rows = (
        Certificate.objects.valid()
        .filter(user__official__isnull=False)
        .annotate(
            unit_id=F("user__official__unit_id"),
            year=ExtractYear("completed_at", tzinfo=site_zone()),
        )
        .values("unit_id", "course_id", "year")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    SnapshotHours.objects.bulk_create(
        (SnapshotHours(snapshot=snapshot, **row) for row in rows.iterator()), batch_size=BATCH
    )


# --- Reading it ------------------------------------------------------------------------------------------


def snapshot_fresh(now: datetime | None = None) -> FiguresSnapshot | None:
    """The latest finished snapshot if it is recent enough to be shown, else None."""
    return latest_fresh(FiguresSnapshot, now)


def latest_fresh(model, now: datetime | None = None):
    """The latest finished snapshot of `model` (with `taken_at` and `finished_at`) taken within `max_age()`
    of `now`, else None."""
    now = now or timezone.now()
    return (
        model.objects.filter(finished_at__isnull=False, taken_at__gte=now - max_age())
        .order_by("-taken_at")
        .first()
    )


def _rows(model, snapshot: FiguresSnapshot, unit_ids: Iterable[int], course_ids: list[int] | None):
    rows = model.objects.filter(snapshot=snapshot, unit_id__in=list(unit_ids))
    if course_ids:
        rows = rows.filter(course_id__in=course_ids)
    return rows.order_by()


def counts_by_unit(
    snapshot: FiguresSnapshot, unit_ids: Iterable[int], course_ids: list[int] | None = None
) -> dict[int, dict[Status, int]]:
    """{unit id: {status: count}}, as `selectors.status_counts_by_unit` answers live. One query."""
    fields = list(STATUS_FIELDS.values())
    rows = (
        _rows(SnapshotCounts, snapshot, unit_ids, course_ids)
        .values("unit_id")
        .annotate(**{f"n_{name}": Sum(name) for name in fields})
    )
    return {
        row["unit_id"]: {status: row[f"n_{name}"] or 0 for status, name in STATUS_FIELDS.items()}
        for row in rows
    }


def completions_by_month(
    snapshot: FiguresSnapshot, unit_ids: Iterable[int], course_ids: list[int] | None, since: date
) -> dict[date, int]:
    """{first day of a month: completions that count} from the month of `since` on. One query."""
    rows = (
        _rows(SnapshotCompletions, snapshot, unit_ids, course_ids)
        .filter(month__gte=since)
        .values("month")
        .annotate(n=Sum("completed"))
    )
    return {_day(row["month"]): row["n"] for row in rows}


def hours_by_unit(
    snapshot: FiguresSnapshot, *, year: int, units, course_ids: list[int] | None = None
) -> dict[int, Decimal]:
    """{unit id: hours of the year in the unit and the units below it} for the `units` asked (a queryset),
    rolled up along the tree as `certificates.selectors.training_hours_by_unit` does. Three queries."""
    asked = list(units.values_list("pk", "path"))
    if not asked:
        return {}
    tops = sorted({path for _pk, path in asked})
    tops = [p for n, p in enumerate(tops) if not any(p.startswith(q) for q in tops[:n])]
    below = Q()
    for top in tops:
        below |= Q(path__startswith=top)
    path_of = dict(OrgUnit.objects.filter(below).values_list("pk", "path"))
    rows = (
        _rows(SnapshotHours, snapshot, path_of, course_ids)
        .filter(year=year)
        .values("unit_id")
        .annotate(total=Sum("hours"))
        .values_list("unit_id", "total")
    )
    total_by_path: dict[str, Decimal] = defaultdict(lambda: ZERO)
    step = OrgUnit.steplen
    for unit_id, hours in rows:
        path = path_of[unit_id]
        for end in range(step, len(path) + 1, step):
            total_by_path[path[:end]] += hours
    return {pk: total_by_path.get(path, ZERO) for pk, path in asked}
