"""The skills menu of the Wagtail admin: frameworks (with their scale), competences, import and export,
evidence, position profiles, a trainer's learners to rate; and the HR skills map.

Only `skills.manage_frameworks` (administrators) opens the framework pages; competences are archived, never
deleted (people's levels and their evidence refer to them).
"""

from django.conf import settings
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusFlagColumn
from wagtail.admin.widgets import AdminPageChooser
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from lms.admin_lists import TemplateColumn
from lms.people.permissions import PermissionMenuItem, ScopedPermissionPolicy

from . import admin_views, map_views, trainer_views
from .forms import CompetencyForm, EvidenceForm, ExpectedLevelForm
from .models import Competency, Evidence, ExpectedLevel, Framework

MANAGE = admin_views.MANAGE


class CompetencyPolicy(ScopedPermissionPolicy):
    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)


FRAMEWORK_POLICY = ScopedPermissionPolicy(Framework, permission=MANAGE, units=False)
COMPETENCY_POLICY = CompetencyPolicy(Competency, permission=MANAGE, units=False)
register_permission_policy(Framework, FRAMEWORK_POLICY)
register_permission_policy(Competency, COMPETENCY_POLICY)
register_permission_policy(
    ExpectedLevel, ScopedPermissionPolicy(ExpectedLevel, permission=MANAGE, units=False)
)


class FrameworkIndexView(IndexView):
    @property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Import from Moodle (CSV)"), url=reverse("skills_admin:import"), icon_name="upload"
            ),
        ]


class FrameworkViewSet(SnippetViewSet):
    model = Framework
    icon = "sitemap"
    menu_label = _("Frameworks")
    index_view_class = FrameworkIndexView
    list_display = [
        "short_name",
        "id_number",
        TemplateColumn("downloads", label=_("Export"), template="skills/admin/export_cell.html"),
    ]
    search_fields = ["short_name", "id_number"]
    panels = [
        FieldRowPanel([FieldPanel("short_name"), FieldPanel("id_number")]),
        FieldPanel("description"),
        InlinePanel(
            "levels",
            heading=_("Proficiency scale"),
            label=_("scale level"),
            min_num=2,
            panels=[
                FieldRowPanel([FieldPanel("number"), FieldPanel("name")]),
                FieldPanel("description"),
                FieldRowPanel([FieldPanel("is_default"), FieldPanel("is_proficient")]),
            ],
            help_text=_("Lowest level first, numbered 1, 2, 3…; tick the levels that count as proficient."),
        ),
        FieldPanel("taxonomy"),
    ]


class CompetencyViewSet(SnippetViewSet):
    model = Competency
    icon = "tick-inverse"
    menu_label = _("Competences")
    list_display = [
        "id_number",
        "short_name",
        Column("parent", label=_("Belongs to")),
        StatusFlagColumn(
            "is_archived", label=_("Archived"), true_label=_("Archived"), sort_key="archived_at"
        ),
        TemplateColumn("archive", label=_("Archive"), template="skills/admin/archive_cell.html"),
    ]
    list_filter = ["framework"]
    search_fields = ["short_name", "id_number", "description"]
    ordering = ["framework", "sort_order", "id_number"]
    list_per_page = 50
    edit_handler = ObjectList(
        [
            FieldPanel("framework"),
            FieldRowPanel([FieldPanel("id_number"), FieldPanel("sort_order")]),
            FieldPanel("short_name"),
            FieldPanel("parent"),
            FieldPanel("description"),
            FieldPanel("related"),
        ],
        base_form_class=CompetencyForm,
    )

    def get_queryset(self, request):
        return Competency.objects.select_related("parent", "framework")


class EvidenceViewSet(SnippetViewSet):
    """Trainers link their courses, lessons, questions and activities to the competences they show."""

    model = Evidence
    icon = "link"
    menu_label = _("Evidence")
    list_display = ["competency", "level", "kind", "label", "threshold"]
    list_filter = ["kind", "competency__framework"]
    search_fields = ["label"]
    edit_handler = ObjectList(
        [
            FieldPanel("competency"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("level")]),
            FieldPanel(
                "page",
                widget=AdminPageChooser(
                    target_models=[settings.LEARNING_COURSE_MODEL, settings.LEARNING_LESSON_MODEL]
                ),
            ),
            FieldPanel("category"),
            FieldPanel("question"),
            FieldPanel("activity"),
            FieldPanel("threshold"),
        ],
        base_form_class=EvidenceForm,
    )

    def get_queryset(self, request):
        return Evidence.objects.select_related("competency")


class ExpectedLevelViewSet(SnippetViewSet):
    """Position profiles: the level each position is expected to reach in a competence."""

    model = ExpectedLevel
    icon = "user"
    menu_label = _("Position profiles")
    list_display = ["position", "competency", "level"]
    list_filter = ["position", "competency__framework"]
    edit_handler = ObjectList(
        [FieldPanel("position"), FieldPanel("competency"), FieldPanel("level")],
        base_form_class=ExpectedLevelForm,
    )

    def get_queryset(self, request):
        return ExpectedLevel.objects.select_related("position", "competency")


class SkillsGroup(SnippetViewSetGroup):
    items = (FrameworkViewSet, CompetencyViewSet, ExpectedLevelViewSet, EvidenceViewSet)
    menu_icon = "sitemap"
    menu_label = _("Digital skills")
    menu_name = "skills"
    menu_order = 280
    submenu_hook = "register_skills_menu_item"


register_snippet(SkillsGroup)


@hooks.register("register_admin_urls")
def register_skills_urls():
    return [
        path("skills/", include((admin_views.urlpatterns, "skills_admin"), namespace="skills_admin")),
        path("ban-do-ky-nang/", include((map_views.urlpatterns, "skills_map"), namespace="skills_map")),
        path(
            "danh-gia-hoc-vien/",
            include((trainer_views.urlpatterns, "skills_learners"), namespace="skills_learners"),
        ),
    ]


class RateLearnersMenuItem(MenuItem):
    def is_shown(self, request):
        return trainer_views.may_rate_learners(request.user)


@hooks.register("register_skills_menu_item")
def register_rate_learners_menu_item():
    return RateLearnersMenuItem(
        _("Rate my learners"),
        reverse("skills_learners:index"),
        name="rate-learners",
        icon_name="tick-inverse",
        order=10,
    )


@hooks.register("register_admin_menu_item")
def register_skills_map_menu_item():
    return PermissionMenuItem(
        _("Skills map"),
        reverse("skills_map:map"),
        name="skills-map",
        icon_name="sitemap",
        order=255,
        permission=map_views.VIEW_MAP,
    )
