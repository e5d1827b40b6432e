from django.core.management.base import BaseCommand
from django.utils import timezone

from lms.compliance.reports.snapshot import snapshot_take


class Command(BaseCommand):
    help = (
        "Count the HR dashboard's figures of every unit and course again now (the snapshot a large dashboard "
        'shows "as of" its moment). Safe to run again; Celery beat runs the same work every 10 minutes as '
        "lms.compliance.tasks.dashboard_figures_refresh_task."
    )

    def handle(self, *args, **options):
        snapshot = snapshot_take()
        moment = timezone.localtime(snapshot.taken_at)
        seconds = (snapshot.finished_at - snapshot.taken_at).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(f"Dashboard figures as of {moment:%Y-%m-%d %H:%M:%S} ({seconds:.1f} s).")
        )
