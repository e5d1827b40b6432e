"""The learner's list, the PDF download and the public verification page."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.certificates import services
from lms.certificates.models import Certificate
from tests.builders import UserFactory, make_course

from .conftest import complete, complete_at, make_official

pytestmark = pytest.mark.django_db

MINE = "/chung-nhan/"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def download_url(certificate):
    return f"/chung-nhan/{certificate.code}/pdf/"


def local_date(moment) -> str:
    return moment.astimezone(HCM).strftime("%d/%m/%Y")


def verify_url(code):
    return f"/xac-minh/{code}/"


def test_the_urls_are_where_the_issue_says():
    assert reverse("certificates:mine") == MINE
    assert reverse("certificates:download", args=["K7QM-9XTR-2HDP"]) == "/chung-nhan/K7QM-9XTR-2HDP/pdf/"
    assert reverse("verification:form") == "/xac-minh/"
    assert reverse("verification:verify", args=["K7QM-9XTR-2HDP"]) == "/xac-minh/K7QM-9XTR-2HDP/"


# --- My certificates


def test_my_certificates_requires_login(client, db):
    response = client.get(MINE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_my_certificates_is_empty_for_a_new_official(client, holder):
    client.force_login(holder)

    page = client.get(MINE).content.decode()

    assert 'id="no-certificates"' in page


def test_my_certificates_lists_only_my_own_with_download_links(client, certificate, holder, org, catalogue):
    other = make_official(org.ward_a).user
    complete(other, make_course(catalogue, title="Khóa của người khác", modules=1, lessons_per_module=1))
    client.force_login(holder)

    page = client.get(MINE).content.decode()

    assert certificate.code in page
    assert download_url(certificate) in page
    assert "Khóa của người khác" not in page
    assert Certificate.objects.get(user=other).code not in page


def test_a_revoked_certificate_is_listed_without_a_download_link(client, certificate, holder, hr_a):
    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Cấp nhầm khóa.")
    client.force_login(holder)

    page = client.get(MINE).content.decode()

    assert certificate.code in page
    assert "is-revoked" in page
    assert download_url(certificate) not in page


def test_my_learning_links_to_my_certificates(client, holder):
    client.force_login(holder)

    page = client.get(reverse("learning:my_learning")).content.decode()

    assert f'href="{MINE}"' in page


def test_my_certificates_is_paginated(client, holder, catalogue):
    for n in range(21):
        complete(holder, make_course(catalogue, title=f"Khóa {n}", modules=1, lessons_per_module=1))
    client.force_login(holder)

    first = client.get(MINE)
    second = client.get(MINE, {"page": 2})

    assert len(first.context["page_obj"].object_list) == 20
    assert len(second.context["page_obj"].object_list) == 1


def test_my_certificates_costs_the_same_queries_for_one_or_five(
    client, holder, catalogue, django_assert_num_queries
):
    client.force_login(holder)
    complete(holder, make_course(catalogue, modules=1, lessons_per_module=1))
    client.get(MINE)
    with CaptureQueriesContext(connection) as one:
        client.get(MINE)
    for n in range(4):
        complete(holder, make_course(catalogue, title=f"Khóa {n}", modules=1, lessons_per_module=1))

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(MINE)

    assert len(response.context["page_obj"].object_list) == 5


# --- Download


def _assert_pdf(response, certificate):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert certificate.code in response["Content-Disposition"]
    assert b"".join(response).startswith(b"%PDF")


def test_the_holder_downloads_the_pdf(client, certificate, holder):
    client.force_login(holder)

    _assert_pdf(client.get(download_url(certificate)), certificate)


def test_the_code_in_the_download_address_may_be_in_lower_case(client, certificate, holder):
    client.force_login(holder)

    _assert_pdf(client.get(f"/chung-nhan/{certificate.code.lower()}/pdf/"), certificate)


def test_an_hr_manager_of_the_holders_ward_downloads_the_pdf(client, certificate, hr_a):
    client.force_login(hr_a)

    _assert_pdf(client.get(download_url(certificate)), certificate)


def test_an_administrator_downloads_the_pdf(client, certificate, administrator):
    client.force_login(administrator)

    _assert_pdf(client.get(download_url(certificate)), certificate)


def test_an_hr_manager_of_another_ward_gets_404(client, certificate, hr_b):
    client.force_login(hr_b)

    assert client.get(download_url(certificate)).status_code == 404


def test_another_learner_gets_404(client, certificate, org):
    client.force_login(make_official(org.office_a).user)

    assert client.get(download_url(certificate)).status_code == 404


def test_an_unknown_code_gets_404(client, holder):
    client.force_login(holder)

    assert client.get("/chung-nhan/2345-6789-ABCD/pdf/").status_code == 404
    assert client.get("/chung-nhan/khong-phai-ma/pdf/").status_code == 404


def test_download_requires_login(client, certificate):
    response = client.get(download_url(certificate))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_revoked_certificate_cannot_be_downloaded(client, certificate, holder, hr_a):
    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Cấp nhầm khóa.")
    client.force_login(holder)

    response = client.get(download_url(certificate))

    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert "errors/problem.html" in [t.name for t in response.templates]


# --- Public verification


def test_a_valid_certificate_is_confirmed_without_login(client, certificate):
    response = client.get(verify_url(certificate.code))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-status="valid"' in page
    assert "Nguyễn Thị Ngọc Diễm" in page
    assert "Chuyển đổi số cho cán bộ phường" in page
    assert local_date(certificate.completed_at) in page


def test_the_verification_page_shows_nothing_else(client, certificate, holder):
    official = holder.official

    page = client.get(verify_url(certificate.code)).content.decode()

    assert holder.email not in page
    assert official.employee_code not in page
    assert holder.username not in page
    assert official.unit.name not in page
    assert "/admin/" not in page
    assert download_url(certificate) not in page
    assert set(client.get(verify_url(certificate.code)).context["result"]) == {
        "status",
        "code",
        "holder_name",
        "course_title",
        "completed_on",
        "revoked_on",
    }


def test_a_revoked_certificate_says_so_with_the_date_and_not_the_reason(client, certificate, hr_a):
    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Gian lận khi làm bài.")
    certificate.refresh_from_db()

    response = client.get(verify_url(certificate.code))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-status="revoked"' in page
    assert local_date(certificate.revoked_at) in page
    assert "Gian lận" not in page
    assert hr_a.get_full_name() not in page


def test_an_unknown_code_is_not_found(client, db):
    response = client.get(verify_url("2345-6789-ABCD"))

    assert response.status_code == 404
    assert 'data-status="not-found"' in response.content.decode()


@pytest.mark.parametrize("typed", ["{lower}", "{bare}", "{spaced}"])
def test_the_verification_address_tolerates_case_and_missing_dashes(client, certificate, typed):
    code = typed.format(
        lower=certificate.code.lower(),
        bare=certificate.code.replace("-", ""),
        spaced=certificate.code.replace("-", " ").lower(),
    )

    response = client.get(verify_url(code))

    assert response.status_code == 200
    assert 'data-status="valid"' in response.content.decode()


def test_the_form_sends_a_typed_code_to_its_verification_page(client, certificate):
    response = client.get("/xac-minh/", {"code": " " + certificate.code.replace("-", "").lower() + " "})

    assert response.status_code == 302
    assert response["Location"] == verify_url(certificate.code)


def test_the_form_explains_a_malformed_code(client, db):
    response = client.get("/xac-minh/", {"code": "123"})

    assert response.status_code == 200
    assert response.context["error"]
    assert 'id="verification-result"' not in response.content.decode()


def test_the_empty_form_is_public(client, db):
    response = client.get("/xac-minh/")

    assert response.status_code == 200
    assert 'id="verification-form"' in response.content.decode()


@pytest.mark.parametrize("path", ["/xac-minh/", "/xac-minh/2345-6789-ABCD/"])
def test_verification_pages_are_not_indexed_or_cached(client, db, path):
    response = client.get(path)

    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Cache-Control"] == "no-store"


def test_verification_is_the_same_for_a_logged_in_stranger(client, certificate):
    client.force_login(UserFactory(username="nguoi_la"))

    response = client.get(verify_url(certificate.code))

    assert response.status_code == 200
    assert 'data-status="valid"' in response.content.decode()


def test_the_completion_date_is_the_date_in_ho_chi_minh_city(client, holder, four_hour_course):
    complete_at(holder, four_hour_course, datetime(2025, 3, 1, 18, 30, tzinfo=UTC))  # 01:30 on 2 March there
    certificate = Certificate.objects.get(user=holder)

    page = client.get(verify_url(certificate.code)).content.decode()

    assert "02/03/2025" in page
    assert "01/03/2025" not in page


def test_an_hr_manager_downloading_someones_certificate_is_in_the_audit_trail(
    client, certificate, holder, hr_a, org
):
    from lms.audit.models import AuditEntry

    client.force_login(hr_a)

    assert client.get(download_url(certificate)).status_code == 200

    recorded = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert recorded.actor == hr_a
    assert recorded.object_id == str(certificate.pk)
    assert recorded.unit_path == org.office_a.path
    assert recorded.changes["person"] == "Nguyễn Thị Ngọc Diễm"
    assert recorded.changes["code"] == certificate.code


def test_the_holder_downloading_their_own_certificate_is_not_recorded_as_an_export(
    client, certificate, holder
):
    from lms.audit.models import AuditEntry

    client.force_login(holder)

    assert client.get(download_url(certificate)).status_code == 200

    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_my_certificates_says_when_a_certificate_is_on_its_way(client, holder, four_hour_course):
    from lms.learning import services as learning
    from lms.learning.models import LessonCompletion
    from tests.builders import lessons_of

    learning.enrolment_create(user=holder, course=four_hour_course)
    for lesson in lessons_of(four_hour_course):  # completed; the task that issues the certificate has not run
        learning.progress_record(user=holder, lesson=lesson, source=LessonCompletion.Source.MANUAL)
    client.force_login(holder)

    html = client.get(reverse("certificates:mine")).content.decode()

    assert "Chứng nhận của bạn cho khóa học “Chuyển đổi số cho cán bộ phường” đang được cấp" in html
    assert 'id="no-certificates"' not in html
    assert not Certificate.objects.exists()
