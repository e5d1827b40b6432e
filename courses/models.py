from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Substr
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from content.blocks import PERSONAL_BLOCK_TYPES, LessonBodyBlock
from lms.learning.models import LessonCompletion, LessonRequirement
from lms.learning.requirements import Requirement, all_met
from lms.learning.services import enrolment_touch, requirements_recheck, requirements_sync
from lms.offline import allow_offline
from lms.text import fold

from . import selectors
from .slugs import PageForm, VietnameseSlugMixin

PREVIEW_WITH_DRAFTS = "with-drafts"


class CourseIndexPage(VietnameseSlugMixin, Page):
    """The catalogue: every published course below it, with search and a topic filter."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    base_form_class = PageForm
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage", "courses.InfoPage"]

    class Meta:
        verbose_name = _("course catalogue")
        verbose_name_plural = _("course catalogues")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            selectors.catalogue(
                index=self,
                user=request.user,
                query=request.GET.get("q", ""),
                topic=request.GET.get("topic", ""),
                page_number=request.GET.get("page"),
            )
        )
        return context

    def serve(self, request, *args, **kwargs):
        return allow_offline(super().serve(request, *args, **kwargs))

    def route(self, request, path_components):
        """A lesson's address (course/module/lesson below the catalogue) in one query instead of Wagtail's
        two per level, which also gives the lesson its course's id (`LessonPage.get_course_id`). Anything
        else is routed as Wagtail does."""
        if len(path_components) == 3:
            course_path = Substr(OuterRef("path"), 1, (self.depth + 1) * self.steplen)
            lesson = (
                LessonPage.objects.filter(
                    path__startswith=self.path,
                    depth=self.depth + 3,
                    slug=path_components[-1],
                    url_path=f"{self.url_path}{'/'.join(path_components)}/",
                )
                .annotate(
                    routed_course_id=Subquery(CoursePage.objects.filter(path=course_path).values("pk")[:1])
                )
                .first()
            )
            if lesson is not None and lesson.live:
                return RouteResult(lesson)
        return super().route(request, path_components)


class CourseTag(TaggedItemBase):
    content_object = ParentalKey("courses.CoursePage", on_delete=models.CASCADE, related_name="tagged_items")


class CoursePage(VietnameseSlugMixin, Page):
    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    summary = models.TextField(_("summary"), max_length=600)
    learning_outcomes = models.TextField(
        _("learning outcomes"), blank=True, help_text=_("One outcome per line.")
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=4,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(200)],
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.BEGINNER)
    topics = ClusterTaggableManager(through=CourseTag, blank=True, verbose_name=_("topics"))
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trainer"),
    )
    # Title, summary, outcomes and topics without diacritics, for search typed without them.
    search_text = models.TextField(editable=False, blank=True, default="")

    base_form_class = PageForm
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("learning_outcomes"),
        MultiFieldPanel(
            [FieldPanel("estimated_hours"), FieldPanel("level"), FieldPanel("topics"), FieldPanel("trainer")],
            heading=_("Course details"),
        ),
        FieldPanel("cover_image"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("learning_outcomes"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def save(self, *args, **kwargs):
        topics = " ".join(tag.name for tag in self.topics.all())
        self.search_text = fold(" ".join([self.title, self.summary, self.learning_outcomes, topics]))
        return super().save(*args, **kwargs)

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.course_outline(course=self, user=request.user, request=request))
        return context

    def serve(self, request, *args, **kwargs):
        return allow_offline(super().serve(request, *args, **kwargs))


class ModulePage(VietnameseSlugMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    base_form_class = PageForm
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def serve(self, request, *args, **kwargs):
        # A module is a heading in its course's outline; its own address leads there.
        if getattr(request, "is_preview", False):
            return super().serve(request, *args, **kwargs)
        course = self.get_parent()
        return redirect(f"{course.get_url(request)}#module-{self.pk}")


class LessonPage(VietnameseSlugMixin, Page):
    body = StreamField(LessonBodyBlock(), blank=True, verbose_name=_("body"))
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=15, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    is_required = models.BooleanField(
        _("required for completion"),
        default=True,
        help_text=_("The course is complete when every required lesson is complete."),
    )

    base_form_class = PageForm
    content_panels = Page.content_panels + [
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("estimated_minutes"), FieldPanel("is_required")], heading=_("Completion")
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def has_personal_blocks(self) -> bool:
        """Whether the body holds a block that shows each person their own state (a quiz, an activity);
        read from the stored data, without building the blocks."""
        return any(block.get("type") in PERSONAL_BLOCK_TYPES for block in self.body.raw_data)

    def body_cache_key(self, request) -> str:
        """The key of the rendered body in the cache, or "" when it may not be kept: a preview, a lesson
        without a published revision, a body with a quiz or an activity."""
        if getattr(request, "is_preview", False) or not self.live_revision_id or self.has_personal_blocks():
            return ""
        return f"{self.pk}:{self.live_revision_id}"

    def quiz_ids(self) -> list[int]:
        """The quizzes placed in this lesson's body, in order."""
        if not self.has_personal_blocks():
            return []
        ids = []
        for block in self.body:
            if block.block_type == "quiz" and block.value.get("quiz") is not None:
                ids.append(block.value["quiz"].pk)
        return list(dict.fromkeys(ids))

    def placed_quiz(self, quiz_id: int):
        """The quiz `quiz_id` as this lesson's body places it (read with the body), or None."""
        if not self.has_personal_blocks():
            return None
        for block in self.body:
            quiz = block.value.get("quiz") if block.block_type == "quiz" else None
            if quiz is not None and quiz.pk == quiz_id:
                return quiz
        return None

    def completion_requirements(self) -> list[Requirement]:
        """What the body asks for besides reading: every quiz passed, every H5P activity done by its rule."""
        if not self.has_personal_blocks():
            return []
        requirements = []
        for block in self.body:
            value = block.value
            if block.block_type == "quiz" and value.get("quiz") is not None:
                requirements.append(Requirement(kind=LessonRequirement.Kind.QUIZ, object_id=value["quiz"].pk))
            elif block.block_type == "h5p" and value.get("activity") is not None:
                rule = value.get("rule") or ""
                requirements.append(
                    Requirement(
                        kind=LessonRequirement.Kind.H5P,
                        object_id=value["activity"].pk,
                        rule=rule,
                        min_score=value.get("min_score") if rule == "scaled" else None,
                    )
                )
        # One requirement per quiz or activity: the first block that places it decides its rule
        # (LessonBodyBlock refuses the same activity twice, so this only guards older bodies).
        first = {}
        for requirement in requirements:
            first.setdefault((requirement.kind, requirement.object_id), requirement)
        return list(first.values())

    def accepts_progress(self, *, user, source: str, since=None) -> bool:
        """Whether this progress event completes the lesson (see learning.services.progress_record).

        A lesson with quizzes or H5P activities completes when the person has met all of their
        requirements (with `since`, the start of a cycle to redo: by what they did from then on); a plain
        lesson when the person marks it complete.
        """
        requirements = self.completion_requirements()
        if requirements:
            return source != LessonCompletion.Source.MANUAL and all_met(
                user=user, requirements=requirements, since=since
            )
        return source == LessonCompletion.Source.MANUAL

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        # Saving a draft revision writes only bookkeeping fields: the live body and its index stay.
        if update_fields is None or "body" in update_fields or "path" in update_fields:
            requirements_sync(lesson=self, requirements=self.completion_requirements())
        return result

    @property
    def course_path(self) -> str:
        # Lessons sit two levels below their course (course → module → lesson).
        return self.path[: len(self.path) - 2 * self.steplen]

    def get_course(self):
        """The course page above this lesson (one query, remembered)."""
        if "_course" not in self.__dict__:
            self._course = CoursePage.objects.filter(path=self.course_path).first()
        return self._course

    def get_course_id(self) -> int | None:
        """The id of the course above this lesson: known from routing (CourseIndexPage.route), else read."""
        if "routed_course_id" in self.__dict__:
            return self.routed_course_id
        course = self.get_course()
        return course.pk if course is not None else None

    def next_lesson(self):
        return (
            LessonPage.objects.live()
            .filter(path__gt=self.path, path__startswith=self.course_path)
            .order_by("path")
            .first()
        )

    # A preview's previous/next skip the course's other unpublished lessons, unless the trainer asks.
    preview_modes = [
        ("", _("Published lessons around it")),
        (PREVIEW_WITH_DRAFTS, _("With unpublished lessons")),
    ]

    def serve_preview(self, request, mode_name):
        request.preview_with_drafts = mode_name == PREVIEW_WITH_DRAFTS
        return super().serve_preview(request, mode_name)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            selectors.lesson_context(
                lesson=self,
                user=request.user,
                request=request,
                is_preview=getattr(request, "is_preview", False),
                with_drafts=getattr(request, "preview_with_drafts", False),
            )
        )
        return context

    def serve(self, request, *args, **kwargs):
        request.is_preview = False
        context = self.get_context(request, *args, **kwargs)
        enrolment = context.get("enrolment")
        # Results can predate the enrolment or the lesson's publication: count them now.
        if (
            enrolment is not None
            and not context["lesson_completed"]
            and requirements_recheck(
                user=request.user,
                lesson=self,
                requirements=context["completion_requirements"],
                enrolment_without_completion=enrolment,
            )
        ):
            context = self.get_context(request, *args, **kwargs)
            enrolment = context.get("enrolment")
        response = TemplateResponse(request, self.get_template(request, *args, **kwargs), context)
        if enrolment is not None:
            enrolment_touch(enrolment=enrolment, lesson=self)
        return allow_offline(response)


class InfoPage(VietnameseSlugMixin, Page):
    """A plain page of text: help, about, contact."""

    body = RichTextField(
        _("body"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
    )

    base_form_class = PageForm
    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")
