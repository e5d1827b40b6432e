"""H5P packages: the public names of validation and storage, and deleting activities.

Validation is in validation.py (`package_validate`), storing in storage.py (`package_store`), the shared
libraries' rules in libraries.py, the refusals in package_errors.py. This module keeps their public names
importable from one place and decides whether an activity may be deleted (`activity_in_use_reason`,
`activity_delete`).
"""

import logging

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page, ReferenceIndex, Revision

from .models import Activity, Result, Statement
from .package_errors import MESSAGES, ActivityInUse, PackageError, PackageInvalid, package_error
from .spool import ValidatedPackage
from .storage import _delete_folders, package_files_discard, package_store, stored_prefixes
from .validation import package_validate

__all__ = [
    "MESSAGES",
    "ActivityInUse",
    "PackageError",
    "PackageInvalid",
    "ValidatedPackage",
    "activity_delete",
    "activity_in_use_reason",
    "package_error",
    "package_files_discard",
    "package_store",
    "package_validate",
    "stored_prefixes",
]

logger = logging.getLogger(__name__)

MAX_NAMED_USERS = 5


def activity_in_use_reason(*, activity: Activity) -> str | None:
    """Why an activity may not be deleted, in words, or None when it may."""
    if (
        Statement.objects.filter(activity=activity).exists()
        or Result.objects.filter(activity=activity).exists()
    ):
        return _(
            "“%(title)s” cannot be deleted: learners have results for it, and results are kept. "
            "Upload a new version instead, or leave it out of the lessons."
        ) % {"title": activity.title}
    users = _users_of(activity)
    if users:
        shown = ", ".join(users[:MAX_NAMED_USERS])
        if len(users) > MAX_NAMED_USERS:
            more = len(users) - MAX_NAMED_USERS
            shown += " " + ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
        return ngettext(
            "“%(title)s” cannot be deleted: %(pages)s uses it. Remove it from that page first.",
            "“%(title)s” cannot be deleted: %(pages)s use it. Remove it from those pages first.",
            len(users),
        ) % {"title": activity.title, "pages": shown}
    return None


def _users_of(activity: Activity) -> list[str]:
    """The pages (or other objects) that use an activity, named for a person: in their saved content, which
    Wagtail's reference index covers, and in a newer draft or a scheduled revision, which it does not
    (a draft lives only in its revision until it is published). Drafts are read only on this rare path."""
    names, pages = [], set()
    for source, _refs in ReferenceIndex.get_references_to(activity).group_by_source_object():
        names.append(f"“{source}”")
        if isinstance(source, Page):
            pages.add(str(source.pk))
    candidates = (
        Revision.page_revisions.filter(
            Q(pk__in=Page.objects.filter(has_unpublished_changes=True).values("latest_revision"))
            | Q(approved_go_live_at__isnull=False)
        )
        .exclude(object_id__in=pages)
        .order_by("object_id", "-created_at")
    )
    for revision in candidates:
        if revision.object_id in pages:
            continue
        draft = revision.as_object()
        if _references(draft, activity):
            pages.add(revision.object_id)
            names.append(_("“%(page)s” (draft)") % {"page": draft.title})
    return names


def _references(instance, activity: Activity) -> bool:
    """Whether a model instance (a page revision's content, say) chooses `activity` in one of its fields
    (StreamField blocks, rich text), by the fields' own `extract_references`."""
    target = str(activity.pk)
    for model_field in instance._meta.get_fields():
        if not hasattr(model_field, "extract_references"):
            continue
        value = model_field.value_from_object(instance)
        if value is None:
            continue
        for model, object_id, _model_path, _content_path in model_field.extract_references(value):
            if issubclass(model, Activity) and str(object_id) == target:
                return True
    return False


def activity_delete(*, activity: Activity) -> None:
    """Delete an activity nobody has used, its versions and (after the commit) their content files.
    Shared libraries stay. Raises ActivityInUse when learners' results or pages depend on it."""
    reason = activity_in_use_reason(activity=activity)
    if reason:
        raise ActivityInUse(reason)
    prefixes = list(activity.versions.values_list("storage_prefix", flat=True))
    try:
        with transaction.atomic():
            Activity.objects.filter(pk=activity.pk).update(current_version=None)
            Activity.objects.filter(pk=activity.pk).delete()
            transaction.on_commit(lambda: _delete_folders(prefixes))
    except ProtectedError:
        raise ActivityInUse(
            _("“%(title)s” cannot be deleted: learners have results for it.") % {"title": activity.title}
        ) from None
