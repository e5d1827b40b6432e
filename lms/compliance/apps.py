from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "lms.compliance"
    label = "compliance"
    verbose_name = _("Mandatory training")

    def ready(self):
        from . import assignment_hooks, receivers  # noqa: F401 — admin pages of assignments; signal handlers
