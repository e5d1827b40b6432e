"""The outline of a course (its live modules, each with its live lessons), built once per published state
of the course and kept in Django's cache.

An outline is stored under the course's id, the course's outline version and the site it was built for
(its URLs are the site's). The version is a number kept in the cache too; `outline_invalidate` replaces it
whenever a page of the course is saved, published, unpublished, moved or deleted (courses.receivers), so
the next view builds the outline again from the database and older outlines expire unread. The cache only
ever spares queries: when it is empty, evicted or down, the outline is built from the database (lms.cache
keeps a Redis that does not answer from failing the page).

The rendered outline of a lesson page (`outline_fragment_key`) is keyed without the version, by what the
page knows before reading the cache (the course, the site, the current lesson, the lessons the person has
done, the language), and stored with the version it was rendered for: the lesson page reads the outline,
its rendered outline and its body in one round trip (courses.selectors.lesson_context).
"""

import dataclasses
import hashlib
import zlib
from dataclasses import dataclass

from django.apps import apps

from lms.cache import Versioned, version_bump, versioned_read

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
class OutlineCourse:
    pk: int
    title: str
    url: str


@dataclass(frozen=True)
class Outline:
    course: OutlineCourse
    modules: tuple[OutlineModule, ...]
    lessons: tuple[OutlineLesson, ...]  # in outline order
    key: str = ""  # its cache key; empty for an outline that is not cached (a preview's)

    def done_key(self, completed_ids) -> str:
        """Which of its lessons are done, as a short text (part of the rendered outline's cache key)."""
        return ",".join(str(lesson.pk) for lesson in self.lessons if lesson.pk in completed_ids)

    def position_of(self, lesson_id: int) -> int | None:
        for index, lesson in enumerate(self.lessons):
            if lesson.pk == lesson_id:
                return index
        return None


def _format() -> str:
    """A digest of the outline's shape, part of its cache key: after a release that changes these classes,
    outlines stored by the previous release are not read back into the new ones."""
    shape = [(cls.__name__, [f.name for f in dataclasses.fields(cls)]) for cls in _CLASSES]
    return format(zlib.crc32(repr(shape).encode()), "x")


_CLASSES = (OutlineLesson, OutlineModule, OutlineCourse, Outline)
FORMAT = _format()


def _version_key(course_id: int) -> str:
    return f"courses:outline-version:{course_id}"


def outline_invalidate(course_id: int) -> None:
    """Make the next view of the course build its outline again."""
    version_bump(_version_key(course_id))


def outline_build(*, course, request, live_only: bool = True, also=None) -> Outline:
    """The outline from the database (two queries), as `course_outline_cached` keeps it (`also`: a lesson
    being previewed, shown even unpublished)."""
    from . import selectors  # the selectors read outlines through this module

    modules, lessons = selectors.outline_pages(course=course, live_only=live_only, also=also)
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
        course=OutlineCourse(pk=course.pk, title=course.title, url=course.get_url(request)),
        modules=outline_modules,
        lessons=tuple(lesson for module in outline_modules for lesson in module.outline_lessons),
    )


def _site_id(request) -> int:
    site = getattr(request, "_wagtail_site", None)
    return site.pk if site else 0


def course_outline_read(*, course_id: int, request, course=None, also=()) -> Versioned:
    """The live outline of a course as the request's site shows it (`.value`), with its version and the
    keys of `also` found: from the cache (one round trip for all), else built (two queries; a third to read
    the course page when `course` is not given) and stored."""
    site_id = _site_id(request)

    def build(version):
        page = course or apps.get_model("courses", "CoursePage").objects.get(pk=course_id)
        outline = outline_build(course=page, request=request)
        return dataclasses.replace(outline, key=f"{FORMAT}:{course_id}:{version}:{site_id}")

    return versioned_read(
        version_key=_version_key(course_id),
        key=f"courses:outline:{FORMAT}:{course_id}:{site_id}",
        build=build,
        timeout=OUTLINE_TIMEOUT,
        also=also,
    )


def course_outline_cached(*, course_id: int, request, course=None) -> Outline:
    """The live outline of a course as the request's site shows it (`course_outline_read`)."""
    return course_outline_read(course_id=course_id, request=request, course=course).value


def outline_fragment_key(*, course_id: int, request, current_id: int, done_ids, language: str) -> str:
    """The cache key of a lesson page's rendered outline, known before the outline's version: its value
    carries the version (lms.cache.Fragment). `done_ids`: the lessons of the course the person has done."""
    done = hashlib.sha1(",".join(map(str, sorted(done_ids))).encode(), usedforsecurity=False).hexdigest()
    return f"courses:outline-html:{FORMAT}:{course_id}:{_site_id(request)}:{current_id}:{language}:{done}"


def course_ids_containing(page) -> list[int]:
    """The ids of the course pages at or above `page` (one query; none when it is above every course)."""
    course_model = apps.get_model("courses", "CoursePage")
    steplen = page.steplen
    paths = [page.path[:i] for i in range(steplen, len(page.path) + 1, steplen)]
    return list(course_model.objects.filter(path__in=paths).values_list("pk", flat=True))
