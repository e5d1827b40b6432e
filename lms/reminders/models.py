"""Reminders: one row per message that should exist, decided once by a unique key; the in-app inbox;
people's preferences; the email templates administrators edit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNED = "assigned", _("New mandatory course")
    DUE_SOON = "due_soon", _("Due soon")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE = "overdue", _("Overdue")
    EXPIRING = "expiring", _("Recertification due")
    COMPLETED = "completed", _("Completion confirmation")
    DIGEST = "digest", _("Weekly digest")
    NUDGE = "nudge", _("Reminder from HR or a trainer")


# The label of the button of each kind, in the email and in the notification centre.
ACTION_LABELS = {
    Kind.ASSIGNED: _("Start the course"),
    Kind.EXPIRING: _("Take the course again"),
    Kind.DUE_SOON: _("Continue the course"),
    Kind.DUE_TODAY: _("Continue the course"),
    Kind.OVERDUE: _("Continue the course"),
    Kind.COMPLETED: _("Download your certificate"),
    Kind.NUDGE: _("Continue the course"),
    Kind.DIGEST: _("Open the overview"),
}

# Mandatory notices can be moved into the weekly digest but never turned off; the others can be turned off.
MANDATORY_KINDS = frozenset({Kind.ASSIGNED, Kind.DUE_TODAY, Kind.OVERDUE, Kind.EXPIRING, Kind.NUDGE})
OPTIONAL_KINDS = frozenset({Kind.DUE_SOON, Kind.COMPLETED, Kind.DIGEST})


class Reminder(models.Model):
    """A message that must reach a person exactly once.

    The unique key (obligation, kind, cycle, offset) — or (recipient, kind, period) for digests — is
    claimed by the sweep in the database; the send task locks the row, sends, and marks it sent in the same
    transaction, so a repeated sweep, a redelivered task or a second worker finds it sent and does nothing.
    `offset` is the number of days before the due date for due-soon reminders, the week number for overdue
    ones, the day number for nudges, 0 otherwise.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        DIGESTED = "digested", _("Moved into the weekly digest")
        SKIPPED = "skipped", _("Not sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    obligation = models.ForeignKey(
        "compliance.Obligation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("obligation"),
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    offset = models.PositiveSmallIntegerField(_("offset"), default=0)
    period = models.CharField(_("period"), max_length=20, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    not_before = models.DateTimeField(_("not before"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by hand by"),
    )
    message = models.TextField(_("message from the sender"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        permissions = [
            ("nudge_people", _("Can remind people by hand")),
            ("operate_reminders", _("Can operate reminder delivery")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "kind", "cycle", "offset"],
                condition=Q(obligation__isnull=False),
                name="reminder_once_per_obligation",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "period"],
                condition=Q(obligation__isnull=True),
                name="reminder_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(obligation__isnull=False) | ~Q(period=""), name="reminder_has_a_key"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "not_before"], name="reminder_due"),
            models.Index(fields=["state", "created_at"], name="reminder_state"),
            models.Index(fields=["failed_at"], condition=Q(state="failed"), name="reminder_failed"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.state})"


class Notification(models.Model):
    """The in-app copy of a message, shown in the notification centre."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    reminder = models.OneToOneField(
        Reminder,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification",
        verbose_name=_("reminder"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject

    @property
    def action_label(self) -> str:
        """The button's label in the notification centre (the same as the email's)."""
        return str(ACTION_LABELS.get(self.kind, _("Open")))


class Preference(models.Model):
    """What a person wants to receive by email. Mandatory notices can be moved into the digest only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_preference",
        verbose_name=_("user"),
    )
    muted_kinds = models.JSONField(_("turned off"), default=list, blank=True)
    mandatory_in_digest = models.BooleanField(
        _("send mandatory notices in the weekly digest instead of one by one"), default=False
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return str(self.user)


class EmailTemplate(models.Model):
    """An administrator's version of a message; without one the built-in template is used."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    subject = models.CharField(_("subject"), max_length=250)
    text_body = models.TextField(_("plain text"))
    html_body = models.TextField(_("HTML"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")

    def __str__(self) -> str:
        return self.get_kind_display()


class SweepRun(models.Model):
    """One run of the periodic sweep, for the operations view."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    assignments = models.PositiveIntegerField(_("assignments"), default=0)
    queued = models.PositiveIntegerField(_("queued"), default=0)

    class Meta:
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
