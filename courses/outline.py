"""The outline of a course (its live modules, each with its live lessons), built once per published state
of the course and kept in Django's cache.

An outline is stored under the course's id, the course's outline version and the site it was built for
(its URLs are the site's). The version is a number kept in the cache too; `outline_invalidate` replaces it
whenever a page of the course is saved, published, unpublished, moved or deleted (courses.receivers), so
the next view builds the outline again from the database and older outlines expire unread. The cache only
ever spares queries: when it is empty, evicted or down, the outline is built from the database (lms.cache
keeps a Redis that does not answer from failing the page).
"""

import time
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import cache
from django.db import transaction

# Seconds. Also bounds how long a change made while the cache was unreachable (its invalidation lost) can
# go unseen.
OUTLINE_TIMEOUT = 60 * 60


@dataclass(frozen=True)
class OutlineLesson:
    pk: int
    title: str
    url: str
    estimated_minutes: int
    is_required: bool


@dataclass(frozen=True)
class OutlineModule:
    pk: int
    title: str
    intro: str
    outline_lessons: tuple[OutlineLesson, ...]


@dataclass(frozen=True)
class Outline:
    course_id: int
    modules: tuple[OutlineModule, ...]
    lessons: tuple[OutlineLesson, ...]  # in outline order

    def position_of(self, lesson_id: int) -> int | None:
        for index, lesson in enumerate(self.lessons):
            if lesson.pk == lesson_id:
                return index
        return None


def _version_key(course_id: int) -> str:
    return f"courses:outline-version:{course_id}"


def _version(course_id: int) -> int:
    key = _version_key(course_id)
    version = cache.get(key)
    if version is None:
        # A fresh number, never one used before: an outline kept under an evicted version is not reused.
        cache.add(key, time.time_ns(), None)
        version = cache.get(key) or 0
    return version


def outline_invalidate(course_id: int) -> None:
    """Make the next view of the course build its outline again. Also after the transaction commits, so that
    a view reading the database between the change and its commit cannot keep the old outline."""

    def bump():
        cache.set(_version_key(course_id), time.time_ns(), None)

    bump()
    transaction.on_commit(bump)


def outline_build(*, course, request, live_only: bool = True) -> Outline:
    """The outline from the database (two queries), as `course_outline_cached` keeps it."""
    from . import selectors  # the selectors read outlines through this module

    modules, lessons = selectors.outline_pages(course=course, live_only=live_only)
    by_pk = {}
    for lesson in lessons:
        by_pk[lesson.pk] = OutlineLesson(
            pk=lesson.pk,
            title=lesson.title,
            url=lesson.get_url(request),
            estimated_minutes=lesson.estimated_minutes,
            is_required=lesson.is_required,
        )
    outline_modules = tuple(
        OutlineModule(
            pk=module.pk,
            title=module.title,
            intro=module.intro,
            outline_lessons=tuple(by_pk[lesson.pk] for lesson in module.outline_lessons),
        )
        for module in modules
    )
    return Outline(
        course_id=course.pk,
        modules=outline_modules,
        lessons=tuple(lesson for module in outline_modules for lesson in module.outline_lessons),
    )


def course_outline_cached(*, course, request) -> Outline:
    """The live outline of `course` as the request's site shows it: from the cache, else built (two queries)
    and stored."""
    site = getattr(request, "_wagtail_site", None)
    key = f"courses:outline:{course.pk}:{_version(course.pk)}:{site.pk if site else 0}"
    outline = cache.get(key)
    if outline is None:
        outline = outline_build(course=course, request=request)
        cache.set(key, outline, OUTLINE_TIMEOUT)
    return outline


def course_ids_containing(page) -> list[int]:
    """The ids of the course pages at or above `page` (one query; none when it is above every course)."""
    course_model = apps.get_model("courses", "CoursePage")
    steplen = page.steplen
    paths = [page.path[:i] for i in range(steplen, len(page.path) + 1, steplen)]
    return list(course_model.objects.filter(path__in=paths).values_list("pk", flat=True))
