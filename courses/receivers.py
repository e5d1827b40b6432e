"""Keep the lesson requirement index and the cached course outlines true when pages change."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from lms.learning.services import requirements_sync

from .models import LessonPage
from .outline import course_ids_containing, outline_invalidate


@receiver(post_page_move)
def lessons_moved(sender, instance, **kwargs):
    """A moved module or lesson may now belong to another course: re-index the lessons at and below it."""
    for lesson in LessonPage.objects.filter(path__startswith=instance.path):
        requirements_sync(lesson=lesson, requirements=lesson.completion_requirements())


def _invalidate_outlines_around(page) -> None:
    for course_id in course_ids_containing(page):
        outline_invalidate(course_id)


@receiver(post_save)
def page_saved(sender, instance, **kwargs):
    """Any save of a page (publishing writes the live page; a draft only its bookkeeping, which costs one
    rebuild): the outline of the course it is in, or that it is, is built again."""
    if isinstance(instance, Page) and instance.path:
        _invalidate_outlines_around(instance)


def page_deleted(sender, instance, **kwargs):
    if instance.path:
        _invalidate_outlines_around(instance)


# Per page model, not for every model: a post_delete receiver without a sender would keep Django from
# deleting any other model's rows in bulk.
for _model in apps.get_models():
    if issubclass(_model, Page):
        post_delete.connect(
            page_deleted, sender=_model, dispatch_uid=f"outline-page-deleted-{_model._meta.label}"
        )


@receiver(page_published)
@receiver(page_unpublished)
def page_published_or_unpublished(sender, instance, **kwargs):
    _invalidate_outlines_around(instance)


@receiver(post_page_move)
def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """Both courses: the one the page left (found from its former parent) and the one it joined."""
    _invalidate_outlines_around(parent_page_before)
    _invalidate_outlines_around(instance)
