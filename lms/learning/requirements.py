"""Completion requirements of lessons: which quizzes to pass and which H5P activities to finish.

A lesson model declares its requirements (`completion_requirements()`); this module decides whether a person
meets them, one query per kind however many requirements are asked about.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from lms.h5p.selectors import results_by_activity, rule_met
from lms.quiz.selectors import quizzes_passed

from .models import LessonRequirement

Kind = LessonRequirement.Kind


@dataclass(frozen=True)
class Requirement:
    kind: str
    object_id: int
    rule: str = ""
    min_score: int | None = None

    @classmethod
    def from_row(cls, row: LessonRequirement) -> "Requirement":
        return cls(kind=row.kind, object_id=row.object_id, rule=row.rule, min_score=row.min_score)


def requirements_met(*, user, requirements: Iterable[Requirement], since=None) -> set[Requirement]:
    """The requirements among these that the person meets; with `since` (the enrolment's current cycle
    began then: `Enrolment.cycle_started_at`), only quiz attempts and H5P statements from then on count."""
    requirements = set(requirements)
    quiz_ids = {r.object_id for r in requirements if r.kind == Kind.QUIZ}
    activity_ids = {r.object_id for r in requirements if r.kind == Kind.H5P}
    passed = quizzes_passed(user=user, quiz_ids=quiz_ids, since=since) if quiz_ids else set()
    results = results_by_activity(user=user, activity_ids=activity_ids, since=since)
    return {r for r in requirements if _met(r, passed=passed, results=results)}


def _met(requirement: Requirement, *, passed: set[int], results: dict) -> bool:
    if requirement.kind == Kind.QUIZ:
        return requirement.object_id in passed
    return rule_met(
        result=results.get(requirement.object_id),
        rule={"rule": requirement.rule, "min_score": requirement.min_score},
    )


def all_met(*, user, requirements: Iterable[Requirement], since=None) -> bool:
    requirements = set(requirements)
    return requirements_met(user=user, requirements=requirements, since=since) == requirements
