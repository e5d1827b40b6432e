"""Reminders: plan (claim rows), deliver (lock, send, mark), digests, nudges, retries.

Exactly once: a reminder exists once per (obligation, kind, cycle, offset), or per (recipient, kind, period)
for digests, by a unique constraint; planning inserts with ON CONFLICT DO NOTHING. Delivery locks the row,
checks it is still pending, sends and marks it sent in one transaction: a repeated sweep, a redelivered task
or a second worker finds the row locked or sent. The one window left is a worker killed between the SMTP
server's acceptance and the commit; the message then goes again with the same Message-ID.
"""

import contextlib
import logging
import select
import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db import connection as db
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg import pq

from lms.compliance.models import Assignment, Obligation
from lms.errors import UserError
from lms.learning import structure
from lms.people.models import ManagedUnit, Official
from lms.people.scope import scope_for

from . import planning, selectors
from .mail import Email, Outbox
from .messages import Composer
from .models import MANDATORY_KINDS, OPTIONAL_KINDS, EmailTemplate, Kind, Notification, Preference, Reminder

BATCH = 2000

logger = logging.getLogger(__name__)


class ReminderError(UserError):
    """A request this app's rules refuse."""


# Planning ---------------------------------------------------------------------------------------------


def plan_assignment(*, assignment_id: int, now: datetime, on_ready=None) -> list[int]:
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
    claim_rest = claim_ready(now=now, filters=Q(obligation__assignment_id=assignment_id))  # deferred, lost
    if claim_rest and on_ready is not None:
        on_ready(claim_rest)
    return ready + claim_rest


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


def claim_ready(
    *, now: datetime, filters: Q | None = None, stale_after: timedelta = timedelta(minutes=30)
) -> list[int]:
    """Mark pending reminders whose time has come as queued and return their ids (for the send tasks).

    A reminder queued long ago and still pending (its task was lost) is queued again; sending it twice is
    harmless because delivery locks and checks the row. Claims are exclusive: rows are taken batch by batch
    under FOR UPDATE SKIP LOCKED, so two claimers at the same moment (the sweep and a planning task) never
    both queue a reminder."""
    if planning.quiet_until(now) is not None:
        return []
    ready = Reminder.objects.filter(filters or Q(), state=Reminder.State.PENDING, not_before__lte=now).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - stale_after)
    )
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


def plan_digests(*, now: datetime) -> list[int]:
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
    return claim_ready(now=now, filters=Q(kind=Kind.DIGEST, period=period))


def assignments_to_sweep() -> list[int]:
    return list(
        Assignment.objects.filter(withdrawn_at__isnull=True, obligations__is_current=True)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# Delivery ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    state: str
    retry_in: int | None = None  # seconds, when a transient SMTP error should be retried


DELIVERY_RELATED = ("recipient", "created_by", "obligation__assignment")


@dataclass
class Batch:
    """What the deliveries of one batch share, read once instead of once per reminder: the reminders with
    their recipients and obligations, the published courses (the specific pages; None when no longer
    published), the administrators' templates and the recipients' preferences, in five queries. The
    reminders read here are a cache of their recipient and obligation only: their own fields are read again
    once they are locked (see `held`)."""

    reminders: dict[int, Reminder] = field(default_factory=dict)
    courses: dict[int, object | None] = field(default_factory=dict)
    templates: dict[str, EmailTemplate] = field(default_factory=dict)
    preferences: dict[int, Preference] = field(default_factory=dict)

    @classmethod
    def read(cls, reminder_ids) -> "Batch":
        reminders = {
            r.pk: r
            for r in Reminder.objects.filter(
                pk__in=list(reminder_ids), state=Reminder.State.PENDING
            ).select_related(*DELIVERY_RELATED)
        }
        course_ids = {r.obligation.course_id for r in reminders.values() if r.obligation is not None}
        courses = {c.pk: c for c in structure.course_model().objects.live().filter(pk__in=course_ids)}
        recipients = {r.recipient_id for r in reminders.values()}
        return cls(
            reminders=reminders,
            courses={pk: courses.get(pk) for pk in course_ids},
            templates={t.kind: t for t in EmailTemplate.objects.all()},
            preferences={p.user_id: p for p in Preference.objects.filter(user_id__in=recipients)},
        )

    def course(self, course_id: int):
        if course_id not in self.courses:
            self.courses[course_id] = structure.course_model().objects.live().filter(pk=course_id).first()
        return self.courses[course_id]


# Delivery locks: PostgreSQL session-level advisory locks, one per reminder, in a key space of this app's own
# (the first key; the second is the id modulo 2^31: two reminders 2^31 apart only ever wait for each other).
# Held from the claim of a batch until its last reminder is done, released at once when the worker's
# connection ends, however it ends (a killed worker included). Other databases (SQLite in development, where
# one worker runs) have no such locks; the state check in every write still keeps a reminder to one mark.
LOCK_SPACE = 0x534D  # "SM"


def _lock_ids(ids: list[int]) -> list[int]:
    if db.vendor != "postgresql" or not ids:
        return list(ids)
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT k FROM unnest(%s::bigint[]) AS k WHERE pg_try_advisory_lock(%s, (k %% 2147483648)::int)",
            [ids, LOCK_SPACE],
        )
        return [row[0] for row in cursor.fetchall()]


