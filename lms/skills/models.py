"""Competency frameworks: a tree of areas and competences, and the proficiency scale they are rated on.

A framework is what Moodle calls a competency framework, and moves between the two systems in Moodle's CSV
format (`interchange.py`). Its scale has numbered levels ("1 — Cơ bản" … "4 — Thành thạo"); a competence is
a node of the tree (an area is a competence with children). Competences are archived, never deleted: people's
levels and the evidence behind them refer to them.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
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


class Evidence(models.Model):
    """What shows a competence at a level: a course or lesson completed, a quiz's questions of a category
    (or one question) answered well enough, an H5P activity passed. Trainers link them; people's levels are
    computed from them (`levels.py`). A deleted source leaves the link as history (its `label`), not counted.
    """

    class Kind(models.TextChoices):
        COURSE = "course", _("Course completed")
        LESSON = "lesson", _("Lesson completed")
        CATEGORY = "category", _("Questions of a category answered correctly")
        QUESTION = "question", _("A question answered correctly")
        ACTIVITY = "activity", _("H5P activity passed")

    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("competence")
    )
    level = models.PositiveSmallIntegerField(_("shows level"), validators=[MinValueValidator(1)])
    kind = models.CharField(_("evidence"), max_length=20, choices=Kind.choices)
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course or lesson"),
    )
    category = models.ForeignKey(
        "quiz.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("question category"),
    )
    question = models.ForeignKey(
        "quiz.Question",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("question"),
    )
    activity = models.ForeignKey(
        "h5p.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("H5P activity"),
    )
    threshold = models.PositiveSmallIntegerField(
        _("share answered correctly (%)"),
        default=80,
        validators=[MinValueValidator(1)],
        help_text=_("For questions of a category: the share of them a person must have answered correctly."),
    )
    label = models.CharField(_("source"), max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(condition=Q(threshold__lte=100), name="evidence_threshold_percent")
        ]

    def __str__(self):
        return f"{self.competency}: {self.get_kind_display()} — {self.label}"

    @property
    def source(self):
        """The course or lesson page, category, question or activity; None once it has been deleted."""
        return {
            self.Kind.COURSE: self.page,
            self.Kind.LESSON: self.page,
            self.Kind.CATEGORY: self.category,
            self.Kind.QUESTION: self.question,
            self.Kind.ACTIVITY: self.activity,
        }[self.kind]

    @property
    def is_counted(self) -> bool:
        """False once its course, lesson, category, question or activity is gone: kept as history only."""
        return self.source is not None


class Rating(models.Model):
    """A trainer's or HR officer's judgement of a person's level, with a note: evidence like any other.

    HR rates the people of their units from the skills map; a trainer rates the learners of a course they
    train (`course`), in the competences linked to that course."""

    class RatedAs(models.TextChoices):
        HR = "hr", _("HR officer")
        TRAINER = "trainer", _("Trainer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="skill_ratings",
        verbose_name=_("person rated"),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("competence")
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1)])
    note = models.TextField(_("note"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("rated by")
    )
    rated_at = models.DateTimeField(_("rated at"), auto_now_add=True)
    rated_as = models.CharField(_("rated as"), max_length=10, choices=RatedAs.choices, default=RatedAs.HR)
    course = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
        help_text=_("The course a trainer rated the person as a learner of."),
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-rated_at"]

    def __str__(self):
        return f"{self.user}: {self.competency} = {self.level}"


class PersonLevel(models.Model):
    """A person's computed level in a competence and the evidence behind it (`levels.evidence_text` says
    it in words). Written only by `levels.person_levels_recompute`; a row exists for a level of 1 or more.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="skill_levels",
        verbose_name=pgettext_lazy("skills", "person"),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="person_levels", verbose_name=_("competence")
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1)])
    evidence = models.JSONField(_("evidence"), default=list)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("person's level")
        verbose_name_plural = _("people's levels")
        permissions = [
            ("view_skills_map", _("Can view the skills map of their units")),
            ("rate_people", _("Can rate the skills of people in their units")),
            ("rate_learners", _("Can rate the skills of the learners of the courses they train")),
        ]
        constraints = [models.UniqueConstraint(fields=["user", "competency"], name="person_level_once")]
        indexes = [models.Index(fields=["competency", "level"])]

    def __str__(self):
        return f"{self.user}: {self.competency} = {self.level}"


class ExpectedLevel(models.Model):
    """A position's profile: the level a holder of the position is expected to have in a competence."""

    position = models.ForeignKey(
        "people.Position",
        on_delete=models.CASCADE,
        related_name="expected_levels",
        verbose_name=_("position"),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="expected_levels", verbose_name=_("competence")
    )
    level = models.PositiveSmallIntegerField(_("expected level"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("expected level")
        verbose_name_plural = _("expected levels")
        constraints = [models.UniqueConstraint(fields=["position", "competency"], name="expected_level_once")]

    def __str__(self):
        return f"{self.position}: {self.competency} ≥ {self.level}"


class AttemptTally(models.Model):
    """What a submitted quiz attempt showed, per question category and question, kept by the skills app
    when the attempt finishes (a quiz that keeps no exam paper deletes its answers right after)."""

    attempt = models.OneToOneField("quiz.Attempt", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quiz_title = models.CharField(max_length=255)
    submitted_at = models.DateTimeField()
    # {"<category id>": [answered with full marks, questions of the category in the attempt]}
    categories = models.JSONField(default=dict)
    correct_questions = models.JSONField(default=list)  # ids of the questions answered with full marks

    class Meta:
        verbose_name = _("quiz attempt tally")
        verbose_name_plural = _("quiz attempt tallies")
        indexes = [models.Index(fields=["user"])]

    def __str__(self):
        return f"{self.quiz_title} ({self.attempt_id})"


class MapSnapshot(models.Model):
    """The skills map's counts taken at one moment (`taken_at`) for every unit, position and competence: what
    a large map (the city) reads instead of comparing a million people's levels on every view, shown "as of"
    that moment. Written whole, in one transaction, by `snapshot.map_snapshot_take` (Celery beat, or the
    command `skills_map_refresh`); only the latest finished one is read, older ones are deleted."""

    taken_at = models.DateTimeField(_("figures as of"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("snapshot of the skills map")
        verbose_name_plural = _("snapshots of the skills map")
        indexes = [
            models.Index(
                fields=["taken_at"], condition=Q(finished_at__isnull=False), name="skills_snapshot_ready"
            )
        ]

    def __str__(self) -> str:
        return f"{self.taken_at:%Y-%m-%d %H:%M}"


class MapSnapshotCounts(models.Model):
    """At the snapshot's moment: the active officials of one unit holding one position whose profile expects
    the competence (`expected`), and how many of them were at or above the expected level (`reached`)."""

    snapshot = models.ForeignKey(MapSnapshot, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("people.OrgUnit", on_delete=models.CASCADE, related_name="+")
    position = models.ForeignKey("people.Position", on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    expected = models.PositiveIntegerField(default=0)
    reached = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "unit", "position", "competency"], name="skills_snapshot_counts_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}: {self.unit_id}/{self.position_id}/{self.competency_id}"
