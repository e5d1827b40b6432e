from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "lms.compliance"
    label = "compliance"
    verbose_name = _("Mandatory training")

    def ready(self):
        from . import receivers  # noqa: F401 — connects the signal handlers
