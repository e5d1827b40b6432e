"""Competency frameworks: a tree of areas and competences, and the proficiency scale they are rated on.

A framework is what Moodle calls a competency framework, and moves between the two systems in Moodle's CSV
format (`interchange.py`). Its scale has numbered levels ("1 — Cơ bản" … "4 — Thành thạo"); a competence is
a node of the tree (an area is a competence with children). Competences are archived, never deleted: people's
levels and the evidence behind them refer to them.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

ID_NUMBER_LENGTH = 100


class Framework(ClusterableModel):
    id_number = models.CharField(
        _("ID number"),
        max_length=ID_NUMBER_LENGTH,
        unique=True,
        help_text=_("A short code that identifies the framework in other systems, e.g. NLS-PHUONG."),
    )
    short_name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    taxonomy = models.CharField(
        _("taxonomy"),
        max_length=255,
        blank=True,
        help_text=_(
            "Moodle's names of the tree's levels, comma-separated, e.g. “domain,competency”. Kept for export."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")
        ordering = ["short_name"]
        permissions = [("manage_frameworks", _("Can author competency frameworks"))]

    def __str__(self):
        return self.short_name

    def proficient_level(self):
        """The lowest level that counts as proficient (Moodle's `proficient` flag); None without one."""
        return next((level for level in self.levels.all() if level.is_proficient), None)


class ScaleLevel(Orderable):
    """One step of a framework's proficiency scale; `number` is its position, lowest first (1, 2, …)."""

    framework = ParentalKey(Framework, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    is_proficient = models.BooleanField(
        _("counts as proficient"), default=False, help_text=_("Moodle's “proficient” flag for this value.")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="scale_level_number_once"),
            models.UniqueConstraint(fields=["framework", "name"], name="scale_level_name_once"),
        ]

    def __str__(self):
        return f"{self.number} — {self.name}"


class CompetencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Competency(models.Model):
    # Deleting a framework takes its tree with it; anything that refers to a competence (people's levels,
    # evidence) protects it, so a framework in use cannot be deleted, and a competence is archived instead.
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="competencies", verbose_name=_("framework")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("belongs to"),
        help_text=_("Empty for an area (a competence at the top of the framework)."),
    )
    id_number = models.CharField(
        _("ID number"),
        max_length=ID_NUMBER_LENGTH,
        help_text=_("Unique within the framework, e.g. 4.2. Other systems recognise the competence by it."),
    )
    short_name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("cross-referenced competences")
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    # Moodle's completion rule of the competence: kept as it came, for the export; not applied here.
    moodle_rule_type = models.CharField(max_length=255, blank=True, editable=False)
    moodle_rule_outcome = models.CharField(max_length=20, blank=True, editable=False)
    moodle_rule_config = models.TextField(blank=True, editable=False)

    objects = CompetencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["framework", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "id_number"], name="competency_id_number_once"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="competency_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.id_number} {self.short_name}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
