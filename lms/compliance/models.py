"""Mandatory training: what HR assigns, and each person's duty under it, cycle by cycle."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Assignment(models.Model):
    """A course HR makes mandatory for a unit (optionally with its subunits and/or one position) or for one
    person, with a due date and an optional validity after which the course must be taken again."""

    class DueKind(models.TextChoices):
        FIXED = "fixed", _("Fixed date")
        RELATIVE = "relative", _("Days after assignment")

    course = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.PROTECT, related_name="+", verbose_name=_("course")
    )
    unit = models.ForeignKey(
        "people.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("unit"),
    )
    include_subunits = models.BooleanField(_("include subunits"), default=True)
    position = models.ForeignKey(
        "people.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("only this position"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="individual_assignments",
        verbose_name=_("person"),
    )
    due_kind = models.CharField(_("due date"), max_length=10, choices=DueKind.choices)
    due_date = models.DateField(_("due on"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(_("days to complete"), null=True, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the course never has to be taken again."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        permissions = [("manage_assignments", _("Can manage mandatory training"))]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(user__isnull=True))
                | (Q(unit__isnull=True) & Q(user__isnull=False) & Q(position__isnull=True)),
                name="assignment_one_target",
            ),
            models.CheckConstraint(
                condition=(Q(due_kind="fixed") & Q(due_date__isnull=False) & Q(due_days__isnull=True))
                | (Q(due_kind="relative") & Q(due_days__isnull=False) & Q(due_date__isnull=True)),
                name="assignment_due_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(validity_months__isnull=True) | Q(validity_months__gte=1),
                name="assignment_validity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} → {self.unit_id or self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Obligation(models.Model):
    """One person's duty to take one course, for one cycle (cycle 2 onwards are recertifications): however
    many assignments reach the person for the course, they owe it once. The assignments are its sources
    (ObligationSource); `assignment` is the one that governs, the active source due first, whose due date
    is the duty's.

    The person's unit is copied here and kept current, so reports group obligations by unit without
    joining the people tables. Rows are never deleted: a closed or renewed cycle stays as history, and only
    the current cycle of each (person, course) counts.
    """

    class Closed(models.TextChoices):
        WITHDRAWN = "withdrawn", _("Assignment withdrawn")
        LEFT = "left", _("No longer in the assigned group")
        DEACTIVATED = "deactivated", _("Account deactivated")

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        related_name="obligations",
        verbose_name=_("governing assignment"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="obligations",
        verbose_name=_("person"),
    )
    course = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.PROTECT, related_name="+", verbose_name=_("course")
    )
    unit = models.ForeignKey(
        "people.OrgUnit", on_delete=models.PROTECT, related_name="obligations", verbose_name=_("unit")
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    opened_at = models.DateTimeField(_("assigned to the person at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    exempt_at = models.DateTimeField(_("exempted at"), null=True, blank=True)
    exempt_reason = models.CharField(_("reason for exemption"), max_length=300, blank=True)
    exempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exempted by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_reason = models.CharField(_("closed because"), max_length=20, choices=Closed.choices, blank=True)
    # A completion taken back: the certificate that recorded it was revoked, so the obligation reopened.
    # The latest such certificate is kept for the reason in words; the count tells each completion apart
    # (the reminders confirm a completion once per count).
    revoked_certificate = models.ForeignKey(
        "certificates.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reopened by the revocation of"),
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        permissions = [("view_reports", _("Can view training reports"))]
        constraints = [
            models.UniqueConstraint(fields=["user", "course", "cycle"], name="obligation_duty_per_cycle"),
            models.UniqueConstraint(
                fields=["user", "course"], condition=Q(is_current=True), name="obligation_duty_current"
            ),
            models.CheckConstraint(
                condition=(Q(exempt_at__isnull=True) & Q(exempt_reason=""))
                | (Q(exempt_at__isnull=False) & ~Q(exempt_reason="")),
                name="obligation_exemption_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(is_current=False),
                name="obligation_closed_not_current",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(completed_at__isnull=False),
                name="obligation_validity_after_completion",
            ),
            models.CheckConstraint(
                condition=(Q(reopen_count=0) & Q(revoked_certificate__isnull=True))
                | (Q(reopen_count__gt=0) & Q(revoked_certificate__isnull=False)),
                name="obligation_reopened_by_a_revocation",
            ),
        ]
        # The unit summary counts statuses from these partial indexes alone (index-only scans): every current
        # row, the exempt, the open ones started or not, and the completions whose validity has run out;
        # see selectors.status_counts_by_unit. Their keys carry the report filters (course, due date).
        indexes = [
            models.Index(
                fields=["unit", "course", "due_at"], condition=Q(is_current=True), name="obligation_report"
            ),
            models.Index(
                fields=["unit", "course", "due_at"],
                condition=Q(is_current=True, exempt_at__isnull=False),
                name="obligation_report_exempt",
            ),
            models.Index(
                fields=["unit", "course", "due_at", "cycle"],
                condition=Q(
                    is_current=True,
                    exempt_at__isnull=True,
                    completed_at__isnull=True,
                    started_at__isnull=False,
                ),
                name="obligation_report_started",
            ),
            models.Index(
                fields=["unit", "course", "due_at", "cycle"],
                condition=Q(
                    is_current=True,
                    exempt_at__isnull=True,
                    completed_at__isnull=True,
                    started_at__isnull=True,
                ),
                name="obligation_report_new",
            ),
            models.Index(
                fields=["valid_until", "unit", "course"],
                condition=Q(is_current=True, exempt_at__isnull=True, valid_until__isnull=False),
                name="obligation_report_lapsed",
            ),
            models.Index(fields=["user", "course"], name="obligation_person_course"),
            models.Index(fields=["due_at"], condition=Q(is_current=True), name="obligation_due"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.assignment_id} #{self.cycle}"


class ObligationSource(models.Model):
    """An assignment that reaches a person's duty: one row per (duty, assignment). Withdrawing the
    assignment or leaving its group closes the row; the duty stays while another source is open."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="sources", verbose_name=_("obligation")
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="sources", verbose_name=_("assignment")
    )
    opened_at = models.DateTimeField(_("reached the person at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_reason = models.CharField(
        _("closed because"), max_length=20, choices=Obligation.Closed.choices, blank=True
    )

    class Meta:
        verbose_name = _("source of an obligation")
        verbose_name_plural = _("sources of obligations")
        constraints = [
            models.UniqueConstraint(fields=["obligation", "assignment"], name="obligation_source_once"),
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True) & Q(closed_reason=""))
                | (Q(closed_at__isnull=False) & ~Q(closed_reason="")),
                name="obligation_source_closed_with_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["assignment", "obligation"], name="obligation_source_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.obligation_id} ← {self.assignment_id}"


