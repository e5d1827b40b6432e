from django.core.management.base import BaseCommand, CommandError

from lms.compliance.tasks import parse_moment, renewals_open_all


class Command(BaseCommand):
    help = (
        "Open the recertification cycles that are due: completions whose validity ends within "
        "COMPLIANCE_RENEWAL_NOTICE_DAYS. Safe to run again; Celery runs the same work as "
        "lms.compliance.tasks.renewals_open_task."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="Run as if it were this moment (ISO 8601, e.g. 2026-12-01T08:00), to catch up or to test.",
        )

    def handle(self, *args, now=None, **options):
        try:
            moment = parse_moment(now)
        except ValueError as error:
            raise CommandError(str(error)) from None
        opened = renewals_open_all(now=moment)
        self.stdout.write(self.style.SUCCESS(f"{opened} recertification cycle(s) opened."))
