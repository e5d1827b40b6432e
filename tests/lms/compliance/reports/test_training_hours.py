"""Training hours in the HR reports: a person's record (completions from certificates, hours per year, revoked
certificates apart), the dashboard's hours figure and its year filter, and their query counts."""

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from courses.models import CoursePage
from lms.certificates.models import Certificate
from lms.certificates.selectors import training_hours_by_official
from lms.certificates.services import certificate_issue, certificate_revoke
from lms.compliance.reports.selectors import current_year, person_record
from lms.learning.models import Enrolment
from lms.learning.services import enrolment_create
from lms.people.models import Official, OrgUnit
from lms.people.services import managed_unit_add, unit_create
from tests.builders import make_course
from tests.lms.compliance.report_data import build_city
from tests.org_builders import make_hr, make_official, make_org

pytestmark = pytest.mark.django_db

JUNE_2025 = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)
JUNE_2026 = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
MARCH_2025 = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)
SEPTEMBER_2025 = datetime(2025, 9, 1, 3, 0, tzinfo=UTC)
MAY_2025 = datetime(2025, 5, 5, 3, 0, tzinfo=UTC)
LAST_EVENING_OF_2025 = datetime(2025, 12, 31, 16, 30, tzinfo=UTC)  # 23:30 on 31/12/2025 in HCM City
FIRST_NIGHT_OF_2026 = datetime(2025, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 01/01/2026 in HCM City


def course_with_hours(catalogue, title: str, hours: str) -> CoursePage:
    course = make_course(catalogue, title=title, modules=1, lessons_per_module=1)
    CoursePage.objects.filter(pk=course.pk).update(estimated_hours=Decimal(hours))
    return CoursePage.objects.get(pk=course.pk)


def certify(user, course, when: datetime) -> Certificate:
    """A completion of the course at `when`, certified by the real service. Called again for the same course
    with a later moment, it is the next cycle's completion (a recertification): a second certificate."""
    enrolment, _created = enrolment_create(user=user, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        enrolled_at=min(enrolment.enrolled_at, when - timedelta(days=1)), completed_at=when
    )
    enrolment.refresh_from_db()
    certificate, _created = certificate_issue(enrolment=enrolment)
    return certificate


@dataclass
class Hours:
    city: object
    skills: CoursePage  # 4 hours
    law: CoursePage  # 1.5 hours


@pytest.fixture
def hours(catalogue):
    """The report city (report_data.build_city) with dated certificates:

    ward A    a_late: "Kỹ năng số" (4 h) in June 2025 and again, recertified, in June 2026
      office  o_late: "Luật Đất đai" (1.5 h) in March 2025; "Kỹ năng số" in September 2025, revoked
    ward B    b_late: "Kỹ năng số" at 23:30 on 31/12/2025 and "Luật Đất đai" at 00:30 on 01/01/2026 (local)
    city      the city's HR manager: "Luật Đất đai" in May 2025

    2025: office A 1.5, ward A 5.5, ward B 4, city 11. (a_done and b_done also hold today's certificate of
    the city-wide course, 2 h, from build_city.)
    """
    city = build_city(catalogue)
    skills = course_with_hours(catalogue, "Kỹ năng số cơ bản", "4")
    law = course_with_hours(catalogue, "Luật Đất đai 2024", "1.5")
    people = city.people
    certify(people["a_late"].user, skills, JUNE_2025)
    certify(people["a_late"].user, skills, JUNE_2026)
    certify(people["o_late"].user, law, MARCH_2025)
    revoked = certify(people["o_late"].user, skills, SEPTEMBER_2025)
    certificate_revoke(certificate=revoked, by=city.admin, reason="Cấp nhầm người.")
    certify(people["b_late"].user, skills, LAST_EVENING_OF_2025)
    certify(people["b_late"].user, law, FIRST_NIGHT_OF_2026)
    certify(city.hr, law, MAY_2025)
    return Hours(city=city, skills=skills, law=law)


def unit_url(unit, name="unit"):
    return reverse(f"compliance_reports:{name}", args=[unit.pk])


def hours_figure(html: str) -> tuple[Decimal, int]:
    match = re.search(r'id="figure-hours" data-value="([^"]*)" data-year="(\d+)"', html)
    assert match, "the hours figure is missing"
    return Decimal(match.group(1)), int(match.group(2))


def subunit_hours(html: str) -> dict[int, Decimal]:
    table = html.split('id="subunits"', 1)[1].split("</table>", 1)[0]
    return {
        int(unit_id): Decimal(value)
        for unit_id, value in re.findall(
            r'<tr data-unit-id="(\d+)">.*?<td class="hours" data-value="([^"]*)"', table, re.S
        )
    }


def people_hours(viewer, unit: OrgUnit, year: int) -> Decimal:
    """The sum of what each person's page says for the year, over everyone in the unit and below it."""
    total = Decimal(0)
    for official in Official.objects.filter(unit__path__startswith=unit.path).select_related("user"):
        record = person_record(viewer=viewer, user=official.user, official=official)
        total += dict(record.hours_by_year).get(year, Decimal(0))
    return total


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


# --- A person's record


def test_a_recertified_person_has_both_completions_and_hours_in_each_year(hours):
    person = hours.city.people["a_late"].user

    record = person_record(viewer=hours.city.hr, user=person)

    assert [(c.title, c.completed_at) for c in record.completed] == [
        ("Kỹ năng số cơ bản", JUNE_2026),
        ("Kỹ năng số cơ bản", JUNE_2025),
    ]
    assert record.hours_by_year == [(2026, Decimal("4.0")), (2025, Decimal("4.0"))]
    assert record.total_hours == Decimal("8.0")
    assert dict(record.hours_by_year) == training_hours_by_official(user_ids=[person.pk])[person.pk]


def test_a_revoked_certificate_does_not_count_and_is_kept_apart(hours):
    person = hours.city.people["o_late"].user

    record = person_record(viewer=hours.city.hr, user=person)

    assert [c.title for c in record.completed] == ["Luật Đất đai 2024"]
    assert [(c.title, c.revoke_reason) for c in record.revoked] == [("Kỹ năng số cơ bản", "Cấp nhầm người.")]
    assert record.hours_by_year == [(2025, Decimal("1.5"))]
    assert record.total_hours == Decimal("1.5")


def test_hours_go_to_the_year_of_ho_chi_minh_city(hours):
    record = person_record(viewer=hours.city.hr, user=hours.city.people["b_late"].user)

    assert record.hours_by_year == [(2026, Decimal("1.5")), (2025, Decimal("4.0"))]


def test_titles_and_hours_are_those_certified_on_the_day(hours):
    CoursePage.objects.filter(pk=hours.skills.pk).update(title="Kỹ năng số (bản mới)", estimated_hours=10)

    record = person_record(viewer=hours.city.hr, user=hours.city.people["a_late"].user)

    assert {c.title for c in record.completed} == {"Kỹ năng số cơ bản"}
    assert record.total_hours == Decimal("8.0")


def test_the_person_page_shows_hours_per_year_and_revoked_certificates_apart(client, hours):
    client.force_login(hours.city.hr)
    person = hours.city.people["o_late"].user
    revoked = Certificate.objects.get(user=person, revoked_at__isnull=False)

    html = client.get(reverse("compliance_reports:person", args=[person.pk])).content.decode()

    by_year = html.split('id="hours-by-year"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'data-year="(\d+)"><td>\d+</td><td class="hours" data-value="([^"]*)"', by_year) == [
        ("2025", "1.5")
    ]
    assert 'id="total-hours" data-value="1.5"' in html
    completed = html.split('id="completed-courses"', 1)[1].split("</table>", 1)[0]
    assert "Luật Đất đai 2024" in completed and revoked.code not in completed
    apart = html.split('id="revoked-certificates"', 1)[1].split("</table>", 1)[0]
    assert f'data-code="{revoked.code}"' in apart and "Cấp nhầm người." in apart


