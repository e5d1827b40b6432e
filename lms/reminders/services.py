"""Reminders: plan (claim rows), deliver (lock, send, mark), digests, nudges, retries.

Exactly once: a reminder exists once per (obligation, kind, cycle, offset), or per (recipient, kind, period)
for digests, by a unique constraint; planning inserts with ON CONFLICT DO NOTHING. Delivery locks the row,
checks it is still pending, sends and marks it sent in one transaction: a repeated sweep, a redelivered task
or a second worker finds the row locked or sent. The one window left is a worker killed between the SMTP
server's acceptance and the commit; the message then goes again with the same Message-ID.
"""

import contextlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.compliance.models import Assignment, Obligation
from lms.errors import UserError
from lms.learning import structure
from lms.people.models import ManagedUnit, Official
from lms.people.scope import scope_for

from . import planning, selectors
from .messages import render
from .models import MANDATORY_KINDS, OPTIONAL_KINDS, EmailTemplate, Kind, Notification, Preference, Reminder

BATCH = 2000

logger = logging.getLogger(__name__)


class ReminderError(UserError):
    """A request this app's rules refuse."""


# Planning ---------------------------------------------------------------------------------------------


def plan_assignment(*, assignment_id: int, now: datetime, on_ready=None) -> list[int]:
    """Claim the reminders due now for one assignment's people. Returns the ids ready to send now.

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
        .only("pk", "user_id", "cycle", "is_current", "opened_at", "due_at", "completed_at", "exempt_at")
        .order_by("pk")
    )
    ready: list[int] = []

    def claim(batch: list[int]) -> None:
        ids = claim_ready(now=now, filters=Q(obligation_id__in=batch)) if batch else []
        if ids and on_ready is not None:
            on_ready(ids)
        ready.extend(ids)

    rows: list[Reminder] = []
    batch: list[int] = []
    for obligation in obligations.iterator(chunk_size=BATCH):
        for kind, offset in planning.due_reminders(obligation, now):
            rows.append(
                Reminder(
                    kind=kind,
                    recipient_id=obligation.user_id,
                    obligation_id=obligation.pk,
                    cycle=obligation.cycle,
                    offset=offset,
                    not_before=send_from,
                    created_at=now,
                )
            )
        batch.append(obligation.pk)
        if len(rows) >= BATCH or len(batch) >= BATCH:
            if rows:
                Reminder.objects.bulk_create(rows, ignore_conflicts=True)
                claim(batch)
            rows, batch = [], []
    if rows:
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        claim(batch)
    claim_rest = claim_ready(now=now, filters=Q(obligation__assignment_id=assignment_id))  # deferred, lost
    if claim_rest and on_ready is not None:
        on_ready(claim_rest)
    return ready + claim_rest


def claim_ready(
    *, now: datetime, filters: Q | None = None, stale_after: timedelta = timedelta(minutes=30)
) -> list[int]:
    """Mark pending reminders whose time has come as queued and return their ids (for the send tasks).

    A reminder queued long ago and still pending (its task was lost) is queued again; sending it twice is
    harmless because delivery checks the row. Claims are exclusive: rows are taken batch by batch under
    FOR UPDATE SKIP LOCKED, so two claimers at the same moment (the sweep and a planning task) never both
    queue a reminder, and a reminder being delivered right now is left alone."""
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
# The reminder's own fields that can change while it is pending (deferral, retries, "send again").
OWN_FIELDS = ("state", "not_before", "queued_at", "attempts", "last_error", "detail")


@dataclass
class Batch:
    """What the deliveries of one batch share, read once instead of once per reminder: the published
    courses (the specific pages; None when no longer published), the administrators' templates and the
    recipients' preferences. A Batch() with nothing read looks each thing up when asked."""

    reminders: dict[int, Reminder] = field(default_factory=dict)
    courses: dict[int, object | None] = field(default_factory=dict)
    templates: dict[str, EmailTemplate] | None = None
    preferences: dict[int, Preference] | None = None

    @classmethod
    def read(cls, reminder_ids) -> "Batch":
        """Read a batch in four queries. The reminders read here are only a cache of their recipient and
        obligation: each delivery locks its row and re-reads the row's own fields before it decides."""
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

    def lock(self, reminder_id: int) -> Reminder | None:
        """Lock the reminder's row if it is still pending and nobody else holds it; None otherwise. Call
        inside a transaction."""
        pending = Reminder.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            pk=reminder_id, state=Reminder.State.PENDING
        )
        cached = self.reminders.get(reminder_id)
        if cached is None:
            return pending.select_related(*DELIVERY_RELATED).first()
        row = pending.values_list(*OWN_FIELDS)[:1]
        if not row:
            return None
        for name, value in zip(OWN_FIELDS, row[0], strict=True):
            setattr(cached, name, value)
        return cached

    def course(self, course_id: int):
        if course_id not in self.courses:
            self.courses[course_id] = structure.course_model().objects.live().filter(pk=course_id).first()
        return self.courses[course_id]

    def preference(self, user_id: int) -> Preference | None:
        if self.preferences is None:
            return Preference.objects.filter(user_id=user_id).first()
        return self.preferences.get(user_id)


