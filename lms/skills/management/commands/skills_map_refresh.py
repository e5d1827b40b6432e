from django.core.management.base import BaseCommand
from django.utils import timezone

from lms.skills.snapshot import map_snapshot_take


class Command(BaseCommand):
    help = (
        "Count the skills map of every unit, position and competence again now (the snapshot a large map "
        'shows "as of" its moment). Safe to run again; Celery beat runs the same work every 10 minutes as '
        "lms.skills.tasks.map_snapshot_refresh_task."
    )

    def handle(self, *args, **options):
        snapshot = map_snapshot_take()
        moment = timezone.localtime(snapshot.taken_at)
        seconds = (snapshot.finished_at - snapshot.taken_at).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(f"Skills map as of {moment:%Y-%m-%d %H:%M:%S} ({seconds:.1f} s).")
        )
