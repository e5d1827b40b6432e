"""Every response that carries one person's data as a file (certificate and training record PDFs, the HR
exports) is sent with `Cache-Control: private, no-store`: no proxy and no shared office PC keeps a copy."""

import pytest
from django.urls import reverse

from lms.certificates.models import Certificate
from lms.learning.services import enrolment_create, progress_record
from tests.builders import after_commit, lessons_of, make_course
from tests.org_builders import make_hr, make_official, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(catalogue):
    org = make_org()
    hr = make_hr(org.ward_a)
    holder = make_official(org.ward_a, name="Nguyễn Thị Ngọc Diễm").user
    course = make_course(catalogue, title="An toàn thông tin", modules=1, lessons_per_module=1)
    enrolment_create(user=holder, course=course)
    with after_commit():  # what follows the completion runs after its commit
        for lesson in lessons_of(course):
            progress_record(user=holder, lesson=lesson, source="manual")
    return {"org": org, "hr": hr, "holder": holder, "certificate": Certificate.objects.get(user=holder)}


def personal_files(world) -> list[tuple[str, object, str]]:
    """(who asks, address, content type) for each personal file the platform serves."""
    unit = world["org"].ward_a
    holder, hr = world["holder"], world["hr"]
    return [
        (holder, reverse("certificates:download", args=[world["certificate"].code]), "application/pdf"),
        (hr, reverse("certificates:download", args=[world["certificate"].code]), "application/pdf"),
        (holder, reverse("compliance_record:my_record"), "application/pdf"),
        (hr, reverse("compliance_reports:person_pdf", args=[holder.pk]), "application/pdf"),
        (hr, reverse("compliance_reports:export_csv_all"), "text/csv"),
        (hr, reverse("compliance_reports:export_xlsx_all"), "application/vnd.openxmlformats"),
        (hr, reverse("compliance_reports:export_csv", args=[unit.pk]), "text/csv"),
        (hr, reverse("compliance_reports:export_xlsx", args=[unit.pk]), "application/vnd.openxmlformats"),
    ]


def cache_directives(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_every_personal_pdf_and_export_is_private_and_not_stored(client, world):
    seen = []
    for user, url, content_type in personal_files(world):
        client.force_login(user)
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end so the test client closes it
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(content_type), url
        assert {"private", "no-store"} <= cache_directives(response), (url, response.get("Cache-Control"))
        assert "public" not in cache_directives(response), url
        seen.append(url)
    assert len(seen) == 8
