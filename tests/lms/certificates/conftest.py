"""A small organisation (city → wards A and B, an office inside A), officials, HR managers, completions."""

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group

from courses.models import CoursePage
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_issue
from lms.learning import services as learning
from lms.learning.models import Enrolment, LessonCompletion
from lms.people import roles
from lms.people.models import OrgUnit
from lms.people.services import managed_unit_add, official_save, roles_sync, unit_create
from tests.builders import UserFactory, after_commit, lessons_of, make_course

_numbers = itertools.count(1)


@dataclass
class Org:
    city: OrgUnit
    ward_a: OrgUnit
    ward_b: OrgUnit
    office_a: OrgUnit


def make_official(unit: OrgUnit, *, name: str | None = None, email: str | None = None):
    n = next(_numbers)
    official, _created = official_save(
        employee_code=f"CB{n:05d}",
        full_name=name or f"Trần Thị Cán Bộ {n}",
        unit=OrgUnit.objects.get(pk=unit.pk),
        email=email or f"cb{n:05d}.cb@phuong.example",
    )
    return official


def make_hr(*units: OrgUnit):
    """An HR manager of these units, with an official record in the first one."""
    user = make_official(units[0], name="Lê Thị Nhân Sự").user
    for unit in units:
        managed_unit_add(user=user, unit=unit)
    return user


def complete(user, course) -> Enrolment:
    """Enrol and mark every lesson complete through the real progress service."""
    learning.enrolment_create(user=user, course=course)
    with after_commit():  # the certificate is issued after the completion's commit
        for lesson in lessons_of(course):
            learning.progress_record(user=user, lesson=lesson, source=LessonCompletion.Source.MANUAL)
    return Enrolment.objects.get(user=user, course_id=course.pk)


def complete_at(user, course, when: datetime) -> Enrolment:
    """A completion at a chosen moment: completed for real, then moved in time (before any certificate)."""
    enrolment = complete(user, course)
    Certificate.objects.filter(user=user, course_id=course.pk).delete()
    Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=when - timedelta(days=1), completed_at=when)
    enrolment.refresh_from_db()
    certificate_issue(enrolment=enrolment)
    return enrolment


@pytest.fixture
def org(db) -> Org:
    roles_sync()
    n = next(_numbers)
    city = unit_create(name="Thành phố Hồ Chí Minh", code=f"HCM{n}", kind=OrgUnit.Kind.CITY)
    ward_a = unit_create(name="Phường Bến Thành", code=f"BT{n}", kind=OrgUnit.Kind.WARD, parent=city)
    ward_b = unit_create(name="Phường Sài Gòn", code=f"SG{n}", kind=OrgUnit.Kind.WARD, parent=city)
    office_a = unit_create(name="Văn phòng Bến Thành", code=f"VP{n}", kind=OrgUnit.Kind.OFFICE, parent=ward_a)
    return Org(*(OrgUnit.objects.get(pk=u.pk) for u in (city, ward_a, ward_b, office_a)))


@pytest.fixture
def holder(org):
    """An official of the office inside ward A, with a Vietnamese name full of diacritics."""
    return make_official(org.office_a, name="Nguyễn Thị Ngọc Diễm", email="diem@phuong.example").user


@pytest.fixture
def hr_a(org):
    return make_hr(org.ward_a)


@pytest.fixture
def hr_b(org):
    return make_hr(org.ward_b)


@pytest.fixture
def administrator(org):
    user = UserFactory(username="quantri_chungnhan")
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    return user


@pytest.fixture
def four_hour_course(catalogue) -> CoursePage:
    course = make_course(catalogue, title="Chuyển đổi số cho cán bộ phường", modules=1, lessons_per_module=2)
    CoursePage.objects.filter(pk=course.pk).update(estimated_hours=4)
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def certificate(holder, four_hour_course):
    complete(holder, four_hour_course)
    return Certificate.objects.get(user=holder)
