"""List the duplicate duties migration compliance 0005 merges: run it before migrating to see what will be
merged, after to confirm that none is left."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from lms.compliance import merging
from lms.compliance.models import Obligation


class Command(BaseCommand):
    help = _(
        "List people holding more than one obligation for a course and cycle (merged by migration 0005)."
    )

    def handle(self, *args, **options):
        keys = merging.duplicate_keys(Obligation)
        for user_id, course_id in keys:
            rows = list(
                Obligation.objects.filter(user_id=user_id, course_id=course_id).only(
                    "pk", "assignment_id", "cycle", "is_current", "due_at", "user_id", "course_id"
                )
            )
            for keep, others in merging.merge_plan(rows):
                self.stdout.write(
                    f"person {user_id}, course {course_id}, cycle {keep.cycle}: keep obligation {keep.pk} "
                    f"(assignment {keep.assignment_id}), merge "
                    + ", ".join(f"{o.pk} (assignment {o.assignment_id}, cycle {o.cycle})" for o in others)
                )
        self.stdout.write(_("People with duplicate obligations: %(count)s") % {"count": len(keys)})