class FiguresSnapshot(models.Model):
    """The HR dashboard's figures counted at one moment (`taken_at`) for every unit and course: what a large
    dashboard (a city) reads instead of counting two million obligations on every view, shown "as of" that
    moment. Written whole, in one transaction, by `reports.snapshot.snapshot_take` (Celery beat, or the
    command `dashboard_figures_refresh`); only the latest finished one is read, older ones are deleted."""

    taken_at = models.DateTimeField(_("figures as of"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("snapshot of the dashboard's figures")
        verbose_name_plural = _("snapshots of the dashboard's figures")
        indexes = [
            models.Index(
                fields=["taken_at"], condition=Q(finished_at__isnull=False), name="figures_snapshot_ready"
            )
        ]

    def __str__(self) -> str:
        return f"{self.taken_at:%Y-%m-%d %H:%M}"


class SnapshotCounts(models.Model):
    """Current obligations of one unit (by the unit the duty carried then) and course, per status at the
    snapshot's moment, exactly as `status_q` decides them."""

    snapshot = models.ForeignKey(FiguresSnapshot, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("people.OrgUnit", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    not_started = models.PositiveIntegerField(default=0)
    in_progress = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    expired = models.PositiveIntegerField(default=0)
    exempt = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit", "course"], name="snapshot_counts_once")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}: {self.unit_id}/{self.course_id}"


class SnapshotCompletions(models.Model):
    """Completions that count at the snapshot's moment (status completed), per unit, course and month of
    completion in Ho Chi Minh City: the dashboard's completion curve."""

    snapshot = models.ForeignKey(FiguresSnapshot, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("people.OrgUnit", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    completed = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "unit", "course", "month"], name="snapshot_completions_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}: {self.unit_id}/{self.course_id} {self.month:%Y-%m}"


class SnapshotHours(models.Model):
    """Training hours of the certificates not revoked at the snapshot's moment, per the holder's unit then,
    course and year of completion in Ho Chi Minh City."""

    snapshot = models.ForeignKey(FiguresSnapshot, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("people.OrgUnit", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=14, decimal_places=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "unit", "course", "year"], name="snapshot_hours_once")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}: {self.unit_id}/{self.course_id} {self.year}"
