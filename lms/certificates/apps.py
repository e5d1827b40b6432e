from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "lms.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from lms.learning.links import COMPLETED, my_learning_link_register

        from . import receivers  # noqa: F401 — issues a certificate when a course is completed

        my_learning_link_register(
            place=COMPLETED,
            url_name="certificates:mine",
            label=_("My certificates"),
            html_id="my-certificates-link",
        )
