"""Revocation by HR: in scope only, with a reason, once; the admin list and revoke page enforce the scope."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lms.audit.models import AuditEntry
from lms.certificates import services
from lms.certificates.models import Certificate
from lms.learning.models import Enrolment, LessonCompletion
from lms.learning.services import enrolment_restart
from lms.people import roles
from tests.builders import UserFactory, make_course

from .conftest import complete, make_official

pytestmark = pytest.mark.django_db

INDEX_URL = "/admin/certificates/"


def revoke_url(certificate):
    return reverse("certificates_admin:revoke", args=[certificate.pk])


# --- The service


def test_an_hr_manager_revokes_a_certificate_of_their_units(certificate, hr_a):
    services.certificate_revoke(certificate=certificate, by=hr_a, reason="  Hồ sơ khai man.  ")

    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoked_by == hr_a
    assert certificate.revoke_reason == "Hồ sơ khai man."


def test_an_administrator_revokes_any_certificate(certificate, administrator):
    services.certificate_revoke(certificate=certificate, by=administrator, reason="Cấp nhầm.")

    certificate.refresh_from_db()
    assert certificate.is_revoked


def test_an_hr_manager_of_another_ward_cannot_revoke(certificate, hr_b):
    with pytest.raises(services.CertificateNotFound) as raised:
        services.certificate_revoke(certificate=certificate, by=hr_b, reason="Không hợp lệ.")

    assert raised.value.status == 404
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_a_learner_cannot_revoke_even_their_own_certificate(certificate, holder):
    with pytest.raises(services.RevokeNotAllowed) as raised:
        services.certificate_revoke(certificate=certificate, by=holder, reason="Tôi muốn hủy.")

    assert raised.value.status == 403
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_an_hr_manager_cannot_revoke_their_own_certificate(hr_a, four_hour_course):
    complete(hr_a, four_hour_course)  # the HR manager's official record lies in their own ward
    own = Certificate.objects.get(user=hr_a)

    with pytest.raises(services.OwnCertificate) as raised:
        services.certificate_revoke(certificate=own, by=hr_a, reason="Tự hủy.")

    assert raised.value.status == 403
    own.refresh_from_db()
    assert not own.is_revoked
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CERTIFICATE_REVOKE).exists()


def test_an_administrator_cannot_revoke_their_own_certificate(administrator, course):
    complete(administrator, course)
    own = Certificate.objects.get(user=administrator)

    with pytest.raises(services.OwnCertificate):
        services.certificate_revoke(certificate=own, by=administrator, reason="Tự hủy.")

    own.refresh_from_db()
    assert not own.is_revoked


def test_revocation_is_audited_with_the_reason_and_the_holders_unit(certificate, hr_a, org):
    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Hồ sơ khai man.")

    entry = AuditEntry.objects.get(action=AuditEntry.Action.CERTIFICATE_REVOKE)
    assert entry.actor == hr_a
    assert entry.object_id == str(certificate.pk)
    assert certificate.code in entry.object_repr
    assert entry.unit_path == org.office_a.path
    assert entry.changes["reason"] == "Hồ sơ khai man."
    assert entry.changes["holder"] == "Nguyễn Thị Ngọc Diễm"


def test_revocation_restarts_the_enrolment_that_holds_the_completion(certificate, hr_a, holder):
    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Gian lận khi làm bài.")

    enrolment = Enrolment.objects.get(user=holder, course_id=certificate.course_id)
    assert enrolment.completed_at is None
    assert not LessonCompletion.objects.filter(enrolment=enrolment).exists()


def test_the_course_completed_again_earns_a_new_certificate(certificate, hr_a, holder, four_hour_course):
    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Gian lận khi làm bài.")

    complete(holder, four_hour_course)

    new = Certificate.objects.get(user=holder, revoked_at__isnull=True)
    assert new.code != certificate.code
    assert new.completed_at > certificate.completed_at


def test_a_later_completion_is_not_undone_by_revoking_an_earlier_certificate(
    certificate, hr_a, holder, four_hour_course
):
    enrolment = Enrolment.objects.get(user=holder, course_id=four_hour_course.pk)
    enrolment_restart(enrolment=enrolment)  # a recertification cycle: completed again since
    complete(holder, four_hour_course)
    later = Enrolment.objects.get(pk=enrolment.pk).completed_at

    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Cấp nhầm.")

    assert Enrolment.objects.get(pk=enrolment.pk).completed_at == later


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_a_reason_is_required(certificate, hr_a, reason):
    with pytest.raises(services.ReasonRequired):
        services.certificate_revoke(certificate=certificate, by=hr_a, reason=reason)

    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_revoking_twice_is_refused_with_a_message(certificate, hr_a, administrator):
    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Lần một.")

    with translation.override("en"), pytest.raises(services.AlreadyRevoked) as raised:
        services.certificate_revoke(certificate=certificate, by=administrator, reason="Lần hai.")

    assert "already revoked" in str(raised.value.message)
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "Lần một."
    assert certificate.revoked_by == hr_a


# --- The admin list


@pytest.fixture
def certificate_b(org, catalogue):
    user = make_official(org.ward_b, name="Phạm Văn Bình").user
    complete(user, make_course(catalogue, title="Cải cách hành chính", modules=1, lessons_per_module=1))
    return Certificate.objects.get(user=user)


def test_the_list_shows_only_certificates_of_the_managers_units(client, certificate, certificate_b, hr_a):
    client.force_login(hr_a)

    response = client.get(INDEX_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert certificate.code in page
    assert certificate_b.code not in page


def test_an_administrator_sees_every_certificate(client, certificate, certificate_b, administrator):
    client.force_login(administrator)

    page = client.get(INDEX_URL).content.decode()

    assert certificate.code in page
    assert certificate_b.code in page


@pytest.mark.parametrize("query", ["ngoc diem", "NGỌC DIỄM", "chuyen doi", "{code_lower}", "{code_bare}"])
def test_the_list_searches_by_name_course_and_code(client, certificate, certificate_b, administrator, query):
    client.force_login(administrator)
    query = query.format(code_lower=certificate.code.lower(), code_bare=certificate.code.replace("-", ""))

    page = client.get(INDEX_URL, {"q": query}).content.decode()

    assert certificate.code in page
    assert certificate_b.code not in page


def test_the_list_filters_revoked_certificates(client, certificate, certificate_b, administrator):
    services.certificate_revoke(certificate=certificate_b, by=administrator, reason="Cấp nhầm.")
    client.force_login(administrator)

    page = client.get(INDEX_URL, {"status": "revoked"}).content.decode()

    assert certificate_b.code in page
    assert certificate.code not in page


def test_the_list_is_paginated(client, org, holder, catalogue, administrator):
    for n in range(26):
        complete(holder, make_course(catalogue, title=f"Khóa {n}", modules=1, lessons_per_module=1))
    client.force_login(administrator)

    first = client.get(INDEX_URL)
    second = client.get(INDEX_URL, {"p": 2})

    assert len(first.context["page_obj"].object_list) == 25
    assert len(second.context["page_obj"].object_list) == 1


def test_the_list_costs_the_same_queries_for_one_or_five_certificates(
    client, org, catalogue, hr_a, django_assert_num_queries
):
    client.force_login(hr_a)
    people = [make_official(org.office_a if n % 2 else org.ward_a).user for n in range(5)]
    course = make_course(catalogue, modules=1, lessons_per_module=1)
    complete(people[0], course)
    client.get(INDEX_URL)  # warm up caches (content types, site)
    with CaptureQueriesContext(connection) as one:
        assert client.get(INDEX_URL).status_code == 200
    for person in people[1:]:
        complete(person, course)

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(INDEX_URL)

    assert response.context["page_obj"].paginator.count == 5


def test_the_menu_item_is_shown_to_hr_managers_only(client, certificate, hr_a):
    trainer = UserFactory(username="giangvien_menu")
    trainer.user_permissions.add(Permission.objects.get(codename="access_admin"))

    client.force_login(hr_a)
    assert INDEX_URL in client.get("/admin/").content.decode()
    client.force_login(trainer)
    assert INDEX_URL not in client.get("/admin/").content.decode()


def test_admin_users_without_units_are_turned_away(client, certificate):
    trainer = UserFactory(username="giangvien")
    trainer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(trainer)

    assert client.get(INDEX_URL).status_code == 302
    assert client.get(revoke_url(certificate)).status_code == 302


# --- The revoke page


def test_the_revoke_page_asks_for_a_reason(client, certificate, hr_a):
    client.force_login(hr_a)

    response = client.get(revoke_url(certificate))

    assert response.status_code == 200
    assert 'id="revoke-form"' in response.content.decode()
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_revoking_through_the_page(client, certificate, hr_a):
    client.force_login(hr_a)

    response = client.post(revoke_url(certificate), {"reason": "Gian lận khi làm bài."}, follow=True)

    assert response.redirect_chain[-1][0] == INDEX_URL
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoke_reason == "Gian lận khi làm bài."
    assert any(certificate.code in str(message) for message in response.context["messages"])


def test_the_page_refuses_a_revocation_without_a_reason(client, certificate, hr_a):
    client.force_login(hr_a)

    response = client.post(revoke_url(certificate), {"reason": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_a_certificate_of_another_ward_answers_404(client, certificate, hr_b):
    client.force_login(hr_b)

    assert client.get(revoke_url(certificate)).status_code == 404
    assert client.post(revoke_url(certificate), {"reason": "Không hợp lệ."}).status_code == 404
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_a_learner_cannot_reach_the_revoke_page(client, certificate, holder):
    client.force_login(holder)

    response = client.post(revoke_url(certificate), {"reason": "Tôi muốn hủy."})

    assert response.status_code == 302  # Wagtail sends people without admin access to its login page
    assert response["Location"].startswith("/admin/login/")
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_the_revoke_page_of_a_revoked_certificate_has_no_form(client, certificate, hr_a):
    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Lần một.")
    client.force_login(hr_a)

    page = client.get(revoke_url(certificate)).content.decode()

    assert 'id="already-revoked"' in page
    assert 'id="revoke-form"' not in page


def test_a_second_revocation_through_the_page_is_refused(client, certificate, hr_a, administrator):
    client.force_login(hr_a)
    services.certificate_revoke(certificate=certificate, by=administrator, reason="Lần một.")

    response = client.post(revoke_url(certificate), {"reason": "Lần hai."})

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "Lần một."


def test_the_revoke_page_of_ones_own_certificate_has_no_form(client, hr_a, four_hour_course):
    complete(hr_a, four_hour_course)
    own = Certificate.objects.get(user=hr_a)
    client.force_login(hr_a)

    page = client.get(revoke_url(own)).content.decode()
    response = client.post(revoke_url(own), {"reason": "Tự hủy."})

    assert 'id="own-certificate"' in page
    assert 'id="revoke-form"' not in page
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    own.refresh_from_db()
    assert not own.is_revoked


def test_the_list_offers_no_revoke_button_on_ones_own_certificate(client, certificate, hr_a, course):
    complete(hr_a, course)
    own = Certificate.objects.get(user=hr_a)
    client.force_login(hr_a)

    page = client.get(INDEX_URL).content.decode()

    assert own.code in page
    assert revoke_url(own) not in page
    assert revoke_url(certificate) in page


def test_the_revoke_page_accepts_only_get_and_post(client, certificate, hr_a):
    client.force_login(hr_a)

    assert client.put(revoke_url(certificate)).status_code == 405


def test_a_holder_without_an_official_record_is_listed_for_administrators(
    client, learner, course, administrator
):
    complete(learner, course)
    client.force_login(administrator)

    response = client.get(INDEX_URL)

    assert response.status_code == 200
    assert Certificate.objects.get(user=learner).code in response.content.decode()


def test_the_list_offers_no_revoke_button_without_the_revoke_permission(client, certificate, hr_a):
    Group.objects.get(name=roles.HR_MANAGER).permissions.remove(
        Permission.objects.get(content_type__app_label="certificates", codename="revoke_certificate")
    )
    client.force_login(hr_a)

    page = client.get(INDEX_URL).content.decode()

    assert certificate.code in page
    assert revoke_url(certificate) not in page


def test_the_list_results_fragment_is_scoped_and_filtered(client, certificate, certificate_b, hr_a):
    """Wagtail's filters and search reload the table from the results URL: the same scope applies."""
    client.force_login(hr_a)

    response = client.get(reverse("certificates_admin:index_results"), {"status": "valid"})

    assert response.status_code == 200
    assert certificate.code in response.content.decode()
    assert certificate_b.code not in response.content.decode()
