from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Enrolment(models.Model):
    """A person's place in a course. One per (user, course); the completion time is set once."""

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        ASSIGNMENT = "assignment", _("Assigned")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("user")
    )
    # PROTECT: a course with learners is unpublished, never deleted (see courses.wagtail_hooks).
    course = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.PROTECT, related_name="+", verbose_name=_("course")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.SELF)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last lesson opened"),
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    # A course that must be redone (a recertification cycle) starts again here: quiz attempts and H5P
    # statements from before no longer count toward its lessons.
    cycle_started_at = models.DateTimeField(_("current cycle started at"), null=True, blank=True)
    # What follows a completion (the receivers of `course_completed`) runs after the commit, in a Celery
    # task (services.course_completion_announce); this says it ran for the current completion.
    completion_announced_at = models.DateTimeField(_("completion announced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrolment_one_per_user_course"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__gte=F("enrolled_at")),
                name="enrolment_completed_after_enrolled",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "completed_at"]),
            # The few completions still to announce (services.course_completions_unannounced).
            models.Index(
                fields=["completed_at"],
                condition=Q(completed_at__isnull=False, completion_announced_at__isnull=True),
                name="enrolment_unannounced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.course_id}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class LessonCompletion(models.Model):
    """A lesson completed by an enrolled person. One per (enrolment, lesson); never updated."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Marked as complete")
        QUIZ = "quiz", _("Quiz passed")
        H5P = "h5p", _("Interactive activity")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="lesson_completions", verbose_name=_("enrolment")
    )
    lesson = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("lesson")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_completion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lesson_id}"


class LessonRequirement(models.Model):
    """What completes a lesson besides marking it: quizzes to pass, H5P activities with their rule.

    An index of the lesson bodies, rebuilt whenever a lesson is saved (`services.requirements_sync`), so
    that one result can be checked against every lesson that uses the same activity in a fixed number of
    queries. The lesson body stays the source of truth.
    """

    class Kind(models.TextChoices):
        QUIZ = "quiz", _("Quiz")
        H5P = "h5p", _("H5P activity")

    lesson = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("lesson")
    )
    course = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("course")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveIntegerField(_("object id"))
    rule = models.CharField(_("rule"), max_length=20, blank=True)
    min_score = models.PositiveSmallIntegerField(_("minimum score (%)"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson requirement")
        verbose_name_plural = _("lesson requirements")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "kind", "object_id"], name="lesson_requirement_once"),
        ]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.lesson_id}: {self.kind} {self.object_id}"
