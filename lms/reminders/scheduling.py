"""Reminders: which exist and when they may go — planning an assignment's reminders, the weekly digests
and HR's nudges, and claiming those whose time has come for the send tasks (lms.reminders.delivery sends).

Exactly once starts here: a reminder exists once per (obligation, kind, cycle, offset), or per (recipient,
kind, period) for digests, by a unique constraint; planning inserts with ON CONFLICT DO NOTHING, so a
repeated sweep or two sweeps at once create nothing new, and claims are exclusive (FOR UPDATE SKIP LOCKED).
"""

from datetime import datetime, timedelta

from django.db import connection as db
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.compliance.models import Assignment, Obligation
from lms.learning import structure
from lms.people.models import ManagedUnit, Official

from . import planning, selectors
from .models import Kind, Reminder
from .services import ReminderError

BATCH = 2000


def assignment_reminders_plan(*, assignment_id: int, now: datetime, on_ready=None) -> list[int]:
    """Create the reminders due now for one assignment's people and claim those that can go now. Returns
    the ids ready to send now.

    `on_ready(ids)` is called with each batch as soon as it is claimed (the send tasks can start while a
    large assignment is still being planned); the ids are returned as well."""
    assignment = Assignment.objects.filter(pk=assignment_id, withdrawn_at__isnull=True).first()
    if (
        assignment is None
        or not structure.course_model().objects.live().filter(pk=assignment.course_id).exists()
    ):
        return []
    send_from = planning.allowed_from(now)
    obligations = (
        Obligation.objects.filter(assignment_id=assignment_id, is_current=True, user__is_active=True)
        .order_by("pk")
        .values_list(
            "pk",
            "user_id",
            "cycle",
            "is_current",
            "opened_at",
            "due_at",
            "completed_at",
            "exempt_at",
            "reopen_count",
            named=True,
        )
    )
    ready: list[int] = []

    def insert(rows: list[tuple]) -> None:
        ids = _insert_new(rows, now=now, queued=send_from <= now)
        if ids and send_from <= now:
            if on_ready is not None:
                on_ready(ids)
            ready.extend(ids)

    rows: list[tuple] = []
    for obligation in obligations.iterator(chunk_size=BATCH):
        for kind, offset in planning.due_reminders(obligation, now):
            rows.append((kind, obligation.user_id, obligation.pk, obligation.cycle, offset, send_from))
        if len(rows) >= INSERT_BATCH:
            insert(rows)
            rows = []
    if rows:
        insert(rows)
    claim_rest = reminders_claim(
        now=now, filters=Q(obligation__assignment_id=assignment_id)
    )  # deferred, lost
    if claim_rest and on_ready is not None:
        on_ready(claim_rest)
    return ready + claim_rest


def completion_confirmations_plan(*, user_id: int, course_id: int, now: datetime) -> list[int]:
    """The completion confirmation of a person's mandatory course, right after the completion (the sweep
    would find it within 15 minutes): the same reminder rows as the sweep plans, so it exists once whoever
    plans it first. Returns the ids ready to send now (in quiet hours: for the in-app copy only)."""
    obligations = Obligation.objects.filter(
        user_id=user_id,
        course_id=course_id,
        is_current=True,
        user__is_active=True,
        assignment__withdrawn_at__isnull=True,
    ).values_list(
        "pk", "user_id", "cycle", "is_current", "opened_at", "due_at", "completed_at", "exempt_at",
        "reopen_count", named=True,
    )  # fmt: skip
    send_from = planning.allowed_from(now)
    rows = [
        (kind, o.user_id, o.pk, o.cycle, offset, send_from)
        for o in obligations
        for kind, offset in planning.due_reminders(o, now)
        if kind == Kind.COMPLETED
    ]
    ids = _insert_new(rows, now=now, queued=False) if rows else []
    return reminders_claim(now=now, filters=Q(pk__in=ids)) if ids else []


INSERT_BATCH = 2000  # rows per INSERT
INSERT_COLUMNS = (
    "kind", "recipient_id", "obligation_id", "cycle", "offset", "not_before",
    "queued_at", "created_at", "period", "state", "message", "attempts", "last_error", "detail",
)  # fmt: skip


