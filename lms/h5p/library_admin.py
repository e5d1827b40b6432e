"""Shared H5P libraries in the Wagtail admin: the list (Wagtail's generic index view: what waits for
approval first, who uses what) and the administrator's approval, with a confirmation page that shows what
differs from the copy approved before.

The viewset registers both under the `h5p_libraries` namespace (wagtail_hooks.py), so Wagtail's admin
login and `wagtailadmin.access_admin` apply; the list needs `h5p.view_library` (trainers, administrators)
or `h5p.approve_library`, through Wagtail's model permission policy for libraries ("view" or "approve"),
the approval `h5p.approve_library` (administrators only).
"""

import django_filters
from django.contrib import messages
from django.db.models import Count, F
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import permission_required
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column

from lms.admin_lists import ListIndexView, ListViewSet, NotedTitleColumn, TemplateColumn

from .libraries import LibraryAlreadyApproved, approved_library, library_approve, library_differences
from .models import Activity, Library
from .storage import h5p_storage

VIEW = "h5p.view_library"
APPROVE = "h5p.approve_library"
MAX_NAMED_ACTIVITIES = 20
PER_PAGE = 50


# --- The list ------------------------------------------------------------------------------------------


class LibraryFilterSet(WagtailFilterSet):
    approved = django_filters.ChoiceFilter(
        label=gettext_lazy("Approval"),
        choices=[("no", gettext_lazy("Waiting for approval")), ("yes", gettext_lazy("Approved"))],
        empty_label=gettext_lazy("All libraries"),
        method="filter_approved",
    )

    class Meta:
        model = Library
        fields = []

    def filter_approved(self, queryset, name, value):
        return queryset.filter(approved_at__isnull=value == "no")


def _content_hash(library: Library) -> str:
    return library.content_hash[:12] or "—"


def _stored_at(library: Library) -> str:
    return date_format(localtime(library.created_at), "d/m/Y H:i")


def _used_by(library: Library) -> str:
    return ngettext("%(count)d activity version", "%(count)d activity versions", library.version_count) % {
        "count": library.version_count
    }


class LibraryIndexView(ListIndexView):
    any_permission_required = ["view", "approve"]  # h5p.view_library or h5p.approve_library
    template_name = "h5p/admin/libraries.html"
    page_title = gettext_lazy("H5P libraries")
    header_icon = "code"
    paginate_by = PER_PAGE

    def get_base_queryset(self):
        return Library.objects.select_related("uploaded_by", "approved_by").annotate(
            version_count=Count("content_versions", distinct=True)
        )

    def order_queryset(self, queryset):
        """What waits for approval first, then the approved copies in the order they were approved."""
        return queryset.order_by(
            F("approved_at").asc(nulls_first=True),
            "machine_name",
            "major_version",
            "minor_version",
            "created_at",
            "pk",
        )

    @cached_property
    def no_results_message(self):
        if self.is_filtering and self.filters.form.cleaned_data.get("approved") == "no":
            return _("No library is waiting for approval.")
        if self.is_filtering:
            return _("No library is approved yet.")
        return _("No H5P library has been uploaded yet.")

    @cached_property
    def columns(self):
        return [
            NotedTitleColumn("library", label=_("Library"), accessor=str, note=lambda library: library.title),
            Column("content_hash", label=_("Content hash"), accessor=_content_hash),
            Column("uploaded_by", label=_("Uploaded by"), accessor=lambda lib: lib.uploaded_by or "—"),
            Column("created_at", label=_("Stored at"), accessor=_stored_at),
            Column("version_count", label=_("Used by"), accessor=_used_by),
            TemplateColumn(
                "approved_at",
                label=_("Status"),
                template="h5p/admin/library_status_cell.html",  # approved or waiting, and the way to approval
                can_approve=self.request.user.has_perm(APPROVE),
            ),
        ]


class LibraryViewSet(ListViewSet):
    """The list and the approval; libraries come in with packages and are never edited here."""

    model = Library
    name = "h5p_libraries"
    url_prefix = "h5p-libraries"
    icon = "code"
    menu_label = gettext_lazy("H5P libraries")
    menu_name = "h5p-libraries"
    menu_order = 251
    add_to_admin_menu = True
    index_view_class = LibraryIndexView
    filterset_class = LibraryFilterSet
    list_per_page = PER_PAGE

    def get_extra_urlpatterns(self):
        return [path("<id:library_id>/approve/", approve, name="approve")]


# --- Approval ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(APPROVE)
def approve(request, library_id: int):
    library = get_object_or_404(Library.objects.select_related("uploaded_by", "approved_by"), pk=library_id)
    if request.method == "POST":
        try:
            library_approve(library=library, user=request.user)
        except LibraryAlreadyApproved as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("%(library)s is approved: activities uploaded from now on that need it use this copy.")
                % {"library": library},
            )
        return redirect("h5p_libraries:index")
    current = approved_library((library.machine_name, library.major_version, library.minor_version))
    differences = None
    if current is not None and current.pk != library.pk:
        differences = library_differences(library=library, other=current, storage=h5p_storage())
    activities = list(
        Activity.objects.filter(versions__libraries=library)
        .distinct()
        .order_by("title")[: MAX_NAMED_ACTIVITIES + 1]
    )
    return TemplateResponse(
        request,
        "h5p/admin/library_approve.html",
        {
            "library": library,
            "current": current if current is not None and current.pk != library.pk else None,
            "differences": differences,
            "activities": activities[:MAX_NAMED_ACTIVITIES],
            "more_activities": len(activities) > MAX_NAMED_ACTIVITIES,
        },
    )