def _unlock_ids(ids: list[int]) -> None:
    if db.vendor != "postgresql" or not ids:
        return
    try:
        with db.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, (k %% 2147483648)::int) FROM unnest(%s::bigint[]) AS k",
                [LOCK_SPACE, ids],
            )
    except DatabaseError:
        db.close()  # a session that cannot unlock must not live on holding the locks
        raise


@contextlib.contextmanager
def held(reminder_ids):
    """Lock the reminders for delivery (skipping those another worker holds) and yield {id: (not_before,
    attempts)} of those still pending, read after locking. Must run outside a transaction (autocommit): each
    write of the delivery then commits on its own while the locks stay held."""
    ids = list(dict.fromkeys(int(pk) for pk in reminder_ids))
    locked = _lock_ids(ids)
    try:
        yield {
            pk: (not_before, attempts)
            for pk, not_before, attempts in Reminder.objects.filter(
                pk__in=locked, state=Reminder.State.PENDING
            ).values_list("pk", "not_before", "attempts")
        }
    finally:
        _unlock_ids(locked)


STOPPED = {
    "completed": gettext_lazy("Stopped: the course is completed."),
    "revoked": gettext_lazy("Stopped: the certificate of this completion was revoked."),
    "exempt": gettext_lazy("Stopped: the person is exempt."),
    "closed": gettext_lazy("Stopped: the assignment was withdrawn or no longer applies."),
    "retired": gettext_lazy("Stopped: the course is no longer published."),
    "inactive": gettext_lazy("Stopped: the account is deactivated."),
    "outdated": gettext_lazy("Not sent: its day has passed and a later reminder takes its place."),
}


# Reminders of a series: only the step due at the moment of sending is sent (a "due today" deferred past
# midnight by quiet hours, or retried past it, would arrive when the course is already overdue).
SERIES_KINDS = frozenset({Kind.DUE_SOON, Kind.DUE_TODAY, Kind.OVERDUE})


def stop_reason(
    reminder: Reminder, *, batch: "Batch | None" = None, now: datetime | None = None
) -> str | None:
    if not reminder.recipient.is_active:
        return "inactive"
    obligation = reminder.obligation
    if obligation is None:
        return None
    if not obligation.is_current:
        return "closed"
    if obligation.assignment.withdrawn_at is not None:
        return "closed"
    if obligation.exempt_at is not None:
        return "exempt"
    if reminder.kind == Kind.COMPLETED and (
        obligation.completed_at is None or reminder.offset != obligation.reopen_count
    ):
        return "revoked"
    if obligation.completed_at is not None and reminder.kind != Kind.COMPLETED:
        return "completed"
    if (
        now is not None
        and reminder.kind in SERIES_KINDS
        and (reminder.kind, reminder.offset) not in planning.due_reminders(obligation, now)
    ):
        return "outdated"
    course = (batch or Batch()).course(obligation.course_id)
    if course is None:
        return "retired"
    obligation.course = course  # the specific page: rendering needs no further query
    return None


