"""How `learning` sees courses without importing them.

The page models that play "course" and "lesson" are named in settings (LEARNING_COURSE_MODEL,
LEARNING_LESSON_MODEL), the way Django names the user model. A course model has a `trainer` (a user, or
empty: `selectors.trained_courses`). A lesson model must be a Wagtail page
below its course page, with a boolean field `is_required`, a method `accepts_progress(*, user, source)`,
a method `quiz_ids()` listing the quizzes placed in it, and a method `completion_requirements()` returning the
`requirements.Requirement`s its body declares (indexed by `services.requirements_sync` when it is saved).
"""

from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet


def course_model():
    return apps.get_model(settings.LEARNING_COURSE_MODEL)


def lesson_model():
    return apps.get_model(settings.LEARNING_LESSON_MODEL)


def live_lessons(*, course) -> QuerySet:
    """Published lessons of a course, in outline order."""
    return lesson_model().objects.live().filter(path__startswith=course.path).order_by("path")


def required_lessons(*, course) -> QuerySet:
    return live_lessons(course=course).filter(is_required=True)


def course_of(lesson):
    """The live course page above a lesson, or None."""
    return course_model().objects.live().filter(path__in=_ancestor_paths(lesson.path, lesson.steplen)).first()


def course_id_of(lesson) -> int | None:
    """The id of the course page above a lesson, published or not."""
    return (
        course_model()
        .objects.filter(path__in=_ancestor_paths(lesson.path, lesson.steplen))
        .values_list("pk", flat=True)
        .first()
    )


def ancestor_paths(lesson) -> list[str]:
    """The paths of the pages above a lesson (its course is among them)."""
    return _ancestor_paths(lesson.path, lesson.steplen)


def _ancestor_paths(path: str, steplen: int) -> list[str]:
    return [path[:i] for i in range(steplen, len(path), steplen)]
