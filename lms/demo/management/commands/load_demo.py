from django.core.management import call_command
from django.core.management.base import BaseCommand

from lms.demo.accounts import DEMO_PASSWORD, DEMO_USERS
from lms.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo platform: roles, accounts, the catalogue and the demo courses. Safe to run again."

    def handle(self, *args, **options):
        summary = load_demo()
        if summary.created:
            for item in summary.created:
                self.stdout.write(f"  + {item}")
            self.stdout.write(
                self.style.SUCCESS(f"Demo content loaded ({len(summary.created)} items created).")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Demo content already in place; nothing changed."))
        call_command("setup_reminder_schedules", stdout=self.stdout)  # Celery beat: sweep, renewals
        accounts = ", ".join(user["username"] for user in DEMO_USERS)
        self.stdout.write(f"Demo accounts: {accounts} (password: {DEMO_PASSWORD})")
