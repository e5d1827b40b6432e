"""A certificate is the record of a completion: issued by the real completion, once per completion."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lms.certificates import services
from lms.certificates.models import Certificate
from lms.learning import services as learning
from lms.learning.models import Enrolment, LessonCompletion
from lms.learning.signals import course_completed
from tests.builders import lessons_of, make_course

from .conftest import complete

pytestmark = pytest.mark.django_db


def test_completing_a_course_issues_a_certificate_with_the_facts_of_the_day(holder, four_hour_course):
    enrolment = complete(holder, four_hour_course)

    certificate = Certificate.objects.get(user=holder)
    assert certificate.course_id == four_hour_course.pk
    assert certificate.holder_name == "Nguyễn Thị Ngọc Diễm"
    assert certificate.course_title == "Chuyển đổi số cho cán bộ phường"
    assert certificate.hours == Decimal("4.0")
    assert certificate.completed_at == enrolment.completed_at
    assert certificate.revoked_at is None


def test_no_certificate_before_the_last_required_lesson(holder, four_hour_course):
    learning.enrolment_create(user=holder, course=four_hour_course)
    first, _last = lessons_of(four_hour_course)

    learning.progress_record(user=holder, lesson=first, source=LessonCompletion.Source.MANUAL)

    assert not Certificate.objects.exists()


def test_the_certificate_keeps_its_facts_when_the_course_and_the_name_change(certificate, holder):
    holder.full_name = "Nguyễn Thị Diễm"
    holder.save()
    course = certificate.course.specific
    course.title = "Tên khóa học mới"
    course.estimated_hours = 8
    course.save()

    certificate.refresh_from_db()
    assert certificate.holder_name == "Nguyễn Thị Ngọc Diễm"
    assert certificate.course_title == "Chuyển đổi số cho cán bộ phường"
    assert certificate.hours == Decimal("4.0")


def test_issuing_again_for_the_same_completion_returns_the_same_certificate(certificate, holder):
    enrolment = Enrolment.objects.get(user=holder)

    again, created = services.certificate_issue(enrolment=enrolment)
    course_completed.send(sender=Enrolment, enrolment=enrolment)

    assert created is False
    assert again.pk == certificate.pk
    assert Certificate.objects.count() == 1


def test_completing_the_course_again_after_a_restart_gives_a_second_certificate(certificate, holder):
    enrolment = Enrolment.objects.get(user=holder)
    learning.enrolment_restart(enrolment=enrolment)

    enrolment = complete(holder, certificate.course.specific)

    certificates = list(Certificate.objects.filter(user=holder).order_by("completed_at"))
    assert len(certificates) == 2
    assert certificates[0].pk == certificate.pk
    assert certificates[1].completed_at == enrolment.completed_at
    assert certificates[0].code != certificates[1].code


def test_an_enrolment_not_completed_has_no_certificate(holder, four_hour_course):
    enrolment, _created = learning.enrolment_create(user=holder, course=four_hour_course)

    with pytest.raises(services.NotCompleted):
        services.certificate_issue(enrolment=enrolment)


def test_the_database_keeps_one_certificate_per_completion(certificate):
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            user_id=certificate.user_id,
            course_id=certificate.course_id,
            completed_at=certificate.completed_at,
            holder_name="x",
            course_title="y",
            hours=1,
            code="2345-6789-ABCD",
        )


def test_the_database_refuses_a_revocation_without_a_reason(certificate):
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())


def test_the_database_refuses_a_reason_without_a_revocation(certificate):
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(revoke_reason="Nhầm lẫn")


def test_codes_are_unique_in_the_database(certificate, holder, catalogue):
    other = complete(holder, make_course(catalogue, modules=1, lessons_per_module=1))
    second = Certificate.objects.get(user=holder, course_id=other.course_id)

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=second.pk).update(code=certificate.code)


def test_a_code_already_taken_is_drawn_again(certificate, holder, catalogue, monkeypatch):
    draws = iter([certificate.code, "2345-6789-ABCD"])
    monkeypatch.setattr(services, "code_generate", lambda: next(draws))

    enrolment = complete(holder, make_course(catalogue, modules=1, lessons_per_module=1))

    assert Certificate.objects.get(user=holder, course_id=enrolment.course_id).code == "2345-6789-ABCD"
