"""The certificate PDF: Vietnamese text that a PDF reader extracts, the code, the verification address."""

import io
import unicodedata
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from lms.certificates import services
from lms.certificates.models import Certificate
from lms.certificates.pdf import certificate_html, certificate_pdf, verification_url

from .conftest import complete_at

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), unicodedata.normalize("NFC", text)


def test_the_pdf_holds_the_name_with_its_diacritics_and_the_code(certificate):
    pages, text = pdf_text(certificate_pdf(certificate))

    assert pages == 1
    assert "Nguyễn Thị Ngọc Diễm" in text
    assert certificate.code in text
    assert "Chuyển đổi số cho cán bộ phường" in text


def test_the_pdf_shows_the_hours_the_date_and_the_verification_address(holder, four_hour_course, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://hoctap.example.gov.vn/"
    complete_at(holder, four_hour_course, datetime(2025, 12, 31, 18, 0, tzinfo=UTC))  # 1 January there
    certificate = Certificate.objects.get(user=holder)

    _pages, text = pdf_text(certificate_pdf(certificate))

    assert "01/01/2026" in text
    assert f"https://hoctap.example.gov.vn/xac-minh/{certificate.code}/" in text
    assert " 4 " in text.replace("\n", " ")


def test_the_qr_code_and_the_address_use_the_request_when_there_is_one(certificate, rf):
    request = rf.get("/", HTTP_HOST="hoc.phuong.example")

    url = verification_url(certificate, request=request)
    html = certificate_html(certificate, request=request)

    assert url == f"http://hoc.phuong.example/xac-minh/{certificate.code}/"
    assert url in html
    assert 'src="data:image/svg+xml' in html


def test_the_certificate_is_written_in_vietnamese_whatever_the_language(certificate, settings):
    html = certificate_html(certificate)

    assert '<html lang="vi">' in html


def test_a_revoked_certificate_has_no_pdf(certificate, hr_a):
    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Cấp nhầm.")
    certificate.refresh_from_db()

    with pytest.raises(services.CertificateRevoked) as raised:
        certificate_pdf(certificate)

    assert raised.value.status == 410
