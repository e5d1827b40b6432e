from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "lms.compliance"
    label = "compliance"
    verbose_name = _("Mandatory training")

    def ready(self):
        from lms.learning.links import TOP, my_learning_link_register

        from . import receivers  # noqa: F401 — signal handlers
        from .assignments import wagtail_hooks as assignment_hooks  # noqa: F401 — HR's assignment pages
        from .reports import wagtail_hooks as report_hooks  # noqa: F401 — HR's training reports

        my_learning_link_register(
            place=TOP,
            url_name="compliance:my_training",
            label=_("My mandatory training"),
            html_id="my-mandatory-training-link",
        )
