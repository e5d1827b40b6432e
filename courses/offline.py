"""What "Download for offline study" stores: every URL of one course a learner reads, with its size.

Files (images, documents) are counted exactly; a page's size is an estimate (its text plus the page frame),
since rendering every lesson to measure it would cost more than the download itself. Only the asking
person's own quiz pages are listed."""

from dataclasses import asdict, dataclass

from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from lms.h5p import offline as h5p_offline
from lms.h5p import player as h5p_player
from lms.h5p.models import Activity
from lms.quiz.models import Attempt

from . import selectors
from .models import LessonPage

PAGE_FRAME_BYTES = 9_000  # header, outline and footer of a rendered page, compressed or not: an upper bound
LESSON_IMAGE_FILTER = "width-800"  # templates/blocks/image.html
COVER_IMAGE_FILTER = "fill-960x320"  # templates/courses/course_page.html


@dataclass(frozen=True)
class Resource:
    url: str
    bytes: int
    kind: str  # page, image, document, h5p-player (a personal H5P player page), h5p (an H5P file)
    estimated: bool = False


def _page(url: str, text_bytes: int = 0) -> Resource:
    return Resource(url=url, bytes=PAGE_FRAME_BYTES + text_bytes, kind="page", estimated=True)


def _blocks(lesson):
    for block in lesson.body.raw_data:
        yield block.get("type"), block.get("value")


def _file_size(field_file) -> int:
    try:
        return field_file.size
    except (OSError, ValueError):
        return 0


def course_resources(*, course, user, request) -> list[Resource]:
    """The course page, My learning, each live lesson, the images and documents they show, the person's own
    quiz pages of these lessons and their H5P activities. A fixed number of queries, whatever the course size
    (an H5P activity's files are listed from the storage)."""
    # The live lessons of live modules, bodies deferred.
    _modules, outline = selectors.outline_pages(course=course)
    lessons = list(LessonPage.objects.filter(pk__in=[item.pk for item in outline]).order_by("path"))
    resources = [_page(course.get_url(request), len(course.summary)), _page(reverse("learning:my_learning"))]
    image_ids, document_ids, h5p_blocks = [], [], []
    for lesson in lessons:
        resources.append(_page(lesson.get_url(request), len(str(lesson.body.raw_data).encode())))
        for kind, value in _blocks(lesson):
            if kind == "image" and isinstance(value, dict) and value.get("image"):
                image_ids.append(value["image"])
            elif kind == "document" and isinstance(value, dict) and value.get("document"):
                document_ids.append(value["document"])
            elif kind == "h5p" and isinstance(value, dict) and value.get("activity"):
                h5p_blocks.append((lesson.pk, value["activity"]))
    images = get_image_model().objects.filter(pk__in=image_ids).prefetch_renditions(LESSON_IMAGE_FILTER)
    for image in images:
        rendition = image.get_rendition(LESSON_IMAGE_FILTER)
        resources.append(Resource(url=rendition.url, bytes=_file_size(rendition.file), kind="image"))
    if course.cover_image_id:
        rendition = course.cover_image.get_rendition(COVER_IMAGE_FILTER)
        resources.append(Resource(url=rendition.url, bytes=_file_size(rendition.file), kind="image"))
    for document in get_document_model().objects.filter(pk__in=document_ids).order_by("pk"):
        size = document.file_size or _file_size(document.file)
        resources.append(Resource(url=document.url, bytes=size, kind="document"))
    resources.extend(_quiz_pages(user=user, lesson_ids=[lesson.pk for lesson in lessons]))
    resources.extend(_h5p_files(user=user, blocks=h5p_blocks, request=request))
    return resources


def _h5p_files(*, user, blocks: list[tuple[int, int]], request) -> list[Resource]:
    """Each H5P activity's player page for this person and lesson (the grant the lesson page frames) and the
    files of its current version, with the player's own files once. Not with a player origin of its own
    (H5P_PLAYER_ORIGIN): no worker of the site sees that origin (docs/offline.md)."""
    origin = request.build_absolute_uri("/")
    if not blocks or h5p_player.separate_origin(origin):
        return []
    activities = (
        Activity.objects.filter(pk__in={pk for _lesson, pk in blocks})
        .select_related("current_version")
        .prefetch_related("current_version__libraries")
    )
    versions = {activity.pk: activity.current_version for activity in activities}
    found = []
    for lesson_id, activity_id in blocks:
        version = versions.get(activity_id)
        if version is not None:
            found.extend(
                h5p_offline.activity_files(
                    user=user, version=version, lesson_id=lesson_id, parent_origin=origin
                )
            )
    if found:
        found.extend(h5p_offline.player_files())
    return [Resource(url=f.url, bytes=f.bytes, kind=f.kind, estimated=f.estimated) for f in found]


def _quiz_pages(*, user, lesson_ids: list[int]) -> list[Resource]:
    """The person's quiz in progress (each of its pages) and last results, in these lessons."""
    attempts = Attempt.objects.filter(user=user, context_page_id__in=lesson_ids).select_related("quiz")
    pages, latest_result = [], {}
    for attempt in attempts.order_by("started_at"):
        if attempt.is_in_progress:
            take = reverse("lesson_quiz:take", args=[attempt.pk])
            pages.append(_page(take))
            if attempt.quiz.one_per_page:
                pages.extend(_page(f"{take}?cau={n}") for n in range(1, len(attempt.question_ids) + 1))
                pages.append(_page(f"{take}?cau=xem-lai"))  # the review screen before "Nộp bài"
        else:
            latest_result[attempt.quiz_id] = attempt
    pages.extend(_page(reverse("lesson_quiz:result", args=[a.pk])) for a in latest_result.values())
    return pages


def as_json(resources: list[Resource]) -> dict:
    seen, files = set(), []
    for resource in resources:
        if resource.url not in seen:
            seen.add(resource.url)
            files.append(asdict(resource))
    return {"total_bytes": sum(item["bytes"] for item in files), "files": files}
