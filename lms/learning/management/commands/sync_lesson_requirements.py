from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from lms.learning.services import requirements_sync_all


class Command(BaseCommand):
    help = (
        "Rebuild the requirement index (LessonRequirement) of every lesson from its saved body: which "
        "quizzes and H5P activities complete it. Safe to run again: rows already right are kept."
    )

    def handle(self, *args, **options):
        summary = requirements_sync_all()
        message = _(
            "Lesson requirements checked for %(lessons)d lessons: %(added)d added, %(removed)d removed."
        )
        self.stdout.write(
            self.style.SUCCESS(
                message % {"lessons": summary.lessons, "added": summary.added, "removed": summary.removed}
            )
        )
