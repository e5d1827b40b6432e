from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "lms.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self):
        from lms.compliance.reports.actions import remind_action_register

        from . import receivers  # noqa: F401 — confirms a completion as soon as it is announced

        # The overdue list and a person's page in the HR reports remind people through the nudge confirmation.
        remind_action_register(url_name="reminders_admin:nudge_confirm")
