from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "lms.compliance"
    label = "compliance"
    verbose_name = _("Mandatory training")

    def ready(self):
        from lms.learning.links import TOP, my_learning_link_register

        from . import assignment_hooks, receivers  # noqa: F401 — admin pages of assignments; signal handlers

        my_learning_link_register(
            place=TOP,
            url_name="compliance:my_training",
            label=_("My mandatory training"),
            html_id="my-mandatory-training-link",
        )
