"""Reads for the course pages. Each answers in a fixed number of queries, whatever the course size."""

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import translation
from taggit.models import Tag

from lms.cache import Fragment
from lms.h5p import selectors as h5p_selectors
from lms.learning import selectors as learning_selectors
from lms.learning.models import LessonRequirement
from lms.people import permission_cache
from lms.text import fold

from .outline import course_outline_cached, course_outline_read, outline_build, outline_fragment_key

CATALOGUE_PAGE_SIZE = 12
OUTLINE_FRAGMENT_TIMEOUT = 60 * 60  # seconds; its version makes it stale at once
# Seconds: an image, document or linked page changed without republishing the lesson shows within this time.
BODY_FRAGMENT_TIMEOUT = 10 * 60


def _models():
    return (
        apps.get_model("courses", "CoursePage"),
        apps.get_model("courses", "ModulePage"),
        apps.get_model("courses", "LessonPage"),
    )


def catalogue(*, index, user, query: str = "", topic: str = "", page_number=None) -> dict:
    course_model, _module, _lesson = _models()
    courses = (
        course_model.objects.live()
        .descendant_of(index)
        .select_related("cover_image")
        .prefetch_related("tagged_items__tag")
        .order_by("path")
    )
    query = (query or "").strip()[:100]
    for word in fold(query).split():
        courses = courses.filter(search_text__contains=word)
    topic = (topic or "").strip()[:100]
    if topic:
        courses = courses.filter(tagged_items__tag__slug=topic)
    page = Paginator(courses, CATALOGUE_PAGE_SIZE).get_page(page_number)
    topics = (
        Tag.objects.filter(
            courses_coursetag_items__content_object__in=course_model.objects.live().descendant_of(index)
        )
        .distinct()
        .order_by("name")
    )
    progress = learning_selectors.progress_by_course(user=user, course_ids=[c.pk for c in page])
    for course in page:
        course.progress_percent = progress.get(course.pk)
    return {"courses_page": page, "query": query, "topic": topic, "topics": topics}


def outline_pages(*, course, live_only: bool = True, also=None):
    """The course's modules, each with its lessons (`module.outline_lessons`), from two queries; the bodies
    of the lessons are not loaded. The pages behind the cached outline (courses.outline). With `live_only`,
    the published ones and `also` (the lesson being previewed, with its module), published or not."""
    _course, module_model, lesson_model = _models()
    modules_qs = module_model.objects.child_of(course)
    lessons_qs = lesson_model.objects.filter(path__startswith=course.path).defer_streamfields()
    if live_only:
        shown_lesson, shown_module = Q(live=True), Q(live=True)
        if also is not None:
            shown_lesson |= Q(pk=also.pk)
            shown_module |= Q(path=also.path[: -also.steplen])
        modules_qs, lessons_qs = modules_qs.filter(shown_module), lessons_qs.filter(shown_lesson)
    modules = list(modules_qs.order_by("path"))
    lessons = list(lessons_qs.order_by("path"))
    by_path = {module.path: module for module in modules}
    for module in modules:
        module.outline_lessons = []
    for lesson in lessons:
        module = by_path.get(lesson.path[: -lesson.steplen])
        if module is not None:
            module.outline_lessons.append(lesson)
    ordered = [lesson for module in modules for lesson in module.outline_lessons]
    return modules, ordered


def course_outline(*, course, user, request) -> dict:
    """The course page: its outline (cached) and the person's progress (one query)."""
    outline = course_outline_cached(course_id=course.pk, request=request, course=course)
    progress = learning_selectors.course_progress(user=user, course=course, lessons=outline.lessons)
    continue_lesson = None
    if progress.enrolment is not None:
        continue_lesson = learning_selectors.next_lesson_to_study(
            enrolment=progress.enrolment, lessons=outline.lessons, completed_ids=progress.completed_lesson_ids
        )
    return {
        "modules": outline.modules,
        "lessons": outline.lessons,
        "outline_key": outline.key,
        "outline_done": outline.done_key(progress.completed_lesson_ids),
        "progress": progress,
        "continue_lesson": continue_lesson,
    }


