"""Shared H5P libraries in the Wagtail admin: the list (what waits for approval, who uses what) and the
administrator's approval, with a confirmation page that shows what differs from the copy approved before.

The URLs are registered through `register_admin_urls` (wagtail_hooks.py), so Wagtail's admin login and
`wagtailadmin.access_admin` apply; the list needs `h5p.view_library` (trainers, administrators), the
approval `h5p.approve_library` (administrators only).
"""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.admin.auth import any_permission_required, permission_required

from .libraries import LibraryAlreadyApproved, approved_library, library_approve, library_differences
from .models import Activity, Library
from .storage import h5p_storage

VIEW = "h5p.view_library"
APPROVE = "h5p.approve_library"
MAX_NAMED_ACTIVITIES = 20


@require_GET
@any_permission_required(VIEW, APPROVE)
def index(request):
    libraries = (
        Library.objects.select_related("uploaded_by", "approved_by")
        .annotate(version_count=Count("content_versions", distinct=True))
        .order_by("approved_at", "machine_name", "major_version", "minor_version", "created_at")
    )
    waiting = [library for library in libraries if library.approved_at is None]
    approved = [library for library in libraries if library.approved_at is not None]
    return TemplateResponse(
        request,
        "h5p/admin/libraries.html",
        {"waiting": waiting, "approved": approved, "can_approve": request.user.has_perm(APPROVE)},
    )


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


urlpatterns = [
    path("", index, name="index"),
    path("<id:library_id>/approve/", approve, name="approve"),
]
