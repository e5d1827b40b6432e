from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "lms.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from lms.learning.links import COMPLETED, completed_course_link_register, my_learning_link_register

        from . import receivers  # noqa: F401 — issues a certificate when a course is completed

        my_learning_link_register(
            place=COMPLETED,
            url_name="certificates:mine",
            label=_("My certificates"),
            html_id="my-certificates-link",
        )
        completed_course_link_register(key="certificate", provider=_certificate_links)


def _certificate_links(*, user, course_ids):
    """The certificate of each completed course on the My learning page: its PDF."""
    from django.urls import reverse

    from lms.learning.links import CourseLink

    from .selectors import latest_valid_by_course

    return {
        course_id: CourseLink(
            url=reverse("certificates:download", args=[certificate.code]),
            label=_("Certificate (PDF)"),
            html_class="certificate-link",
        )
        for course_id, certificate in latest_valid_by_course(user=user, course_ids=course_ids).items()
    }