def digest_rows(reminder: Reminder, *, now: datetime) -> list[dict]:
    """The lines of a person's weekly digest: the overdue people of the units they manage or head, and their
    own mandatory notices that they asked to receive in the digest."""
    user = reminder.recipient
    late = Q(completed_at__isnull=True, exempt_at__isnull=True, due_at__lt=now)
    areas = Q(pk__in=[])
    scope = scope_for(user)
    if scope.manages_units:
        areas |= scope.unit_q("unit__path")
    head_of = Official.objects.filter(user=user, is_unit_head=True).select_related("unit").first()
    if head_of is not None:
        areas |= Q(unit__path__startswith=head_of.unit.path)
    overdue = (
        Obligation.objects.filter(late, areas, is_current=True, user__is_active=True)
        .select_related("user__official", "unit", "course")
        .order_by("unit__path", "due_at")[:500]
    )
    rows = [
        {
            "name": o.user.get_full_name(),
            "unit": o.unit.name,
            "course": o.course.title,
            "due": timezone.localtime(o.due_at).strftime("%d/%m/%Y"),
            "days_late": (timezone.localdate(now) - timezone.localdate(o.due_at)).days,
            "email": o.user.email,
            "phone": getattr(getattr(o.user, "official", None), "phone", ""),
        }
        for o in overdue
    ]
    own = (
        Reminder.objects.filter(
            recipient=user, state=Reminder.State.DIGESTED, created_at__gte=now - timedelta(days=8)
        )
        .select_related("obligation__course")
        .order_by("created_at")
    )
    seen = set()
    for r in own:
        if r.obligation_id in seen or r.obligation is None or r.obligation.completed_at is not None:
            continue
        seen.add(r.obligation_id)
        rows.append(
            {
                "name": user.get_full_name(),
                "unit": "",
                "course": r.obligation.course.title,
                "due": timezone.localtime(r.obligation.due_at).strftime("%d/%m/%Y"),
                "days_late": max(0, (timezone.localdate(now) - timezone.localdate(r.obligation.due_at)).days),
                "email": "",
                "phone": "",
            }
        )
    return rows


@dataclass
class Plan:
    """What delivery will do with one locked reminder, decided before anything is written: wait (`defer_to`),
    end without email (`state` with its `detail`), or send `email`; `notification` is the in-app copy."""

    reminder: Reminder
    defer_to: datetime | None = None
    state: str = ""
    detail: str = ""
    error: str = ""
    notification: Notification | None = None
    email: Email | None = None


def plan_delivery(reminder: Reminder, *, batch: Batch, composer: Composer, now: datetime) -> Plan:
    """Decide what to do with a reminder whose row is locked and whose own fields were read after locking."""
    quiet = planning.quiet_until(now)
    if quiet is not None or reminder.not_before > now:
        return Plan(reminder, defer_to=max(quiet or now, reminder.not_before))
    stop = stop_reason(reminder, batch=batch, now=now)
    if stop is not None:
        return Plan(reminder, state=Reminder.State.SKIPPED, detail=STOPPED[stop])
    preference = batch.preferences.get(reminder.recipient_id)
    if preference is not None and reminder.kind in OPTIONAL_KINDS and reminder.kind in preference.muted_kinds:
        return Plan(reminder, state=Reminder.State.SKIPPED, detail=_("Turned off by the person."))
    rows = digest_rows(reminder, now=now) if reminder.kind == Kind.DIGEST else None
    if reminder.kind == Kind.DIGEST and not rows:
        return Plan(reminder, state=Reminder.State.SKIPPED, detail=_("Nothing to report this week."))
    message = composer.message(reminder, rows=rows)
    plan = Plan(
        reminder,
        notification=Notification(
            reminder=reminder,
            user_id=reminder.recipient_id,
            kind=reminder.kind,
            subject=message.subject,
            body=message.text.split("\n--\n")[0].strip(),
            url=message.url,
            created_at=now,
        ),
    )
    in_digest = preference is not None and preference.mandatory_in_digest
    address = (reminder.recipient.email or "").strip()
    if in_digest and reminder.kind in MANDATORY_KINDS - {Kind.NUDGE}:
        plan.state, plan.detail = Reminder.State.DIGESTED, _("Moved into the weekly digest.")
    elif not address:
        plan.state, plan.detail = Reminder.State.SKIPPED, _("No email address; shown in the app only.")
    else:
        try:
            validate_email(address)
        except ValidationError:
            plan.state, plan.error = Reminder.State.FAILED, address
            plan.detail = _("The email address is not valid; shown in the app only.")
            return plan
        plan.email = Email(
            to=address,
            subject=message.subject,
            text=message.text,
            html=message.html,
            headers={
                "Message-ID": f"<reminder-{reminder.pk}@{settings.REMINDER_MESSAGE_DOMAIN}>",
                "List-Unsubscribe": f"<{message.unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "X-SmartWard-Reminder": str(reminder.pk),
            },
        )
    return plan


