"""Lessons whose H5P completion rule learners cannot meet, for administrators.

A lesson saved before the compatibility table existed, or whose activity was replaced by a new version of
another content type, may ask for a rule the content never reports ("completes it" on an Accordion): its
learners could never complete it. This page lists them, and the lessons whose activity is a content type
the table does not know (flagged: the default rules apply). Administrators only (`h5p.approve_library`).
"""

from dataclasses import dataclass

from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_GET
from wagtail.admin.auth import permission_required

from lms.h5p import compatibility
from lms.h5p.models import Activity
from lms.h5p.selectors import RULE_COMPLETED, RULE_LABELS

from .models import LessonRequirement

PERMISSION = "h5p.approve_library"


@dataclass(frozen=True)
class RuleProblem:
    requirement: LessonRequirement
    activity: Activity
    behaviour: compatibility.ContentTypeBehaviour
    rule: str
    can_meet: bool

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS.get(self.rule, self.rule))

    @property
    def possible_labels(self) -> str:
        return ", ".join(str(RULE_LABELS[rule]) for rule in self.behaviour.rules)


def rule_problems() -> list[RuleProblem]:
    """Every lesson requirement on an H5P activity whose rule its current version cannot meet, or whose
    content type has no row in the table. Two queries, whatever the number of lessons."""
    requirements = list(
        LessonRequirement.objects.filter(kind=LessonRequirement.Kind.H5P)
        .select_related("lesson", "course")
        .order_by("course__path", "lesson__path")
    )
    activities = Activity.objects.select_related("current_version").in_bulk(
        {r.object_id for r in requirements}
    )
    problems = []
    for requirement in requirements:
        activity = activities.get(requirement.object_id)
        if activity is None or activity.current_version is None:
            continue
        behaviour = compatibility.behaviour_of_version(activity.current_version)
        rule = requirement.rule or RULE_COMPLETED
        can_meet = rule in behaviour.rules
        if not can_meet or not behaviour.known:
            problems.append(RuleProblem(requirement, activity, behaviour, rule, can_meet))
    return problems


@require_GET
@permission_required(PERMISSION)
def index(request):
    problems = rule_problems()
    return TemplateResponse(
        request,
        "learning/admin/h5p_rules.html",
        {
            "unmeetable": [p for p in problems if not p.can_meet],
            "unknown": [p for p in problems if p.can_meet],
            "table": [
                {
                    "key": row.key,
                    "checked": ", ".join(row.checked),
                    "reports": ", ".join(
                        str(label)
                        for name, label in compatibility.REPORT_LABELS.items()
                        if name in row.reports
                    ),
                    "rules": ", ".join(str(RULE_LABELS[rule]) for rule in row.rules),
                }
                for row in sorted(compatibility.TABLE.values(), key=lambda row: row.key)
            ],
        },
    )


urlpatterns = [path("", index, name="index")]
