"""Reads of H5P results and the completion rules that lessons put on activities."""

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import compatibility
from .compatibility import RULE_COMPLETED, RULE_PASSED, RULE_SCALED, RULE_VIEWED
from .models import Activity, Result

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


def results_by_activity(*, user, activity_ids: Iterable[int]) -> dict[int, Result]:
    """The person's results for these activities, one query."""
    ids = set(activity_ids)
    if not ids:
        return {}
    return {r.activity_id: r for r in Result.objects.filter(user=user, activity_id__in=ids)}


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
