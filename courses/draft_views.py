"""The trainer's abandoned drafts in the admin (drafts.py): the list, and discarding one once confirmed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import drafts


def can_author(user) -> bool:
    return PagePermissionPolicy().user_has_any_permission(user, ["add", "change"])


def index(request):
    if not can_author(request.user):
        raise Http404
    return TemplateResponse(
        request,
        "courses/admin/abandoned_drafts.html",
        {"drafts": drafts.abandoned_drafts(user=request.user), "days": drafts.abandoned_days()},
    )


def discard(request, page_id: int):
    draft = drafts.abandoned_draft_get(user=request.user, page_id=page_id)
    if draft is None:
        raise Http404
    if request.method == "POST":
        title = draft.page.get_admin_display_title()
        drafts.draft_discard(draft=draft, user=request.user)
        if draft.never_published:
            messages.success(request, _("The draft page “%(title)s” has been deleted.") % {"title": title})
        else:
            messages.success(
                request,
                _("The draft of “%(title)s” has been discarded: the live version stays.") % {"title": title},
            )
        return redirect("abandoned_drafts:index")
    return TemplateResponse(request, "courses/admin/abandoned_draft_discard.html", {"draft": draft})


urlpatterns = [
    path("", index, name="index"),
    path("<id:page_id>/discard/", discard, name="discard"),
]
