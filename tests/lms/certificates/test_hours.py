"""Training hours: every certificate that is not revoked credits its course's hours to the year of
completion (in Ho Chi Minh City), per official and per unit, rolled up the unit tree."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import CoursePage
from lms.certificates import selectors, services
from lms.certificates.models import Certificate
from lms.people.models import OrgUnit
from lms.people.scope import units_visible
from tests.builders import make_course

from .conftest import complete_at, make_official

pytestmark = pytest.mark.django_db

IN_2025 = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)
NEW_YEAR_2026_THERE = datetime(2025, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1 January 2026 in HCM City
IN_2026 = datetime(2026, 2, 1, 3, 0, tzinfo=UTC)


def course_of(catalogue, hours, title="Khóa"):
    course = make_course(catalogue, title=title, modules=1, lessons_per_module=1)
    CoursePage.objects.filter(pk=course.pk).update(estimated_hours=Decimal(hours))
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def hours_data(org, catalogue, hr_a):
    """Ward A: one official with 4 + 1.5 h in 2025 and 2 h in 2026 (one 3 h certificate of 2025 revoked);
    the office inside A: one official with 6 h in 2025. Ward B: one official with 8 h in 2025."""
    a = make_official(org.ward_a).user
    office = make_official(org.office_a).user
    b = make_official(org.ward_b).user
    complete_at(a, course_of(catalogue, "4"), IN_2025)
    complete_at(a, course_of(catalogue, "1.5"), IN_2025)
    complete_at(a, course_of(catalogue, "2"), NEW_YEAR_2026_THERE)
    complete_at(a, course_of(catalogue, "3", title="Khóa bị thu hồi"), IN_2025)
    services.certificate_revoke(
        certificate=Certificate.objects.get(user=a, course_title="Khóa bị thu hồi"),
        by=hr_a,
        reason="Cấp nhầm.",
    )
    complete_at(office, course_of(catalogue, "6"), IN_2025)
    complete_at(b, course_of(catalogue, "8"), IN_2026)
    complete_at(b, course_of(catalogue, "8"), IN_2025)
    return {"a": a, "office": office, "b": b}


def test_hours_per_official_and_year_exclude_revoked_certificates(hours_data):
    a, office, b = hours_data["a"], hours_data["office"], hours_data["b"]

    hours = selectors.training_hours_by_official()

    assert hours[a.pk] == {2025: Decimal("5.5"), 2026: Decimal("2.0")}
    assert hours[office.pk] == {2025: Decimal("6.0")}
    assert hours[b.pk] == {2025: Decimal("8.0"), 2026: Decimal("8.0")}


def test_hours_per_official_for_one_year_and_some_people(hours_data):
    a, office = hours_data["a"], hours_data["office"]

    hours = selectors.training_hours_by_official(user_ids=[a.pk, office.pk], year=2026)

    assert hours == {a.pk: {2026: Decimal("2.0")}}
    assert selectors.training_hours_of(user=office, year=2026) == Decimal("0")
    assert selectors.training_hours_of(user=a, year=2025) == Decimal("5.5")


def test_hours_per_unit_roll_up_the_tree(org, hours_data):
    hours = selectors.training_hours_by_unit(year=2025)

    assert hours[org.office_a.pk] == selectors.UnitHours(own=Decimal("6.0"), total=Decimal("6.0"))
    assert hours[org.ward_a.pk] == selectors.UnitHours(own=Decimal("5.5"), total=Decimal("11.5"))
    assert hours[org.ward_b.pk] == selectors.UnitHours(own=Decimal("8.0"), total=Decimal("8.0"))
    assert hours[org.city.pk] == selectors.UnitHours(own=Decimal("0"), total=Decimal("19.5"))


def test_hours_per_unit_of_another_year(org, hours_data):
    hours = selectors.training_hours_by_unit(year=2026)

    assert hours[org.ward_a.pk].total == Decimal("2.0")
    assert hours[org.office_a.pk].total == Decimal("0")
    assert hours[org.city.pk].total == Decimal("10.0")


def test_hours_per_unit_limited_to_a_managers_units(org, hours_data, hr_a):
    hours = selectors.training_hours_by_unit(year=2025, units=units_visible(hr_a))

    assert set(hours) == {org.ward_a.pk, org.office_a.pk}
    assert hours[org.ward_a.pk].total == Decimal("11.5")


def test_revoking_takes_the_hours_off_every_total(org, hours_data, hr_a):
    certificate = Certificate.objects.get(user=hours_data["office"])

    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Cấp nhầm.")

    hours = selectors.training_hours_by_unit(year=2025)
    assert hours[org.office_a.pk].total == Decimal("0")
    assert hours[org.ward_a.pk].total == Decimal("5.5")
    assert hours[org.city.pk].total == Decimal("13.5")


def test_hours_per_unit_cost_two_queries_whatever_the_tree(org, hours_data):
    for n in range(5):
        unit = OrgUnit.objects.get(pk=org.office_a.pk).add_child(
            instance=OrgUnit(name=f"Tổ {n}", code=f"TO{n}-{org.city.pk}", kind=OrgUnit.Kind.OFFICE)
        )
        make_official(unit)

    with CaptureQueriesContext(connection) as queries:
        selectors.training_hours_by_unit(year=2025)

    assert len(queries.captured_queries) == 2


def test_hours_per_unit_for_some_units_only(org, hours_data):
    hours = selectors.training_hours_by_unit(year=2025, unit_ids=[org.ward_a.pk, org.ward_b.pk])

    assert hours == {
        org.ward_a.pk: selectors.UnitHours(own=Decimal("5.5"), total=Decimal("11.5")),  # office included
        org.ward_b.pk: selectors.UnitHours(own=Decimal("8.0"), total=Decimal("8.0")),
    }
    assert selectors.training_hours_by_unit(year=2025, unit_ids=[]) == {}


def test_hours_per_unit_of_some_courses(org, hours_data):
    four_hours = CoursePage.objects.get(estimated_hours=Decimal("4"))

    hours = selectors.training_hours_by_unit(year=2025, unit_ids=[org.city.pk], course_ids=[four_hours.pk])

    assert hours[org.city.pk].total == Decimal("4.0")


def test_hours_of_some_units_cost_three_queries_whatever_the_tree(org, hours_data):
    for n in range(5):
        unit = OrgUnit.objects.get(pk=org.office_a.pk).add_child(
            instance=OrgUnit(name=f"Tổ {n}", code=f"TQ{n}-{org.city.pk}", kind=OrgUnit.Kind.OFFICE)
        )
        make_official(unit)

    with CaptureQueriesContext(connection) as queries:
        hours = selectors.training_hours_by_unit(year=2025, unit_ids=[org.ward_a.pk, org.office_a.pk])

    assert len(queries.captured_queries) == 3  # the units asked, the units below them, the sums
    assert hours[org.ward_a.pk].total == Decimal("11.5")


def test_hours_per_year_of_completions_read_already(hours_data):
    certificates = list(Certificate.objects.valid().filter(user=hours_data["a"]))

    assert selectors.hours_per_year(certificates) == {2026: Decimal("2.0"), 2025: Decimal("5.5")}
    assert list(selectors.hours_per_year(certificates)) == [2026, 2025]  # newest year first
