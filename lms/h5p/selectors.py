"""Reads of H5P results, the completion rules that lessons put on activities, and whether an activity is
in use (and so may not be deleted)."""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.models import Page, ReferenceIndex, Revision

from . import compatibility
from .compatibility import RULE_COMPLETED, RULE_PASSED, RULE_SCALED, RULE_VIEWED
from .models import Activity, Result, Statement

__all__ = ["RULE_COMPLETED", "RULE_PASSED", "RULE_SCALED", "RULE_VIEWED"]

RULE_CHOICES = [
    (RULE_COMPLETED, gettext_lazy("completes it")),
    (RULE_PASSED, gettext_lazy("passes it")),
    (RULE_SCALED, gettext_lazy("scores at least the minimum score")),
    (RULE_VIEWED, gettext_lazy("views or interacts with it")),
]
RULE_LABELS = dict(RULE_CHOICES)


def rule_text(rule: dict) -> str:
    """What the learner must do, in words, for a block value or a requirement ({rule, min_score})."""
    kind = rule.get("rule") or RULE_COMPLETED
    if kind == RULE_PASSED:
        return _("Pass this activity to complete it.")
    if kind == RULE_SCALED:
        return _("Score at least %(score)s%% in this activity to complete it.") % {
            "score": rule.get("min_score") or 0
        }
    if kind == RULE_VIEWED:
        return _("Go through this activity, then press “I have finished viewing” to complete it.")
    return _("Finish this activity to complete it.")


def rule_met(*, result: Result | None, rule: dict) -> bool:
    """Whether a result satisfies a rule. Rules look at the best the learner ever did: a later, weaker
    attempt never takes a met rule back. "Passes it" is `ever_passed`, which the result service also sets
    from the score and the pass mark when the content sends no result.success (compatibility.py)."""
    if result is None:
        return False
    kind = rule.get("rule") or RULE_COMPLETED
    if kind == RULE_PASSED:
        return result.ever_passed
    if kind == RULE_SCALED:
        threshold = Decimal(rule.get("min_score") or 0) / 100
        return result.best_scaled is not None and result.best_scaled >= threshold
    if kind == RULE_VIEWED:
        return result.viewed_at is not None or result.first_completed_at is not None
    return result.first_completed_at is not None


def result_for(*, user, activity) -> Result | None:
    return Result.objects.filter(user=user, activity=activity).first()


def results_by_activity(*, user, activity_ids: Iterable[int], since=None) -> dict[int, Result]:
    """The person's results for these activities, one query. With `since` (a new cycle of a course that
    must be redone), only what the person did from that moment counts: each result is rebuilt, unsaved,
    from the top-level statements received since then (per-statement dates; a second query)."""
    ids = set(activity_ids)
    if not ids:
        return {}
    rows = Result.objects.filter(user=user, activity_id__in=ids).select_related("statement")
    results = {r.activity_id: r for r in rows}
    if since is None:
        return results
    return _results_since(user=user, results=results, ids=ids, since=since)


def _results_since(*, user, results: dict[int, Result], ids: set[int], since) -> dict[int, Result]:
    from .xapi import COMPLETED_VERBS, VIEWED_VERBS

    rebuilt: dict[int, Result] = {}
    statements = Statement.objects.filter(
        user=user, activity_id__in=ids, is_top_level=True, received_at__gte=since
    ).values_list("activity_id", "verb", "score_scaled", "success", "received_at")
    for activity_id, verb, scaled, success, received_at in statements.order_by("received_at", "pk"):
        row = rebuilt.setdefault(activity_id, Result(user=user, activity_id=activity_id))
        if verb in VIEWED_VERBS:
            row.viewed_at = row.viewed_at or received_at
        if verb not in COMPLETED_VERBS:
            continue
        row.first_completed_at = row.first_completed_at or received_at
        if scaled is not None and (row.best_scaled is None or scaled > row.best_scaled):
            row.best_scaled = scaled
        row.ever_passed = row.ever_passed or success is True
    for activity_id, row in rebuilt.items():
        stored = results.get(activity_id)
        # A pass decided from the score and the pass mark (no result.success) is stored on the result of
        # its latest statement only: it counts when that statement is from the period.
        if stored is not None and stored.success and stored.statement.received_at >= since:
            row.ever_passed = True
    return rebuilt


# --- Whether an activity is in use (services.activity_delete refuses then) ---

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


def activity_rules() -> dict[int, tuple[str, ...]]:
    """The completion rules each activity's current version can meet, for the lesson block editor, in one
    query (only the activity's id and its current version's h5p.json are read)."""
    activities = (
        Activity.objects.filter(current_version__isnull=False)
        .select_related("current_version")
        .only("current_version", "current_version__h5p_json")
    )
    return {
        activity.pk: compatibility.behaviour_of_version(activity.current_version).rules
        for activity in activities
    }
