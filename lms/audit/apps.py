from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lms.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the role and HR-scope receivers)
