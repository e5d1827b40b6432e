"""H5P activities in the Wagtail admin: a snippet (so lessons can choose it with SnippetChooserBlock) whose
"add" page uploads a package, with an extra page to upload a new version and a read-only inspect page.
Only the title is edited as a form; packages come in through the upload pages (admin_views.py)."""

from django.db import transaction
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.log_actions import log
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, library_admin
from .media_admin import MediaHostViewSet
from .models import Activity
from .package_errors import ActivityInUse
from .selectors import activity_in_use_reason
from .services import activity_delete


def _main_library(activity: Activity):
    version = activity.current_version
    return version.main_library if version else ""


def _version_number(activity: Activity):
    version = activity.current_version
    return version.number if version else ""


class ActivityViewSet(SnippetViewSet):
    model = Activity
    icon = "media"
    menu_label = _("H5P activities")
    menu_name = "h5p-activities"
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = admin_views.ActivityIndexView
    inspect_view_class = admin_views.ActivityInspectView
    inspect_view_enabled = True
    inspect_view_fields = ["title", "created_by", "created_at", "updated_at"]
    copy_view_enabled = False
    list_display = [
        "title",
        Column("main_library", label=_("Main library"), accessor=_main_library),
        Column("current_version", label=_("Current version"), accessor=_version_number),
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    search_fields = ["title"]
    panels = [FieldPanel("title")]

    def get_queryset(self, request):
        return Activity.objects.select_related("current_version__main_library")

    def get_urlpatterns(self):
        # The "add" page uploads a package instead of showing a model form.
        patterns = [p for p in super().get_urlpatterns() if getattr(p, "name", None) != "add"]
        return [
            *patterns,
            path("add/", admin_views.activity_upload, name="add"),
            path("new-version/<id:pk>/", admin_views.activity_new_version, name="new_version"),
        ]


register_snippet(ActivityViewSet)


@hooks.register("before_delete_snippet")
def delete_activities_safely(request, instances):
    """Refuse to delete activities with learners' results (PROTECT) or used by pages, and delete the
    others through the service, which also clears the current version and removes their content files.
    Runs for the single and the bulk delete views, on the confirmation page and on the submission."""
    activities = [instance for instance in instances if isinstance(instance, Activity)]
    if not activities:
        return None
    index_url = admin_views.url_for("list")
    for activity in activities:
        reason = activity_in_use_reason(activity=activity)
        if reason:
            messages.error(request, reason)
            return redirect(index_url)
    if request.method != "POST":
        return None
    for activity in activities:
        try:
            with transaction.atomic():
                log(instance=activity, action="wagtail.delete")
                activity_delete(activity=activity)
        except ActivityInUse as refused:
            messages.error(request, refused.message)
            return redirect(index_url)
    messages.success(
        request,
        _("Deleted: %(titles)s.") % {"titles": ", ".join(f"“{a.title}”" for a in activities)},
    )
    return redirect(index_url)


@hooks.register("register_admin_viewset")
def register_library_viewset():
    return library_admin.LibraryViewSet()  # with its menu item, shown to those who may view or approve


@hooks.register("register_admin_viewset")
def register_media_hosts_viewset():
    return MediaHostViewSet()
