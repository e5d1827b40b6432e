"""Keep the lesson requirement index true when pages move between courses."""

from django.dispatch import receiver
from wagtail.signals import post_page_move

from lms.learning.services import requirements_sync

from .models import LessonPage


@receiver(post_page_move)
def lessons_moved(sender, instance, **kwargs):
    """A moved module or lesson may now belong to another course: re-index the lessons at and below it."""
    for lesson in LessonPage.objects.filter(path__startswith=instance.path):
        requirements_sync(lesson=lesson, requirements=lesson.completion_requirements())
