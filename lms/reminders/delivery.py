"""Reminders: delivery — each claimed reminder sent once, by email through Django's email API and in the app.

A send task delivers a batch of reminders (`reminders_deliver`): it reads the batch once (`Batch`), takes
each reminder's delivery lock (`held`: PostgreSQL session-level advisory locks) and reads again which are
still pending, decides per reminder (`delivery_decide`: stops, preferences, quiet hours, address), writes the
in-app copies in one statement (during quiet hours too: they hold back the email only), then sends each
email (`messages.reminder_email`, Django's
`EmailMultiAlternatives`) with `send_messages` on the batch's one connection from `get_connection()`, and
marks the row sent through the ORM right after the mail server accepted it (`delivery_carry_out`). No MIME
or SMTP dialogue is written here: Django's email backend does both; the only SQL of this module's own is
the advisory locks. Every write commits on its own and changes the row only while it is still pending, so a
redelivered task, a second worker or a repeated sweep finds the lock taken or the row already sent.

The one window no design closes without the mail server's help: a worker killed after the server accepted a
message and before its mark committed. The reminder stays pending and the message goes again, with the same
Message-ID (`<reminder-ID@REMINDER_MESSAGE_DOMAIN>`), by which mail systems recognise the copy. Messages go
one at a time, each marked before the next is sent, so that window is one message's reply and one UPDATE
(sending the whole batch with one `send_messages` call would widen it to the batch).
"""

import contextlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime
from email import charset as email_charset

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import DatabaseError
from django.db import connection as db
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.compliance.models import Obligation
from lms.learning import structure

from . import planning, selectors
from .messages import Composer, reminder_email
from .models import MANDATORY_KINDS, OPTIONAL_KINDS, EmailTemplate, Kind, Notification, Preference, Reminder

logger = logging.getLogger(__name__)


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

    def obligations_reread(self, reminder_ids) -> None:
        """Read the duties of these (just locked) reminders again, in one query: a withdrawal, exemption or
        completion committed since the batch was read stops the reminder instead of racing it."""
        cached = [self.reminders[pk] for pk in reminder_ids if pk in self.reminders]
        ids = {r.obligation_id for r in cached if r.obligation_id is not None}
        if not ids:
            return
        fresh = Obligation.objects.select_related("assignment").in_bulk(ids)
        for reminder in cached:
            if reminder.obligation_id in fresh:
                reminder.obligation = fresh[reminder.obligation_id]

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
    email: EmailMultiAlternatives | None = None


def delivery_decide(reminder: Reminder, *, batch: Batch, composer: Composer, now: datetime) -> Plan:
    """Decide what to do with a reminder whose row is locked and whose own fields were read after locking."""
    quiet = planning.quiet_until(now)
    if reminder.not_before > now and (quiet is None or reminder.not_before > quiet):
        return Plan(reminder, defer_to=reminder.not_before)  # not yet: claimed early (a retry's wait)
    stop = stop_reason(reminder, batch=batch, now=now)
    if stop is not None:
        return Plan(reminder, state=Reminder.State.SKIPPED, detail=STOPPED[stop])
    preference = batch.preferences.get(reminder.recipient_id)
    if preference is not None and reminder.kind in OPTIONAL_KINDS and reminder.kind in preference.muted_kinds:
        return Plan(reminder, state=Reminder.State.SKIPPED, detail=_("Turned off by the person."))
    rows = selectors.digest_rows(reminder, now=now) if reminder.kind == Kind.DIGEST else None
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
            body=message.short,
            url=message.path,
            created_at=now,
        ),
    )
    if quiet is not None:
        # Quiet hours hold back the email only: the in-app copy is written now (the notification is unique per
        # reminder, so the delivery at 07:00 adds none), the reminder waits for 07:00 to decide its email.
        plan.defer_to = max(quiet, reminder.not_before)
        return plan
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
        plan.email = reminder_email(reminder_id=reminder.pk, to=address, message=message)
    return plan


def _still_pending(reminder_id: int):
    return Reminder.objects.filter(pk=reminder_id, state=Reminder.State.PENDING)


def _permanent(exc: Exception) -> bool:
    """A 5xx answer (RFC 5321 4.2.1) is for good; a 4xx one, or no answer at all, may change later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600


def _refused(reminder: Reminder, exc: Exception, *, attempts: int, now: datetime) -> Outcome:
    """The mail server refused the message or could not be reached: failed for good (a permanent refusal, or
    the last attempt), else pending again and retried with backoff."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    row = _still_pending(reminder.pk)
    if _permanent(exc) or attempts >= settings.REMINDER_MAX_ATTEMPTS:
        row.update(
            state=Reminder.State.FAILED,
            failed_at=now,
            attempts=attempts,
            last_error=error,
            detail=str(_("The mail server refused the message.")),
        )
        return Outcome(Reminder.State.FAILED)
    row.update(attempts=attempts, last_error=error)
    return Outcome(Reminder.State.PENDING, retry_in=min(3600, 60 * 2 ** (attempts - 1)))