def test_the_person_page_of_a_recertified_person_lists_both_completions(client, hours):
    client.force_login(hours.city.hr)
    person = hours.city.people["a_late"].user

    html = client.get(reverse("compliance_reports:person", args=[person.pk])).content.decode()

    completed = html.split('id="completed-courses"', 1)[1].split("</table>", 1)[0]
    assert "01/06/2026" in completed and "01/06/2025" in completed
    assert 'id="total-hours" data-value="8.0"' in html
    assert 'id="revoked-certificates"' not in html


def test_the_training_record_pdf_counts_from_certificates(client, hours):
    client.force_login(hours.city.hr)
    person = hours.city.people["o_late"].user

    text = pdf_text(client.get(reverse("compliance_reports:person_pdf", args=[person.pk])).content)

    assert "Luật Đất đai 2024" in text and "01/03/2025" in text
    assert "Kỹ năng số cơ bản" not in text and "Cấp nhầm người." not in text  # the revoked one: not at all
    assert Certificate.objects.get(user=person, revoked_at__isnull=True).code in text


def test_the_officials_own_record_has_both_cycles(client, hours):
    person = hours.city.people["a_late"].user
    client.force_login(person)

    text = pdf_text(client.get(reverse("compliance_record:my_record")).content)

    assert "01/06/2025" in text and "01/06/2026" in text
    assert "2025" in text and "2026" in text


