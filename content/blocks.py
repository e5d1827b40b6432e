"""StreamField blocks for lesson bodies. Course-agnostic: any page type may use them."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.staticfiles import versioned_static
from wagtail.admin.telepath import register
from wagtail.blocks.struct_block import StructBlockAdapter
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from lms.h5p import compatibility as h5p_compatibility
from lms.h5p import player as h5p_player
from lms.h5p import selectors as h5p_selectors
from lms.quiz.selectors import quiz_grade

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link", "document-link"]

_YOUTUBE = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?v=|embed/|shorts/)|youtu\.be/)([A-Za-z0-9_-]{6,20})"
)
_VIMEO = re.compile(r"^https?://(?:www\.)?vimeo\.com/(\d+)")


class LabelledRichTextBlock(blocks.RichTextBlock):
    """A rich-text block whose editing box is named after the block (Draftail's `ariaLabel`), so a screen
    reader announces "Nội dung" rather than an unnamed text box (axe: aria-input-field-name)."""

    @cached_property
    def field(self):
        field = super().field
        field.widget.options = {**field.widget.options, "ariaLabel": str(self.label)}
        return field


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading.html"


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        help_text=_("Describe the image for people who cannot see it. Leave empty to use the image title."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "blocks/image.html"


class VideoValue(blocks.StructValue):
    def embed_url(self) -> str:
        url = self.get("url") or ""
        if match := _YOUTUBE.match(url):
            return f"https://www.youtube-nocookie.com/embed/{match.group(1)}"
        if match := _VIMEO.match(url):
            return f"https://player.vimeo.com/video/{match.group(1)}"
        return ""

    def is_file(self) -> bool:
        return (self.get("url") or "").lower().split("?")[0].endswith((".mp4", ".webm", ".ogg"))


class VideoBlock(blocks.StructBlock):
    """A video that loads only when the learner asks for it: connections in wards are often slow."""

    url = blocks.URLBlock(
        label=_("Video address"),
        help_text=_("A YouTube or Vimeo link, or a direct link to an MP4/WebM file."),
    )
    title = blocks.CharBlock(label=_("Title"), required=False)
    transcript = blocks.TextBlock(
        label=_("Transcript or summary"),
        required=False,
        help_text=_("Shown under the video for learners who cannot play it."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video.html"
        value_class = VideoValue


class DocumentDownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), required=False, help_text=_("Defaults to the document title."))
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "blocks/document.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("tip", _("Tip")), ("note", _("Note")), ("warning", _("Warning"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("Title"), required=False)
    text = LabelledRichTextBlock(label=_("Text"), features=["bold", "italic", "ol", "ul", "link"])

    class Meta:
        icon = "help"
        label = _("Callout / tip")
        template = "blocks/callout.html"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"))
    answer = LabelledRichTextBlock(label=_("Answer"), features=["bold", "italic", "ol", "ul", "link"])


class FAQBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False)
    items = blocks.ListBlock(FAQItemBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("FAQ / accordion")
        template = "blocks/faq.html"


class QuizBlock(blocks.StructBlock):
    """A quiz from the question bank. A lesson holding quizzes completes when all of them are passed."""

    quiz = SnippetChooserBlock("quiz.Quiz", label=_("Quiz"))
    intro = blocks.TextBlock(label=_("Introduction"), required=False)

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "blocks/quiz.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        quiz = value.get("quiz")
        if request is not None and quiz is not None and request.user.is_authenticated:
            context["grade"] = quiz_grade(user=request.user, quiz=quiz)
        return context


class ActivityChooserBlock(SnippetChooserBlock):
    """Chooses an H5P activity; loads the activities of a body with their current version in one query."""

    def bulk_to_python(self, values):
        objects = self.model_class.objects.select_related("current_version").in_bulk(
            [v for v in values if v is not None]
        )
        return [objects.get(v) for v in values]


def rule_refusal(behaviour) -> str:
    """Why a rule cannot be met on this content type, and which ones can, for the trainer."""
    return _(
        "Learners could never meet this rule: %(type)s does not report it. Choose one of: %(rules)s."
    ) % {
        "type": behaviour.key,
        "rules": ", ".join(f"“{h5p_selectors.RULE_LABELS[rule]}”" for rule in behaviour.rules),
    }


class H5PActivityBlock(blocks.StructBlock):
    """An uploaded H5P activity, played in an isolated frame. Its completion rule decides when the
    activity counts toward the lesson: completed, passed, or a scaled score of at least `min_score` %."""

    activity = ActivityChooserBlock("h5p.Activity", label=_("H5P activity"))
    rule = blocks.ChoiceBlock(
        choices=h5p_selectors.RULE_CHOICES,
        default=h5p_selectors.RULE_COMPLETED,
        label=_("Counts as done when the learner"),
        help_text=_(
            "The list offers the rules the chosen activity can meet: content that reports no result "
            "(Accordion, Dialog Cards, Image Hotspots…) can only be “views or interacts with it”; “passes "
            "it” uses the package's pass mark when the content does not say whether the learner passed."
        ),
    )
    min_score = blocks.IntegerBlock(
        required=False,
        min_value=0,
        max_value=100,
        label=_("Minimum score (%)"),
        help_text=_("Only for the rule “scores at least”."),
    )
    intro = blocks.TextBlock(label=_("Introduction"), required=False)

    class Meta:
        icon = "media"
        label = _("H5P activity")
        template = "blocks/h5p.html"

    def clean(self, value):
        value = super().clean(value)
        if value.get("rule") == h5p_selectors.RULE_SCALED and value.get("min_score") is None:
            raise blocks.StructBlockValidationError(
                block_errors={"min_score": ValidationError(_("Give the minimum score for this rule."))}
            )
        activity = value.get("activity")
        version = activity.current_version if activity is not None else None
        rule = value.get("rule") or h5p_selectors.RULE_COMPLETED
        if version is not None:
            behaviour = h5p_compatibility.behaviour_of_version(version)
            if rule not in behaviour.rules:
                raise blocks.StructBlockValidationError(
                    block_errors={"rule": ValidationError(rule_refusal(behaviour))}
                )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        request, page = parent_context.get("request"), parent_context.get("page")
        activity = value.get("activity")
        version = activity.current_version if activity is not None else None
        context.update(
            {
                "activity": activity,
                "version": version,
                "rule_text": h5p_selectors.rule_text(value),
                "rule_viewed": value.get("rule") == h5p_selectors.RULE_VIEWED,
            }
        )
        user = getattr(request, "user", None)
        if page is not None and version is not None and user is not None and user.is_authenticated:
            origin = request.build_absolute_uri("/") if hasattr(request, "build_absolute_uri") else ""
            context["player_url"] = h5p_player.player_url(
                user=user, version=version, lesson_id=page.pk, parent_origin=origin
            )
            # The lesson's first activity starts loading with the page, not when scrolled to.
            context["player_eager"] = not getattr(request, "_h5p_eager_given", False)
            request._h5p_eager_given = True
            known = parent_context.get("h5p_results")  # the lesson page loads them all at once
            context["result"] = (
                known.get(activity.pk)
                if known is not None
                else h5p_selectors.result_for(user=user, activity=activity)
            )
            context["rule_met"] = h5p_selectors.rule_met(result=context["result"], rule=value)
        return context


class H5PActivityBlockAdapter(StructBlockAdapter):
    """The H5P block's form offers, as the trainer picks an activity, only the rules that activity can meet
    and warns when the block's rule cannot be met (static/js/lesson-h5p-block.js). The rules of every
    activity come with the form, read in one query; `H5PActivityBlock.clean` still refuses on save."""

    js_constructor = "content.blocks.H5PActivityBlock"

    def js_args(self, block):
        name, children, meta = super().js_args(block)
        meta = {
            **meta,
            "activityRules": {str(pk): list(rules) for pk, rules in h5p_selectors.activity_rules().items()},
            # %(rule)s and %(rules)s are filled in by the script with the rule names the list shows.
            "ruleWarning": gettext(
                "Learners could never meet the rule “%(rule)s” on this activity: it does not report it. "
                "Choose one of: %(rules)s."
            ),
        }
        return [name, children, meta]

    @cached_property
    def media(self):
        return super().media + forms.Media(js=[versioned_static("js/lesson-h5p-block.js")])


register(H5PActivityBlockAdapter(), H5PActivityBlock)


# Blocks that show each person their own state (their grade and attempts, their activity's result): a body
# holding one is rendered for each request; other bodies may be rendered once and kept.
PERSONAL_BLOCK_TYPES = frozenset({"quiz", "h5p"})


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = LabelledRichTextBlock(
        features=RICH_TEXT_FEATURES, label=_("Text"), icon="pilcrow", template="blocks/paragraph.html"
    )
    image = ImageWithCaptionBlock()
    video = VideoBlock()
    document = DocumentDownloadBlock()
    callout = CalloutBlock()
    faq = FAQBlock()
    quiz = QuizBlock()
    h5p = H5PActivityBlock()

    def clean(self, value):
        value = super().clean(value)
        seen = set()
        for child in value:
            if child.block_type == "h5p" and child.value.get("activity") is not None:
                activity_id = child.value["activity"].pk
                if activity_id in seen:
                    raise blocks.StreamBlockValidationError(
                        non_block_errors=ValidationError(
                            _("The same H5P activity is placed twice in this lesson: keep one block.")
                        )
                    )
                seen.add(activity_id)
        return value
