from django.core.management.base import BaseCommand

from lms.people.services import roles_sync


class Command(BaseCommand):
    help = "Create or update the role groups (Learner, Trainer, HR manager, Administrator) and permissions."

    def handle(self, *args, **options):
        groups = roles_sync()
        self.stdout.write(self.style.SUCCESS(f"Roles in place: {', '.join(groups)}"))
