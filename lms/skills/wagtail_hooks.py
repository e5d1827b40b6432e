"""The skills menu of the Wagtail admin: frameworks (with their scale), competences, import and export.

Only `skills.manage_frameworks` (administrators) opens these pages; competences are archived, never deleted
(people's levels and their evidence refer to them).
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.admin.ui.tables import Column, StatusFlagColumn
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from lms.admin_lists import TemplateColumn
from lms.people.permissions import ScopedPermissionPolicy

from . import admin_views
from .forms import CompetencyForm
from .models import Competency, Framework

MANAGE = admin_views.MANAGE


class CompetencyPolicy(ScopedPermissionPolicy):
    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)


FRAMEWORK_POLICY = ScopedPermissionPolicy(Framework, permission=MANAGE, units=False)
COMPETENCY_POLICY = CompetencyPolicy(Competency, permission=MANAGE, units=False)
register_permission_policy(Framework, FRAMEWORK_POLICY)
register_permission_policy(Competency, COMPETENCY_POLICY)


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
    permission_policy = FRAMEWORK_POLICY
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
            label=_("level"),
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
    permission_policy = COMPETENCY_POLICY
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
    panels = [
        FieldPanel("framework"),
        FieldRowPanel([FieldPanel("id_number"), FieldPanel("sort_order")]),
        FieldPanel("short_name"),
        FieldPanel("parent"),
        FieldPanel("description"),
        FieldPanel("related"),
    ]

    def get_form_class(self, for_update=False):
        self.base_form_class = CompetencyForm
        return super().get_form_class(for_update)

    def get_queryset(self, request):
        return Competency.objects.select_related("parent", "framework")


class SkillsGroup(SnippetViewSetGroup):
    items = (FrameworkViewSet, CompetencyViewSet)
    menu_icon = "sitemap"
    menu_label = _("Digital skills")
    menu_name = "skills"
    menu_order = 280


register_snippet(SkillsGroup)


@hooks.register("register_admin_urls")
def register_skills_urls():
    return [path("skills/", include((admin_views.urlpatterns, "skills_admin"), namespace="skills_admin"))]