def lesson_context(*, lesson, user, request, is_preview: bool = False, with_drafts: bool = False) -> dict:
    """The lesson page around the body: its course's outline (cached), the person's progress, where the
    lesson stands and what completes it, and the rendered outline and body as `fragments` (lms.cache.Fragment,
    for the `{% fragment %}` tag). The progress is one query; the outline, its rendered form and the body are
    read from the cache in one round trip. A preview reads the outline from the database (the published
    lessons around the previewed one, or every lesson when asked: `with_drafts`) and keeps no fragment."""
    fragments = {"outline": None, "body": None}
    if is_preview:
        page = lesson.get_course()
        outline = (
            outline_build(course=page, request=request, live_only=not with_drafts, also=lesson)
            if page
            else None
        )
        read = learning_selectors.enrolment_read(user=user, course_id=page.pk) if page else None
    else:
        course_id = lesson.get_course_id()
        outline = None
        if course_id:
            read = learning_selectors.enrolment_read(user=user, course_id=course_id)
            language = translation.get_language()
            outline_key = outline_fragment_key(
                course_id=course_id,
                request=request,
                current_id=lesson.pk,
                done_ids=read.completed_lesson_ids,
                language=language,
            )
            body_key = lesson.body_cache_key(request)
            body_key = f"courses:lesson-body:{body_key}:{language}" if body_key else ""
            # The person's permissions (the header's "Administration" link) in the same round trip.
            permission_keys = permission_cache.read_ahead_keys(user)
            found = course_outline_read(
                course_id=course_id,
                request=request,
                also=[key for key in (outline_key, body_key) if key] + permission_keys,
            )
            permission_cache.permissions_read_ahead(user, found.also)
            outline = found.value
            fragments["outline"] = Fragment.found(
                key=outline_key, timeout=OUTLINE_FRAGMENT_TIMEOUT, values=found.also, version=found.version
            )
            if body_key:
                fragments["body"] = Fragment.found(
                    key=body_key, timeout=BODY_FRAGMENT_TIMEOUT, values=found.also
                )
    if outline is None:
        return {"course": None, "can_read_body": is_preview, "fragments": fragments}
    course, lessons = outline.course, outline.lessons
    progress = learning_selectors.course_progress(user=user, course=course, lessons=lessons, read=read)
    position = outline.position_of(lesson.pk)
    previous_lesson = lessons[position - 1] if position else None
    next_lesson = lessons[position + 1] if position is not None and position + 1 < len(lessons) else None
    requirements = lesson.completion_requirements()
    kinds = {requirement.kind for requirement in requirements}
    activity_ids = [r.object_id for r in requirements if r.kind == "h5p"]
    return {
        "course": course,
        "modules": outline.modules,
        "fragments": fragments,
        "progress": progress,
        "enrolment": progress.enrolment,
        "can_read_body": is_preview or progress.is_enrolled,
        "h5p_results": h5p_selectors.results_by_activity(user=user, activity_ids=activity_ids)
        if activity_ids and user.is_authenticated
        else {},
        "completion_requirements": requirements,
        "completed_by_quiz": "quiz" in kinds,
        "completed_by_h5p": "h5p" in kinds,
        "lesson_completed": lesson.pk in progress.completed_lesson_ids,
        "lesson_position": (position + 1) if position is not None else None,
        "lesson_count": len(lessons),
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
    }


def lessons_sharing_quizzes(*, lesson, quiz_ids: list[int]) -> dict[int, list]:
    """For each of these quizzes, the other lessons whose body places it (from the requirement index),
    with their course's title as `course_title`; quizzes no other lesson uses are left out."""
    if not quiz_ids:
        return {}
    course_model, _module, lesson_model = _models()
    rows = list(
        LessonRequirement.objects.filter(kind=LessonRequirement.Kind.QUIZ, object_id__in=quiz_ids)
        .exclude(lesson_id=lesson.pk)
        .values_list("object_id", "lesson_id", "course_id")
        .order_by("object_id", "lesson_id")
    )
    lessons = lesson_model.objects.defer_streamfields().in_bulk([lesson_id for _q, lesson_id, _c in rows])
    courses = dict(course_model.objects.filter(pk__in={c for _q, _l, c in rows}).values_list("pk", "title"))
    shared: dict[int, list] = {}
    for quiz_id, lesson_id, course_id in rows:
        if lesson_id in lessons:
            other = lessons[lesson_id]
            other.course_title = courses.get(course_id, "")
            shared.setdefault(quiz_id, []).append(other)
    return shared