MARK_SENT = (
    f"UPDATE {Reminder._meta.db_table} SET state = %s, sent_at = %s, attempts = %s, detail = '' "  # noqa: S608 — our table
    "WHERE id = %s AND state = %s"
)
MARK_SENT_PG = MARK_SENT.replace("%s", "{}").format(*(f"${n}" for n in range(1, 6))).encode()  # libpq's form


@contextlib.contextmanager
def _as_database_error():
    """libpq's errors as Django's: a failed mark fails the task like any other database error."""
    try:
        yield
    except psycopg.Error as exc:
        raise DatabaseError(str(exc)) from exc


class Marks:
    """Writes the "sent" marks of a batch, one UPDATE per reminder that commits on its own, sent right after
    the message's final "." (see carry_out).

    On PostgreSQL the statement goes out at once but its answer — which waits for the commit to reach the
    disk — is read only before the next statement (`collect`), while the next message is on its way to the
    mail server: the two waits overlap instead of adding up (bench/reminders.py: the commit was the longest
    wait of a delivery). Elsewhere the statement is run and answered at once. Call `collect` before any other
    use of the database connection."""

    def __init__(self):
        self._waiting: int | None = None  # the reminder whose UPDATE has not been answered yet
        self._ready: tuple[int, list] | None = None  # the next UPDATE, made ready by `prepare`

    def prepare(self, reminder_id: int, *, attempts: int, now: datetime) -> None:
        """Make the next mark ready (answering the previous one), so that `send` has nothing left to do but
        write it."""
        self.collect()
        values = [Reminder.State.SENT.value, now, attempts, reminder_id, Reminder.State.PENDING.value]
        if db.vendor == "postgresql":
            db.ensure_connection()
            values[1] = now.isoformat()
            values = [str(v).encode() for v in values]
        else:
            values[1] = db.ops.adapt_datetimefield_value(now)
        self._ready = (reminder_id, values)

    def send(self) -> None:
        """Write the prepared mark."""
        reminder_id, values = self._ready
        self._ready = None
        if db.vendor != "postgresql":
            with db.cursor() as cursor:
                cursor.execute(MARK_SENT, values)
                self._check(reminder_id, cursor.rowcount)
            return
        pgconn = db.connection.pgconn
        with _as_database_error():
            pgconn.send_query_params(MARK_SENT_PG, values)
            while pgconn.flush():  # a non-blocking connection may need more than one write
                select.select([], [pgconn.socket], [])
        self._waiting = reminder_id

    def collect(self) -> None:
        """Read the answer to the UPDATE sent last, if any; raises DatabaseError when it failed."""
        if self._waiting is None:
            return
        reminder_id, self._waiting = self._waiting, None
        pgconn = db.connection.pgconn
        with _as_database_error():
            results = []
            while (result := pgconn.get_result()) is not None:
                results.append(result)
        if len(results) != 1 or results[0].status != pq.ExecStatus.COMMAND_OK:
            message = results[-1].error_message if results else pgconn.error_message
            raise DatabaseError(message.decode(errors="replace"))
        self._check(reminder_id, results[0].command_tuples)

    @staticmethod
    def _check(reminder_id: int, rows: int | None) -> None:
        if rows != 1:
            logger.warning("Reminder %s changed while it was being sent", reminder_id)


def _still_pending(reminder_id: int):
    return Reminder.objects.filter(pk=reminder_id, state=Reminder.State.PENDING)


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return True
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600


