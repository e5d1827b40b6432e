"""Mandatory training in the audit trail: assignments given and withdrawn, exemptions granted and removed,
and every export of people's training data (the report as CSV or XLSX, a person's training record PDF)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.audit.models import AuditEntry
from lms.compliance.models import Obligation
from lms.compliance.services import (
    ComplianceError,
    assignment_create,
    assignment_withdraw,
    obligation_exempt,
    obligation_exemption_remove,
)
from tests.builders import make_course
from tests.org_builders import make_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(org):
    return make_official(org.office_a, name="Phan Thị Thu Thảo")


@pytest.fixture
def course(catalogue):
    return make_course(catalogue, title="An toàn thông tin")


def in_days(n):
    return timezone.localdate() + timedelta(days=n)


def entry(action) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def test_an_assignment_to_a_unit_is_recorded_with_its_terms(org, hr, person, course):
    assignment = assignment_create(
        by=hr, course=course, unit=org.ward_a, due_date=in_days(30), validity_months=12, note="Đợt 1"
    )

    recorded = entry(AuditEntry.Action.ASSIGNMENT_CREATE)
    assert recorded.actor == hr
    assert recorded.object_id == str(assignment.pk)
    assert recorded.object_repr == f"An toàn thông tin → {org.ward_a.name}"
    assert recorded.unit_path == org.ward_a.path
    assert recorded.changes == {
        "course": "An toàn thông tin",
        "unit": org.ward_a.name,
        "include_subunits": True,
        "due_date": in_days(30).strftime("%d/%m/%Y"),
        "validity_months": 12,
        "note": "Đợt 1",
        "people_reached": 2,  # the person and the HR manager, both officials of ward A
    }


def test_an_assignment_to_one_person_is_recorded_under_their_unit(org, hr, person, course):
    assignment_create(by=hr, course=course, user=person.user, due_days=14)

    recorded = entry(AuditEntry.Action.ASSIGNMENT_CREATE)
    assert recorded.unit_path == org.office_a.path
    assert recorded.changes["person"] == "Phan Thị Thu Thảo"
    assert recorded.changes["due_days"] == 14


def test_a_refused_assignment_records_nothing(org, hr, course):
    with pytest.raises(ComplianceError):
        assignment_create(by=hr, course=course, unit=org.ward_b, due_date=in_days(30))

    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ASSIGNMENT_CREATE).exists()


def test_withdrawing_an_assignment_is_recorded(org, hr, person, course):
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_date=in_days(30))

    assignment_withdraw(by=hr, assignment=assignment)

    recorded = entry(AuditEntry.Action.ASSIGNMENT_WITHDRAW)
    assert recorded.actor == hr
    assert recorded.unit_path == org.ward_a.path
    assert recorded.changes == {"active": [True, False], "obligations_closed": 2}


def test_an_exemption_and_its_removal_are_recorded_with_the_reason(org, hr, person, course):
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_date=in_days(30))
    obligation = Obligation.objects.get(assignment=assignment, user=person.user)

    obligation_exempt(by=hr, obligation=obligation, reason="Đã học tại Sở Nội vụ")
    obligation_exemption_remove(by=hr, obligation=obligation)

    granted = entry(AuditEntry.Action.EXEMPTION_GRANT)
    assert granted.actor == hr
    assert granted.object_repr == "Phan Thị Thu Thảo — An toàn thông tin"
    assert granted.unit_path == org.office_a.path
    assert granted.changes == {"exempt": [False, True], "reason": "Đã học tại Sở Nội vụ"}
    removed = entry(AuditEntry.Action.EXEMPTION_REMOVE)
    assert removed.unit_path == org.office_a.path
    assert removed.changes == {"exempt": [True, False], "reason": ["Đã học tại Sở Nội vụ", ""]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_of_the_report_is_recorded_with_its_filters(client, org, hr, person, course, fmt):
    assignment_create(by=hr, course=course, unit=org.ward_a, due_date=in_days(30))
    client.force_login(hr)

    response = client.get(
        reverse(f"compliance_reports:export_{fmt}", args=[org.ward_a.pk]),
        {"course": course.pk, "due_to": in_days(60).isoformat()},
    )

    assert response.status_code == 200
    recorded = entry(AuditEntry.Action.EXPORT)
    assert recorded.actor == hr
    assert recorded.unit_path == org.ward_a.path
    assert recorded.changes["format"] == fmt.upper()
    assert recorded.changes["filters"] == {
        "course": "An toàn thông tin",
        "due_to": in_days(60).strftime("%d/%m/%Y"),
    }


def test_an_export_of_all_units_of_an_hr_manager_is_recorded_under_their_unit(client, org, hr):
    client.force_login(hr)

    assert client.get(reverse("compliance_reports:export_csv_all")).status_code == 200

    assert entry(AuditEntry.Action.EXPORT).unit_path == org.ward_a.path


def test_the_training_record_of_another_person_is_recorded(client, org, hr, person):
    client.force_login(hr)

    response = client.get(reverse("compliance_reports:person_pdf", args=[person.user_id]))

    assert response.status_code == 200
    recorded = entry(AuditEntry.Action.EXPORT)
    assert recorded.actor == hr
    assert recorded.object_id == str(person.pk)
    assert recorded.unit_path == org.office_a.path
    assert recorded.changes["person"] == "Phan Thị Thu Thảo"


def test_a_refused_training_record_records_nothing(client, org, hr):
    other = make_official(org.ward_b)
    client.force_login(hr)

    assert client.get(reverse("compliance_reports:person_pdf", args=[other.user_id])).status_code == 404

    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_my_own_training_record_is_not_an_export_of_someone_else(client, person):
    client.force_login(person.user)

    assert client.get(reverse("compliance_record:my_record")).status_code == 200

    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