# --- The dashboard


def test_unit_hours_of_a_year_with_each_unit_below(client, hours):
    org = hours.city.org
    client.force_login(hours.city.hr)

    html = client.get(unit_url(org.city), {"year": 2025}).content.decode()

    assert hours_figure(html) == (Decimal("11.0"), 2025)
    # Each ward, and the city's own staff as a row of their own (issue 15): the rows add up to 11.0.
    assert subunit_hours(html) == {
        org.city.pk: Decimal("1.5"),
        org.ward_a.pk: Decimal("5.5"),
        org.ward_b.pk: Decimal("4.0"),
    }
    html = client.get(unit_url(org.ward_a), {"year": 2025}).content.decode()
    assert hours_figure(html) == (Decimal("5.5"), 2025)
    assert subunit_hours(html) == {org.ward_a.pk: Decimal("4.0"), org.office_a.pk: Decimal("1.5")}


@pytest.mark.parametrize("year", [2025, 2026])
def test_unit_totals_equal_the_sum_of_the_peoples_hours(client, hours, year):
    org = hours.city.org
    client.force_login(hours.city.hr)

    for unit in (org.city, org.ward_a, org.ward_b, org.office_a):
        html = client.get(unit_url(unit), {"year": year}).content.decode()
        assert hours_figure(html)[0] == people_hours(hours.city.hr, unit, year), unit.name


def test_the_year_defaults_to_this_year(client, hours):
    client.force_login(hours.city.hr)

    response = client.get(unit_url(hours.city.org.city))

    this_year = current_year()
    assert hours_figure(response.content.decode())[1] == this_year
    assert response.context["form"]["year"].value() == str(this_year)
    assert "year=" not in response.context["xlsx_url"]  # the address stays as it was
    # Today's certificates of the city-wide course (2 h each, a_done and b_done) count this year.
    assert hours_figure(response.content.decode())[0] == people_hours(
        hours.city.hr, hours.city.org.city, this_year
    )


def test_the_year_stays_in_the_links_like_the_other_filters(client, hours):
    org = hours.city.org
    client.force_login(hours.city.hr)

    response = client.get(unit_url(org.city), {"year": 2025, "course": hours.city.course.pk})

    context = response.context
    for url in (context["csv_url"], context["xlsx_url"], context["overdue_url"]):
        assert "year=2025" in url
    assert all("year=2025" in child["url"] for child in context["children"])
    overdue = client.get(context["overdue_url"])
    assert overdue.status_code == 200
    html = overdue.content.decode()
    assert re.search(r'<input type="hidden" name="year" value="2025"', html)  # kept when filtering there
    assert "year=2025" in overdue.context["dashboard_url"]


def test_a_bad_year_is_explained_and_this_year_shown(client, hours):
    client.force_login(hours.city.hr)

    for bad in ("1990", "abc", str(current_year() + 1)):
        response = client.get(unit_url(hours.city.org.city), {"year": bad})
        assert response.status_code == 200
        assert "year" in response.context["form"].errors
        assert hours_figure(response.content.decode())[1] == current_year()


