"""The certificate as a PDF (WeasyPrint), in Vietnamese, with a QR code to its public verification page."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lms.dates import date_vn

from .models import Certificate
from .services import CertificateRevoked


def verification_path(certificate: Certificate) -> str:
    return reverse("verification:verify", args=[certificate.code])


def verification_url(certificate: Certificate, *, request=None) -> str:
    """The absolute public address of the certificate's verification page."""
    if request is not None:
        return request.build_absolute_uri(verification_path(certificate))
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + verification_path(certificate)


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=0, dark="#1b2a4a")


def certificate_html(certificate: Certificate, *, request=None) -> str:
    url = verification_url(certificate, request=request)
    # An official document: always in Vietnamese, whatever language the person browses in.
    with translation.override("vi"):
        return render_to_string(
            "certificates/certificate.html",
            {
                "certificate": certificate,
                "completed_on": date_vn(certificate.completed_at),
                "issued_on": date_vn(certificate.issued_at),
                "verification_url": url,
                "qr_data_uri": qr_data_uri(url),
            },
        )


def certificate_pdf(certificate: Certificate, *, request=None) -> bytes:
    if certificate.is_revoked:
        raise CertificateRevoked(
            _("This certificate was revoked on %(date)s and can no longer be downloaded.")
            % {"date": date_vn(certificate.revoked_at)}
        )
    from weasyprint import HTML  # heavy import: only when a PDF is made

    return HTML(string=certificate_html(certificate, request=request)).write_pdf()
