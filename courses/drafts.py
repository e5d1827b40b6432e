"""Drafts a trainer left behind: pages they created and never published, and changes to a live page they saved
as a draft and never published, untouched for ABANDONED_DRAFT_DAYS days. The trainer sees them in the admin
("Abandoned drafts", draft_views.py) and may discard them: a never-published page is deleted, a live page's
draft goes back to the live version."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from wagtail.actions.delete_page import DeletePageAction
from wagtail.models import Page


def abandoned_days() -> int:
    return getattr(settings, "LMS_ABANDONED_DRAFT_DAYS", 14)


@dataclass(frozen=True)
class AbandonedDraft:
    page: Page
    never_published: bool  # discarding deletes the page; otherwise the draft goes back to the live version
    saved_at: datetime


def abandoned_drafts(*, user, now: datetime | None = None) -> list[AbandonedDraft]:
    """The person's abandoned drafts, oldest first; drafts waiting in a review workflow are not abandoned."""
    cutoff = (now or timezone.now()) - timedelta(days=abandoned_days())
    never_published = Q(owner=user, live=False, first_published_at__isnull=True)
    stale_changes = Q(live=True, has_unpublished_changes=True, latest_revision__user=user)
    pages = (
        Page.objects.filter(never_published | stale_changes, latest_revision_created_at__lt=cutoff)
        .exclude(depth=1)
        .select_related("content_type")
        .order_by("latest_revision_created_at", "pk")
    )
    return [
        AbandonedDraft(page=page, never_published=not page.live, saved_at=page.latest_revision_created_at)
        for page in pages
        if not page.workflow_in_progress
    ]


def abandoned_draft_get(*, user, page_id: int) -> AbandonedDraft | None:
    return next((draft for draft in abandoned_drafts(user=user) if draft.page.pk == page_id), None)


def draft_discard(*, draft: AbandonedDraft, user) -> None:
    """Delete a never-published page, or bring a live page's draft back to its live version."""
    page = Page.objects.get(pk=draft.page.pk).specific
    permissions = page.permissions_for_user(user)
    if draft.never_published:
        DeletePageAction(page, user=user).execute()  # checks the delete permission itself
        return
    if not permissions.can_edit():
        raise PermissionDenied
    # The page's own row holds the live version: saved as the newest revision, it replaces the draft.
    page.draft_title = page.title
    page.save_revision(user=user, changed=False, log_action="wagtail.revert")
    Page.objects.filter(pk=page.pk).update(has_unpublished_changes=False, draft_title=page.title)
