"""Quiz authoring in the Wagtail admin: the question bank and quizzes as snippets with inline answers."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

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


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    list_display = ["text", "kind", "category", "points"]
    list_filter = ["kind", "category"]
    search_fields = ["text", "explanation"]
    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("points")]),
        FieldRowPanel([FieldPanel("category"), FieldPanel("sub_category")]),
        FieldPanel("text"),
        FieldPanel("figure"),
        InlinePanel(
            "answers",
            heading=_("Answers"),
            label=_("Answer"),
            help_text=_(
                "Choice questions: the choices, ticking the correct ones. "
                "Short answer: every accepted answer, ticked as correct. True/false and essays need none."
            ),
        ),
        MultiFieldPanel(
            [
                FieldPanel("correct_is_true"),
                FieldPanel("partial_credit"),
                FieldPanel("answer_order"),
                FieldRowPanel([FieldPanel("case_sensitive"), FieldPanel("ignore_diacritics")]),
            ],
            heading=_("Marking"),
        ),
        FieldPanel("explanation"),
    ]


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "category", "pass_mark", "draft"]
    list_filter = ["draft", "category"]
    search_fields = ["title", "description"]
    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("category"),
        InlinePanel("quiz_questions", heading=_("Questions"), label=_("Question")),
        InlinePanel("draws", heading=_("Random draws"), label=_("Draw")),
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
