"""A revoked certificate takes its completion back: the mandatory training it completed opens again."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from lms.certificates.models import Certificate
from lms.certificates.services import certificate_revoke
from lms.compliance.models import Obligation
from lms.compliance.selectors import person_obligations
from lms.compliance.services import assignment_create, official_sync, renewals_open
from lms.compliance.status import Status, status_of
from lms.learning.models import Enrolment
from lms.learning.services import enrolment_touch
from lms.people.services import official_save
from tests.builders import lessons_of
from tests.lms.compliance.report_data import complete, current
from tests.org_builders import make_official

pytestmark = pytest.mark.django_db


def revoke(user, course, *, by, reason="Gian lận khi làm bài."):
    certificate = Certificate.objects.get(user=user, course_id=course.pk, revoked_at__isnull=True)
    return certificate_revoke(certificate=certificate, by=by, reason=reason)


def test_revoking_the_certificate_reopens_the_obligation_in_progress(org, hr, course):
    person = make_official(org.ward_a).user
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10)
    complete(person, course)
    assert status_of(current(person, assignment), timezone.now()) == Status.COMPLETED

    revoke(person, course, by=hr)

    obligation = current(person, assignment)
    assert obligation.completed_at is None
    assert status_of(obligation, timezone.now()) == Status.IN_PROGRESS


def test_a_reopened_obligation_past_its_due_date_is_overdue(org, hr, course):
    person = make_official(org.ward_a).user
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10)
    complete(person, course)
    Obligation.objects.filter(assignment=assignment).update(due_at=timezone.now() - timedelta(days=3))

    revoke(person, course, by=hr)

    assert status_of(current(person, assignment), timezone.now()) == Status.OVERDUE


def test_the_reason_says_the_certificate_was_revoked(org, hr, course):
    person = make_official(org.ward_a).user
    assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10)
    complete(person, course)

    certificate = revoke(person, course, by=hr, reason="Người khác làm bài thay.")

    with translation.override("en"):
        (view,) = person_obligations(viewer=hr, user=person)
    assert view.status == Status.IN_PROGRESS
    assert f"certificate {certificate.code} was revoked on" in view.reason
    assert "Người khác làm bài thay." in view.reason
    assert timezone.localdate().strftime("%d/%m/%Y") in view.reason


def test_the_validity_goes_with_the_completion(org, hr, course):
    person = make_official(org.ward_a).user
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10, validity_months=12)
    complete(person, course)
    valid_until = current(person, assignment).valid_until

    revoke(person, course, by=hr)

    assert current(person, assignment).valid_until is None
    assert renewals_open(now=valid_until - timedelta(days=10)) == 0  # nothing to renew: not completed


def test_completing_the_course_again_completes_the_obligation(org, hr, course):
    person = make_official(org.ward_a).user
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10)
    complete(person, course)
    revoke(person, course, by=hr)

    complete(person, course)

    obligation = current(person, assignment)
    new = Certificate.objects.get(user=person, revoked_at__isnull=True)
    assert obligation.completed_at == new.completed_at
    assert status_of(obligation, timezone.now()) == Status.COMPLETED
    assert obligation.reopen_count == 1


def test_a_closed_obligation_reopens_too_and_comes_back_open(org, hr, course):
    official = make_official(org.ward_a)
    person = official.user
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, include_subunits=False, due_days=10)
    complete(person, course)
    official_save(employee_code=official.employee_code, full_name=person.full_name, unit=org.office_a)
    assert not Obligation.objects.filter(user=person, assignment=assignment, is_current=True).exists()

    revoke(person, course, by=hr)
    official_save(employee_code=official.employee_code, full_name=person.full_name, unit=org.ward_a)
    official_sync(official=official)

    assert current(person, assignment).completed_at is None


def test_a_cycle_followed_by_a_recertification_stays_as_history(org, hr, course):
    person = make_official(org.ward_a).user
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10, validity_months=12)
    complete(person, course)
    first = current(person, assignment)
    renewals_open(now=first.valid_until - timedelta(days=10))
    enrolment_touch(enrolment=Enrolment.objects.get(user=person, course=course), lesson=lessons_of(course)[0])

    revoke(person, course, by=hr)

    first.refresh_from_db()
    assert first.completed_at is not None and not first.is_current
    second = current(person, assignment)
    assert second.cycle == 2 and second.revoked_certificate is None


def test_another_persons_obligation_is_untouched(org, hr, course):
    person, colleague = make_official(org.ward_a).user, make_official(org.ward_a).user
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10)
    complete(person, course)
    complete(colleague, course)

    revoke(person, course, by=hr)

    assert current(colleague, assignment).completed_at is not None