# Python's default for UTF-8 bodies: base64. Django writes them 8bit (quoted-printable for a line longer than
# 998 octets); a message for a server that does not announce 8BITMIME (RFC 6152) gets this charset instead.
BASE64_UTF8 = email_charset.Charset("utf-8")


def _eight_bit_refused(connection) -> bool:
    """Whether the open SMTP connection's server lacks 8BITMIME (False for other backends)."""
    smtp = getattr(connection, "connection", None)
    if not isinstance(smtp, smtplib.SMTP):
        return False
    smtp.ehlo_or_helo_if_needed()
    return not smtp.has_extn("8bitmime")


def email_send(email: EmailMultiAlternatives, *, connection) -> None:
    """Send one email on an email backend's connection, opening it if it is closed (and leaving it open).
    Raises smtplib.SMTPException or OSError when the server refuses the message or cannot be reached, and
    ValueError (BadHeaderError) for a header with a line break, before anything is sent."""
    connection.open()  # nothing to do while it is open
    if _eight_bit_refused(connection):
        email.encoding = BASE64_UTF8
    connection.send_messages([email])


def _close(connection) -> None:
    """Close the batch's connection after an error: the next reminder opens a new one."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.close()


def delivery_carry_out(plan: Plan, *, connection, now: datetime) -> Outcome:
    """Write what the plan decided; send its email. Every write commits on its own (the reminder stays locked
    until its batch is done) and changes the row only while it is still pending.

    The email goes alone on the batch's connection (opened again if an error closed it), and the row is
    marked sent as soon as the server has accepted it: the exactly-once window of the module's docstring.
    A refusal leaves the row unmarked and is recorded (`_refused`)."""
    reminder = plan.reminder
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
    mark = _still_pending(reminder.pk)
    try:
        email_send(plan.email, connection=connection)
    except (smtplib.SMTPException, OSError) as exc:
        return _refused(reminder, exc, attempts=attempts, now=now)
    if mark.update(state=Reminder.State.SENT, sent_at=now, attempts=attempts, detail="") != 1:
        logger.warning("Reminder %s changed while it was being sent", reminder.pk)
    return Outcome(Reminder.State.SENT)


def reminders_deliver(
    *, reminder_ids, now: datetime | None = None, connection=None, batch: Batch | None = None
) -> dict[int, Outcome]:
    """Deliver a batch of reminders: in-app copy always, email when allowed, over one connection (`connection`
    or one from `get_connection()` opened for the batch and closed at its end).

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
        batch.obligations_reread(pending)
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
                plans.append(delivery_decide(reminder, batch=batch, composer=composer, now=now))
            except DatabaseError:
                raise  # the database itself: the task fails, the next sweep queues the batch again
            except Exception as exc:
                outcomes[reminder_id] = _broken(reminder_id, exc, now=now)
        Notification.objects.bulk_create(
            [plan.notification for plan in plans if plan.notification is not None], ignore_conflicts=True
        )
        mailer = connection or get_connection()
        try:
            for plan in plans:
                try:
                    outcome = delivery_carry_out(plan, connection=mailer, now=now)
                except DatabaseError:
                    raise
                except Exception as exc:
                    outcome = _broken(plan.reminder.pk, exc, now=now)
                outcomes[plan.reminder.pk] = outcome
                if outcome.retry_in is not None or outcome.state == "broken":
                    _close(mailer)
        finally:
            if connection is None:
                _close(mailer)
    return outcomes


def reminder_deliver(
    *, reminder_id: int, now: datetime | None = None, connection=None, batch: Batch | None = None
) -> Outcome:
    """Deliver one reminder (see reminders_deliver)."""
    return reminders_deliver(reminder_ids=[reminder_id], now=now, connection=connection, batch=batch)[
        reminder_id
    ]


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


def failed_reminders_retry(*, reminder_ids, by) -> int:
    """An administrator sends failed reminders again (after fixing an address, say)."""
    return Reminder.objects.filter(pk__in=list(reminder_ids), state=Reminder.State.FAILED).update(
        state=Reminder.State.PENDING,
        attempts=0,
        queued_at=None,
        not_before=timezone.now(),
        failed_at=None,
        detail="",
    )