def _refused(reminder: Reminder, exc: Exception, *, attempts: int, now: datetime) -> Outcome:
    """The mail server refused the message or could not be reached: failed for good (a permanent refusal, or
    the last attempt), else pending again and retried with backoff."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    row = Reminder.objects.filter(pk=reminder.pk)
    if _permanent(exc) or attempts >= settings.REMINDER_MAX_ATTEMPTS:
        row.update(
            state=Reminder.State.FAILED,
            sent_at=None,
            failed_at=now,
            attempts=attempts,
            last_error=error,
            detail=str(_("The mail server refused the message.")),
        )
        return Outcome(Reminder.State.FAILED)
    row.update(state=Reminder.State.PENDING, sent_at=None, attempts=attempts, last_error=error)
    return Outcome(Reminder.State.PENDING, retry_in=min(3600, 60 * 2 ** (attempts - 1)))


def carry_out(plan: Plan, *, outbox: Outbox, marks: Marks, now: datetime) -> Outcome:
    """Write what the plan decided; send its email. Every write commits on its own (the reminder stays locked
    until its batch is done) and changes the row only while it is still pending.

    Sending: MAIL, RCPT and DATA (Outbox.start); the message with its final "." and the UPDATE that marks
    the row sent are written one right after the other (Outbox.end, Marks.send); then the reply is read
    (Outbox.finish), and a refusal turns the mark back. lms.reminders.mail says why in this order."""
    reminder = plan.reminder
    if plan.email is None:
        marks.collect()
    if plan.defer_to is not None:
        _still_pending(reminder.pk).update(not_before=plan.defer_to, queued_at=None)
        return Outcome("deferred")
    if plan.email is None:
        _still_pending(reminder.pk).update(
            state=plan.state,
            detail=str(plan.detail)[:200],
            last_error=plan.error,
            failed_at=now if plan.state == Reminder.State.FAILED else None,
        )
        return Outcome(plan.state)
    attempts = reminder.attempts + 1
    try:
        outbox.start(plan.email)
        marks.prepare(reminder.pk, attempts=attempts, now=now)  # the previous mark: answered meanwhile
        outbox.end()
    except (smtplib.SMTPException, OSError) as exc:
        marks.collect()
        return _refused(reminder, exc, attempts=attempts, now=now)
    marks.send()  # right after the final ".": see lms.reminders.mail
    try:
        outbox.finish()
    except (smtplib.SMTPException, OSError) as exc:
        marks.collect()
        return _refused(reminder, exc, attempts=attempts, now=now)
    return Outcome(Reminder.State.SENT)


def deliver_many(
    *, reminder_ids, now: datetime | None = None, connection=None, batch: Batch | None = None
) -> dict[int, Outcome]:
    """Deliver a batch of reminders: in-app copy always, email when allowed, over one connection.

    The batch is read once (`Batch`), its reminders locked (`held`; one another worker holds is "gone") and
    planned; the in-app copies are written in one statement (one per reminder: an earlier attempt may have
    made it); then each reminder is written and sent in turn. A transient SMTP error closes the connection
    (the next reminder opens a new one) and asks for a retry of that reminder. Returns the outcome per id."""
    now = now or timezone.now()
    ids = list(dict.fromkeys(int(pk) for pk in reminder_ids))
    batch = batch or Batch.read(ids)
    composer = Composer(now=now, templates=batch.templates)
    outcomes: dict[int, Outcome] = {}
    with held(ids) as pending:
        plans: list[Plan] = []
        for reminder_id in ids:
            if reminder_id not in pending:
                outcomes[reminder_id] = Outcome("gone")  # done, or being delivered by another worker now
                continue
            try:
                reminder = batch.reminders.get(reminder_id) or Reminder.objects.select_related(
                    *DELIVERY_RELATED
                ).get(pk=reminder_id)
                reminder.not_before, reminder.attempts = pending[reminder_id]
                plans.append(plan_delivery(reminder, batch=batch, composer=composer, now=now))
            except DatabaseError:
                raise  # the database itself: the task fails, the next sweep queues the batch again
            except Exception as exc:
                outcomes[reminder_id] = _broken(reminder_id, exc, now=now)
        Notification.objects.bulk_create(
            [plan.notification for plan in plans if plan.notification is not None], ignore_conflicts=True
        )
        outbox, marks = Outbox(connection), Marks()
        if any(plan.email is not None for plan in plans):
            with contextlib.suppress(smtplib.SMTPException, OSError):
                outbox.open()  # a failed open is recorded per reminder
        try:
            for plan in plans:
                try:
                    outcome = carry_out(plan, outbox=outbox, marks=marks, now=now)
                except DatabaseError:
                    raise
                except Exception as exc:
                    marks.collect()
                    outcome = _broken(plan.reminder.pk, exc, now=now)
                outcomes[plan.reminder.pk] = outcome
                if outcome.retry_in is not None or outcome.state == "broken":
                    outbox.close()
        finally:
            try:
                marks.collect()  # before the locks are released
            finally:
                if connection is None:
                    outbox.close()
    return outcomes


def deliver(
    *, reminder_id: int, now: datetime | None = None, connection=None, batch: Batch | None = None
) -> Outcome:
    """Deliver one reminder (see deliver_many)."""
    return deliver_many(reminder_ids=[reminder_id], now=now, connection=connection, batch=batch)[reminder_id]


def _broken(reminder_id: int, exc: Exception, *, now: datetime) -> Outcome:
    """A reminder whose message could not be made or sent for an unexpected reason (say an administrator's
    template that fails on some data): recorded as failed with the error, visible and retryable in the
    admin, so that it does not stop the rest of its batch again and again."""
    logger.exception("Reminder %s could not be delivered", reminder_id)
    Reminder.objects.filter(pk=reminder_id, state=Reminder.State.PENDING).update(
        state=Reminder.State.FAILED,
        failed_at=now,
        detail=str(_("The message could not be prepared; the error is recorded."))[:200],
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
    )
    return Outcome("broken")


def retry_failed(*, reminder_ids, by) -> int:
    """An administrator sends failed reminders again (after fixing an address, say)."""
    return Reminder.objects.filter(pk__in=list(reminder_ids), state=Reminder.State.FAILED).update(
        state=Reminder.State.PENDING,
        attempts=0,
        queued_at=None,
        not_before=timezone.now(),
        failed_at=None,
        detail="",
    )


# Nudges -----------------------------------------------------------------------------------------------


NUDGE_EPOCH = date(2000, 1, 1)


def nudge_day(now: datetime) -> int:
    """The day number a nudge is keyed by (its `offset`): days since 2000-01-01 in the platform's time zone,
    so the same calendar day of another year is a different day."""
    return (timezone.localdate(now) - NUDGE_EPOCH).days


def nudge(*, by, obligation_ids, message: str = "", now: datetime | None = None) -> tuple[list[int], int]:
    """HR or a trainer reminds selected people by hand: once per obligation and day (the unique key uses the
    day number as offset). Obligations outside the sender's reach (HR scope, courses they train) or no longer
    open are ignored. Returns (ids to send now, how many were refused: already reminded today, or out of
    reach)."""
    now = now or timezone.now()
    if not selectors.can_nudge(by):
        raise ReminderError(_("Only HR managers and the course's trainers can send reminders."), status=403)
    wanted = {int(pk) for pk in obligation_ids}
    obligations = list(selectors.obligations_nudgeable(by).filter(pk__in=wanted).order_by("pk"))
    day = nudge_day(now)
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
    ids = claim_ready(
        now=now, filters=Q(kind=Kind.NUDGE, obligation__in=obligations, offset=day, created_by=by)
    )
    return ids, refused


# People's side ----------------------------------------------------------------------------------------


def preference_update(*, user, muted_kinds, mandatory_in_digest: bool) -> Preference:
    """Save what a person wants by email. Only optional kinds can be turned off; mandatory notices can be
    moved into the weekly digest instead."""
    muted = set(muted_kinds)
    unknown = muted - set(Kind.values)
    if unknown:
        raise ReminderError(_("Unknown kind of notice: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))})
    if muted & MANDATORY_KINDS:
        raise ReminderError(
            _("Mandatory notices cannot be turned off; they can be moved into the weekly digest instead.")
        )
    preference, _created = Preference.objects.update_or_create(
        user=user,
        defaults={
            "muted_kinds": [kind for kind in Kind.values if kind in muted],
            "mandatory_in_digest": bool(mandatory_in_digest),
        },
    )
    return preference


@dataclass(frozen=True)
class Unsubscribed:
    kind: str
    muted: bool  # True: the optional kind is turned off; False: mandatory notices go into the digest
    changed: bool  # False when the preference already said so


def unsubscribe_apply(*, user_id: int, kind: str) -> Unsubscribed:
    """What an unsubscribe link does for its person: an optional kind is turned off; a mandatory kind cannot
    be silenced, so mandatory notices are moved into the weekly digest."""
    if kind not in Kind.values:
        raise ReminderError(_("This unsubscribe link is not valid."))
    with transaction.atomic():
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            raise ReminderError(_("This unsubscribe link belongs to an account that no longer exists."))
        preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
        if kind in OPTIONAL_KINDS:
            if kind in preference.muted_kinds:
                return Unsubscribed(kind=kind, muted=True, changed=False)
            preference.muted_kinds = [k for k in Kind.values if k in {*preference.muted_kinds, kind}]
            preference.save(update_fields=["muted_kinds", "updated_at"])
            return Unsubscribed(kind=kind, muted=True, changed=True)
        if preference.mandatory_in_digest:
            return Unsubscribed(kind=kind, muted=False, changed=False)
        preference.mandatory_in_digest = True
        preference.save(update_fields=["mandatory_in_digest", "updated_at"])
        return Unsubscribed(kind=kind, muted=False, changed=True)


def notification_read(*, user, notification_id: int, now: datetime | None = None) -> Notification | None:
    """Mark one of the person's notifications read (someone else's is None) and return it."""
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = now or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_read_all(*, user, now: datetime | None = None) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now or timezone.now())
