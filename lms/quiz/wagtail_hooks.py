"""Quiz authoring in the Wagtail admin: the question bank and quizzes as snippets with inline answers,
the essay marking queue, and question import/export (spreadsheets and H5P content)."""

from django import forms
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.staticfiles import versioned_static
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.ui.tables import StatusFlagColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_interchange, admin_marking, selectors
from .models import Category, Question, Quiz, SubCategory


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["name"]
    search_fields = ["name"]


class SubCategoryViewSet(SnippetViewSet):
    model = SubCategory
    icon = "folder-inverse"
    menu_label = _("Sub-categories")
    list_display = ["name", "category"]
    list_filter = ["category"]
    search_fields = ["name"]


# The question form shows only the fields of the chosen kind (static/js/question-kind.js): each panel that
# concerns some kinds only names them. Without the script every field stays shown, as before.
SINGLE, MULTIPLE = Question.Kind.SINGLE.value, Question.Kind.MULTIPLE.value
TRUE_FALSE, SHORT = Question.Kind.TRUE_FALSE.value, Question.Kind.SHORT.value
CHOICE = f"{SINGLE} {MULTIPLE}"


def for_kinds(*kinds: str) -> dict:
    return {"data-question-kinds": " ".join(kinds)}


class QuestionKindSelect(forms.Select):
    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={"data-question-kind": "", **(attrs or {})}, choices=choices)

    @property
    def media(self):
        return forms.Media(js=[versioned_static("js/question-kind.js")])


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    list_display = ["text", "kind", "category", "points"]
    list_filter = ["kind", "category"]
    search_fields = ["text", "explanation"]
    panels = [
        FieldRowPanel([FieldPanel("kind", widget=QuestionKindSelect), FieldPanel("points")]),
        FieldRowPanel([FieldPanel("category"), FieldPanel("sub_category")]),
        FieldPanel("text"),
        FieldPanel("figure"),
        InlinePanel(
            "answers",
            heading=_("Answers"),
            label=_("answer"),  # lowercase: "Thêm đáp án", and "Đáp án 1" above each (capfirst)
            panels=[
                FieldRowPanel([FieldPanel("text"), FieldPanel("correct")]),
                MultiFieldPanel(
                    [FieldPanel("tip"), FieldPanel("chosen_feedback"), FieldPanel("not_chosen_feedback")],
                    heading=_("Tip and feedback (choice questions)"),
                    classname="collapsed",
                    attrs=for_kinds(CHOICE),
                ),
            ],
            help_text=_(
                "Choice questions: the choices, ticking the correct ones. "
                "Short answer: every accepted answer, ticked as correct. True/false and essays need none."
            ),
            attrs=for_kinds(CHOICE, SHORT),
        ),
        MultiFieldPanel(
            [
                FieldPanel("correct_is_true", attrs=for_kinds(TRUE_FALSE)),
                FieldPanel("partial_credit", attrs=for_kinds(MULTIPLE)),
                FieldPanel("answer_order", attrs=for_kinds(CHOICE)),
                FieldRowPanel(
                    [FieldPanel("case_sensitive"), FieldPanel("ignore_diacritics")], attrs=for_kinds(SHORT)
                ),
            ],
            heading=_("Marking"),
            attrs=for_kinds(CHOICE, TRUE_FALSE, SHORT),
        ),
        FieldPanel("explanation"),
    ]


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    # The draft flag as a "Bản nháp" tag: a plain column would print Python's True/False.
    list_display = [
        "title",
        "category",
        "pass_mark",
        StatusFlagColumn("draft", label=_("Draft"), true_label=_("Draft"), sort_key="draft"),
    ]
    list_filter = ["draft", "category"]
    search_fields = ["title", "description"]
    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("category"),
        InlinePanel("quiz_questions", heading=_("Questions"), label=_("question")),
        InlinePanel("draws", heading=_("Random draws"), label=_("draw")),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("random_order"), FieldPanel("random_answer_order")]),
                FieldPanel("max_questions"),
                FieldPanel("one_per_page"),
                FieldPanel("answers_at_end"),
            ],
            heading=_("Questions and answers"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("single_attempt"), FieldPanel("attempts_allowed")]),
                FieldPanel("grading_method"),
                FieldPanel("exam_paper"),
                FieldPanel("pass_mark"),
                FieldPanel("time_limit_minutes"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            ],
            heading=_("Attempts and timing"),
        ),
        MultiFieldPanel(
            [FieldPanel("review"), FieldPanel("success_text"), FieldPanel("fail_text")],
            heading=_("Results"),
        ),
        FieldPanel("draft"),
    ]


class QuizGroup(SnippetViewSetGroup):
    items = (QuizViewSet, QuestionViewSet, CategoryViewSet, SubCategoryViewSet)
    menu_icon = "tasks"
    menu_label = _("Quizzes")
    menu_name = "quizzes"


register_snippet(QuizGroup)


# --- Essay marking queue (admin_marking.py)


@hooks.register("register_admin_viewset")
def register_marking_viewset():
    return admin_marking.MarkingViewSet()


class EssayMarkingMenuItem(MenuItem):
    """The queue, with the number of attempts waiting (the viewset's own menu item has no count)."""

    def is_shown(self, request):
        return request.user.has_perm(admin_marking.MARK)

    def render_component(self, request):
        waiting = selectors.awaiting_marking_count()
        label = f"{self.label} ({waiting})" if waiting else self.label
        return LinkMenuItem(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


@hooks.register("register_admin_menu_item")
def register_marking_menu_item():
    return EssayMarkingMenuItem(
        _("Essay marking"), reverse("quiz_marking:index"), name="essay-marking", icon_name="edit", order=260
    )


# --- Question import/export and H5P content.json (admin_interchange.py)


@hooks.register("register_admin_urls")
def register_interchange_urls():
    return [
        path(
            "quiz-interchange/",
            include((admin_interchange.urlpatterns, "quiz_interchange"), namespace="quiz_interchange"),
        )
    ]


class InterchangeMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("quiz.add_question")


@hooks.register("register_admin_menu_item")
def register_interchange_menu_item():
    return InterchangeMenuItem(
        _("Import / export questions"),
        reverse("quiz_interchange:index"),
        name="quiz-interchange",
        icon_name="upload",
        order=270,
    )