def test_the_course_filter_applies_to_the_hours(client, hours):
    org = hours.city.org
    client.force_login(hours.city.hr)
    this_year = current_year()
    only_mandatory = {"year": this_year, "course": hours.city.course.pk}

    html = client.get(unit_url(org.city), only_mandatory).content.decode()

    # Only the mandatory course (2 h, completed today by a_done and b_done), not the other certificates.
    assert hours_figure(html) == (Decimal("4.0"), this_year)
    assert subunit_hours(html) == {
        org.city.pk: Decimal("0.0"),  # the city's own staff (the HR managers): nothing completed
        org.ward_a.pk: Decimal("2.0"),
        org.ward_b.pk: Decimal("2.0"),
    }


def test_hours_stay_in_the_managers_units(client, hours):
    org = hours.city.org
    client.force_login(hours.city.hr_a)  # manages ward A only

    html = client.get(unit_url(org.ward_a), {"year": 2025}).content.decode()
    assert hours_figure(html)[0] == Decimal("5.5")

    managed_unit_add(user=hours.city.hr_a, unit=org.ward_b)
    html = client.get(reverse("compliance_reports:index"), {"year": 2025}).content.decode()
    assert hours_figure(html)[0] == Decimal("9.5")  # both wards, not the city's own staff
    assert subunit_hours(html) == {org.ward_a.pk: Decimal("5.5"), org.ward_b.pk: Decimal("4.0")}


def test_revoking_takes_the_hours_off_the_dashboard(client, hours):
    org = hours.city.org
    client.force_login(hours.city.hr)
    certificate = Certificate.objects.get(user=hours.city.people["a_late"].user, completed_at=JUNE_2025)

    certificate_revoke(certificate=certificate, by=hours.city.admin, reason="Không đạt yêu cầu.")

    html = client.get(unit_url(org.city), {"year": 2025}).content.decode()
    assert hours_figure(html)[0] == Decimal("7.0")
    assert subunit_hours(html)[org.ward_a.pk] == Decimal("1.5")


# --- Query counts


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(captured)


def city_with_certified_wards(catalogue, wards: int, people_per_ward: int):
    org = make_org()
    units = [org.ward_a, org.ward_b]
    for i in range(wards - 2):
        code = f"{org.city.code}P{i}"
        units.append(unit_create(name=f"Phường {i}", code=code, kind=OrgUnit.Kind.WARD, parent=org.city))
    course = course_with_hours(catalogue, "Kỹ năng số", "3")
    for unit in units:
        for n in range(people_per_ward):
            person = make_official(unit).user
            certify(person, course, JUNE_2025 + timedelta(days=n))
    return org


def test_the_dashboard_costs_the_same_with_more_units_and_certificates(client, catalogue):
    small = city_with_certified_wards(catalogue, wards=2, people_per_ward=1)
    large = city_with_certified_wards(catalogue, wards=6, people_per_ward=4)
    hr_small, hr_large = make_hr(small.city), make_hr(large.city)
    client.force_login(hr_small)
    count_queries(client, unit_url(small.city), {"year": 2025})  # warm caches

    few = count_queries(client, unit_url(small.city), {"year": 2025})
    client.force_login(hr_large)
    count_queries(client, unit_url(large.city), {"year": 2025})  # warm (their permissions)
    many = count_queries(client, unit_url(large.city), {"year": 2025})

    assert few == many
    html = client.get(unit_url(large.city), {"year": 2025}).content.decode()
    assert hours_figure(html)[0] == Decimal("72.0")  # 6 wards × 4 people × 3 h


def test_the_person_page_costs_the_same_with_more_certificates(client, catalogue):
    org = make_org()
    admin = make_hr(org.city)
    one, many = make_official(org.ward_a).user, make_official(org.ward_a).user
    courses = [course_with_hours(catalogue, f"Khóa {i}", "2") for i in range(4)]
    certify(one, courses[0], JUNE_2025)
    for course in courses:
        certify(many, course, JUNE_2025)
        certify(many, course, JUNE_2026)
    certificate_revoke(certificate=Certificate.objects.filter(user=many).first(), by=admin, reason="Sai.")
    client.force_login(admin)
    count_queries(client, reverse("compliance_reports:person", args=[one.pk]))

    assert count_queries(client, reverse("compliance_reports:person", args=[one.pk])) == count_queries(
        client, reverse("compliance_reports:person", args=[many.pk])
    )