def _insert_new(rows: list[tuple], *, now: datetime, queued: bool) -> list[int]:
    """Insert reminders (kind, recipient, obligation, cycle, offset, not before) that do not exist yet and
    return the ids of those inserted; a reminder whose key exists is left as it is. With `queued` the new
    rows are claimed as they are written (queued_at = now): nobody else can have claimed a row just made.

    By hand because bulk_create cannot say which rows it inserted when it ignores conflicts, and costs more
    than the statement: this is the planning of a city-wide assignment (bench/reminders.py). The rows' own
    values are written into the statement as numbers (int()) and kinds (checked against Kind), so that the
    driver has a handful of parameters to parse instead of fourteen a row."""
    kinds = set(Kind.values)
    values = []
    for kind, recipient_id, obligation_id, cycle, offset, not_before in rows:
        if kind not in kinds or not_before != rows[0][5]:
            raise ValueError(f"Not a reminder to insert: {kind!r}, {not_before!r}")
        values.append(f"('{kind}', {int(recipient_id)}, {int(obligation_id)}, {int(cycle)}, {int(offset)})")
    columns = ", ".join(db.ops.quote_name(c) for c in INSERT_COLUMNS)
    adapt = db.ops.adapt_datetimefield_value
    with db.cursor() as cursor:
        cursor.execute(
            f"WITH v (kind, recipient, obligation, cycle, step) AS (VALUES {', '.join(values)}) "  # noqa: S608 — see the docstring
            f"INSERT INTO {Reminder._meta.db_table} ({columns}) "
            "SELECT v.kind, v.recipient, v.obligation, v.cycle, v.step, %s, %s, %s, '', %s, '', 0, '', '' "
            "FROM v WHERE true ON CONFLICT DO NOTHING RETURNING id",
            [adapt(rows[0][5]), adapt(now) if queued else None, adapt(now), Reminder.State.PENDING.value],
        )
        return [found[0] for found in cursor.fetchall()]


def reminders_claim(
    *, now: datetime, filters: Q | None = None, stale_after: timedelta = timedelta(minutes=30)
) -> list[int]:
    """Mark pending reminders whose time has come as queued and return their ids (for the send tasks).

    A reminder queued long ago and still pending (its task was lost) is queued again; sending it twice is
    harmless because delivery locks and checks the row. During quiet hours only the reminders waiting for
    07:00 that have no in-app copy yet are claimed: delivery writes the copy and leaves the email for 07:00.
    Claims are exclusive: rows are taken batch by batch
    under FOR UPDATE SKIP LOCKED, so two claimers at the same moment (the sweep and a planning task) never
    both queue a reminder."""
    quiet = planning.quiet_until(now)
    if quiet is None:
        ready = Reminder.objects.filter(filters or Q(), state=Reminder.State.PENDING, not_before__lte=now)
    else:  # quiet hours: those waiting for 07:00 go now for their in-app copy only, once (delivery_decide)
        ready = Reminder.objects.filter(
            filters or Q(), state=Reminder.State.PENDING, not_before__lte=quiet, notification__isnull=True
        )
    ready = ready.filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - stale_after))
    claimed: list[int] = []
    while True:
        with transaction.atomic():
            ids = list(
                ready.select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            Reminder.objects.filter(pk__in=ids).update(queued_at=now)
        claimed += ids
        if len(ids) < BATCH:
            return claimed


def digests_plan(*, now: datetime) -> list[int]:
    """Claim this week's digest for every HR manager, unit head and person who asked for one."""
    period = planning.digest_period(now)
    recipients = set(
        ManagedUnit.objects.filter(user__is_active=True).values_list("user_id", flat=True)
    ) | set(
        Official.objects.filter(is_unit_head=True, user__is_active=True).values_list("user_id", flat=True)
    )
    recipients |= set(
        Reminder.objects.filter(
            state=Reminder.State.DIGESTED, created_at__gte=now - timedelta(days=8)
        ).values_list("recipient_id", flat=True)
    )
    send_from = planning.allowed_from(now)
    Reminder.objects.bulk_create(
        [
            Reminder(kind=Kind.DIGEST, recipient_id=uid, period=period, not_before=send_from, created_at=now)
            for uid in sorted(recipients)
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    return reminders_claim(now=now, filters=Q(kind=Kind.DIGEST, period=period))


def obligations_nudge(
    *, by, obligation_ids, message: str = "", now: datetime | None = None
) -> tuple[list[int], int]:
    """HR or a trainer reminds selected people by hand: once per obligation and day (the unique key uses the
    day number as offset). Obligations outside the sender's reach (HR scope, courses they train) or no longer
    open are ignored. Returns (ids to send now, how many were refused: already reminded today, or out of
    reach)."""
    now = now or timezone.now()
    if not selectors.can_nudge(by):
        raise ReminderError(_("Only HR managers and the course's trainers can send reminders."), status=403)
    wanted = {int(pk) for pk in obligation_ids}
    obligations = list(selectors.obligations_nudgeable(by).filter(pk__in=wanted).order_by("pk"))
    day = planning.nudge_day(now)
    rows = [
        Reminder(
            kind=Kind.NUDGE,
            recipient_id=o.user_id,
            obligation_id=o.pk,
            cycle=o.cycle,
            offset=day,
            created_by=by,
            message=message.strip()[:1000],
            not_before=planning.allowed_from(now),
            created_at=now,
        )
        for o in obligations
    ]
    todays = Reminder.objects.filter(kind=Kind.NUDGE, obligation__in=obligations, offset=day)
    before = todays.count()
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    created = todays.count() - before
    refused = len(wanted) - created
    ids = reminders_claim(
        now=now, filters=Q(kind=Kind.NUDGE, obligation__in=obligations, offset=day, created_by=by)
    )
    return ids, refused