STOPPED = {
    "completed": gettext_lazy("Stopped: the course is completed."),
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


def _finish(reminder: Reminder, state: str, *, detail: str = "", error: str = "", now: datetime) -> Outcome:
    reminder.state, reminder.detail = state, str(detail)[:200]
    if error:
        reminder.last_error = error
    if state == Reminder.State.SENT:
        reminder.sent_at = now
    reminder.save(update_fields=["state", "detail", "last_error", "sent_at", "attempts"])
    return Outcome(state)


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return True
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600


def deliver(
    *, reminder_id: int, now: datetime | None = None, connection=None, batch: Batch | None = None
) -> Outcome:
    """Send one reminder if it is still due: the in-app notification always, the email when allowed.

    The row is locked (and skipped when another worker holds it), checked, sent and marked in one
    transaction. `connection` is an open SMTP connection to reuse and `batch` what a batch of deliveries
    read once (see deliver_many)."""
    now = now or timezone.now()
    batch = batch or Batch()
    with transaction.atomic():
        reminder = batch.lock(reminder_id)
        if reminder is None:
            return Outcome("gone")  # sent, stopped, or being sent by another worker right now
        quiet = planning.quiet_until(now)
        if quiet is not None or reminder.not_before > now:
            reminder.not_before, reminder.queued_at = max(quiet or now, reminder.not_before), None
            reminder.save(update_fields=["not_before", "queued_at"])
            return Outcome("deferred")
        stop = stop_reason(reminder, batch=batch, now=now)
        if stop is not None:
            return _finish(reminder, Reminder.State.SKIPPED, detail=STOPPED[stop], now=now)
        preference = batch.preference(reminder.recipient_id)
        if (
            preference is not None
            and reminder.kind in OPTIONAL_KINDS
            and reminder.kind in preference.muted_kinds
        ):
            return _finish(reminder, Reminder.State.SKIPPED, detail=_("Turned off by the person."), now=now)
        rows = digest_rows(reminder, now=now) if reminder.kind == Kind.DIGEST else None
        if reminder.kind == Kind.DIGEST and not rows:
            return _finish(
                reminder, Reminder.State.SKIPPED, detail=_("Nothing to report this week."), now=now
            )
        message = render(reminder, rows=rows, now=now, templates=batch.templates)
        Notification.objects.bulk_create(  # one per reminder (unique): an earlier attempt may have made it
            [
                Notification(
                    reminder=reminder,
                    user_id=reminder.recipient_id,
                    kind=reminder.kind,
                    subject=message.subject,
                    body=message.text.split("\n--\n")[0].strip(),
                    url=message.url,
                    created_at=now,
                )
            ],
            ignore_conflicts=True,
        )
        in_digest = preference is not None and preference.mandatory_in_digest
        if in_digest and reminder.kind in MANDATORY_KINDS - {Kind.NUDGE}:
            return _finish(
                reminder, Reminder.State.DIGESTED, detail=_("Moved into the weekly digest."), now=now
            )
        address = (reminder.recipient.email or "").strip()
        if not address:
            return _finish(
                reminder,
                Reminder.State.SKIPPED,
                detail=_("No email address; shown in the app only."),
                now=now,
            )
        try:
            validate_email(address)
        except ValidationError:
            return _finish(
                reminder,
                Reminder.State.FAILED,
                detail=_("The email address is not valid; shown in the app only."),
                error=address,
                now=now,
            )
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            to=[address],
            connection=connection or get_connection(),
            headers={
                "Message-ID": f"<reminder-{reminder.pk}@{settings.REMINDER_MESSAGE_DOMAIN}>",
                "List-Unsubscribe": f"<{message.unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "X-SmartWard-Reminder": str(reminder.pk),
            },
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        reminder.attempts += 1
        # Marked sent (uncommitted) before the message goes, so that after the server's acceptance only the
        # COMMIT is left: the smallest window in which a crash makes the message go a second time (with the
        # same Message-ID). A refusal below overwrites the mark in the same transaction.
        _finish(reminder, Reminder.State.SENT, now=now)
        try:
            email.send()
        except (smtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            reminder.sent_at = None
            if _permanent(exc) or reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
                return _finish(
                    reminder,
                    Reminder.State.FAILED,
                    detail=_("The mail server refused the message."),
                    error=error,
                    now=now,
                )
            reminder.state, reminder.last_error = Reminder.State.PENDING, error
            reminder.save(update_fields=["state", "sent_at", "attempts", "last_error"])
            return Outcome(Reminder.State.PENDING, retry_in=min(3600, 60 * 2 ** (reminder.attempts - 1)))
        return Outcome(Reminder.State.SENT)


def deliver_many(*, reminder_ids, now: datetime | None = None) -> dict[int, Outcome]:
    """Deliver a batch of reminders over one SMTP connection, each in its own transaction (exactly as
    `deliver`), with the courses, templates and preferences read once. Returns the outcome per id; a
    transient SMTP error closes the connection and the next reminder opens a new one."""
    now = now or timezone.now()
    ids = list(dict.fromkeys(reminder_ids))
    batch = Batch.read(ids)
    connection = get_connection()
    with contextlib.suppress(smtplib.SMTPException, OSError):  # a failed open is recorded per reminder
        connection.open()
    outcomes: dict[int, Outcome] = {}
    try:
        for reminder_id in ids:
            try:
                outcome = deliver(reminder_id=reminder_id, now=now, connection=connection, batch=batch)
            except DatabaseError:
                raise  # the database itself: the task fails, the next sweep queues the batch again
            except Exception as exc:
                outcome = _broken(reminder_id, exc)
            outcomes[reminder_id] = outcome
            if outcome.retry_in is not None or outcome.state == "broken":
                connection.close()
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    connection.open()
    finally:
        connection.close()
    return outcomes


def _broken(reminder_id: int, exc: Exception) -> Outcome:
    """A reminder whose message could not be made or sent for an unexpected reason (say an administrator's
    template that fails on some data): recorded as failed with the error, visible and retryable in the
    admin, so that it does not stop the rest of its batch again and again."""
    logger.exception("Reminder %s could not be delivered", reminder_id)
    Reminder.objects.filter(pk=reminder_id, state=Reminder.State.PENDING).update(
        state=Reminder.State.FAILED,
        detail=str(_("The message could not be prepared; the error is recorded."))[:200],
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
    )
    return Outcome("broken")


def retry_failed(*, reminder_ids, by) -> int:
    """An administrator sends failed reminders again (after fixing an address, say)."""
    return Reminder.objects.filter(pk__in=list(reminder_ids), state=Reminder.State.FAILED).update(
        state=Reminder.State.PENDING, attempts=0, queued_at=None, not_before=timezone.now(), detail=""
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
