from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.learning.models import Enrolment

from . import draft_views


@hooks.register("before_delete_page")
def keep_courses_with_learners(request, page):
    """Learning records must outlive their course: refuse to delete a course anyone is enrolled in."""
    if Enrolment.objects.filter(course__path__startswith=page.path).exists():
        messages.error(
            request,
            _(
                "This page cannot be deleted because officials are enrolled in a course it contains. "
                "Unpublish it instead: their learning records are kept."
            ),
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


# --- Abandoned drafts (drafts.py, draft_views.py)


@hooks.register("register_admin_urls")
def register_abandoned_drafts_urls():
    return [
        path(
            "nhap-bo-do/",
            include((draft_views.urlpatterns, "abandoned_drafts"), namespace="abandoned_drafts"),
        )
    ]


class AbandonedDraftsMenuItem(MenuItem):
    def is_shown(self, request):
        return draft_views.can_author(request.user)


@hooks.register("register_admin_menu_item")
def register_abandoned_drafts_menu_item():
    return AbandonedDraftsMenuItem(
        gettext_lazy("Abandoned drafts"),
        reverse("abandoned_drafts:index"),
        name="abandoned-drafts",
        icon_name="draft",
        order=150,
    )
