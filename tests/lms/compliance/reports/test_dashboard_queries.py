"""The dashboard's pages cost the same number of queries whatever the number of units and people."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.compliance.reports.selectors import export_rows
from lms.compliance.services import assignment_create
from lms.people.models import OrgUnit
from lms.people.services import unit_create
from tests.org_builders import make_admin_user, make_hr, make_official, make_org

pytestmark = pytest.mark.django_db


def nine_days_ago():
    return timezone.now() - timedelta(days=9)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(captured)


def city_with_wards(course, wards: int, people_per_ward: int = 2):
    org = make_org()
    admin = make_admin_user(f"quantri_{wards}_{people_per_ward}")
    units = [org.ward_a, org.ward_b]
    for i in range(wards - 2):
        units.append(
            unit_create(
                name=f"Phường số {i}", code=f"{org.city.code}W{i}", kind=OrgUnit.Kind.WARD, parent=org.city
            )
        )
    for unit in units:
        for _ in range(people_per_ward):
            make_official(unit)
    assignment_create(
        by=admin, course=course, unit=org.city, due_days=5, now=timezone.now() - timedelta(days=9)
    )
    return org


def test_city_page_queries_do_not_grow_with_wards(client, course):
    small = city_with_wards(course, 2)
    large = city_with_wards(course, 6)
    hr_small, hr_large = make_hr(small.city), make_hr(large.city)

    client.force_login(hr_small)
    url = reverse("compliance_reports:unit", args=[small.city.pk])
    queries(client, url)  # warm caches (content types, site)
    few = queries(client, url)
    client.force_login(hr_large)
    queries(client, reverse("compliance_reports:unit", args=[large.city.pk]))  # warm (their permissions)
    many = queries(client, reverse("compliance_reports:unit", args=[large.city.pk]))

    assert few == many


@pytest.mark.parametrize("name", ["unit", "overdue", "export_csv", "export_xlsx"])
def test_ward_pages_queries_do_not_grow_with_people(client, course, name):
    org = make_org()
    admin = make_admin_user()
    for _ in range(3):
        make_official(org.ward_a)
    for _ in range(30):
        make_official(org.ward_b)
    assignment_create(
        by=admin, course=course, unit=org.city, due_days=5, now=timezone.now() - timedelta(days=9)
    )
    client.force_login(make_hr(org.city))
    queries(client, reverse(f"compliance_reports:{name}", args=[org.ward_a.pk]))  # warm caches

    three = queries(client, reverse(f"compliance_reports:{name}", args=[org.ward_a.pk]))
    thirty = queries(client, reverse(f"compliance_reports:{name}", args=[org.ward_b.pk]))

    assert three == thirty


def test_person_page_queries_do_not_grow_with_obligations(client, catalogue):
    from tests.builders import make_course

    org = make_org()
    admin = make_admin_user()
    one, five = make_official(org.ward_a), make_official(org.ward_a)
    courses = [make_course(catalogue, title=f"Khóa {i}", modules=1, lessons_per_module=1) for i in range(5)]
    assignment_create(by=admin, course=courses[0], user=one.user, due_days=5)
    for course in courses:
        assignment_create(by=admin, course=course, user=five.user, due_days=5)
    client.force_login(make_hr(org.ward_a))
    queries(client, reverse("compliance_reports:person", args=[one.user_id]))

    assert queries(client, reverse("compliance_reports:person", args=[one.user_id])) == queries(
        client, reverse("compliance_reports:person", args=[five.user_id])
    )


def test_export_rows_read_in_two_queries(course, django_assert_num_queries):
    org = make_org()
    admin = make_admin_user()
    for _ in range(12):
        make_official(org.ward_a)
    assignment_create(by=admin, course=course, unit=org.ward_a, due_days=5)
    viewer = make_hr(org.ward_a)
    viewer = type(viewer).objects.get(pk=viewer.pk)
    from lms.people.scope import scope_for

    scope_for(viewer)  # the scope is read once per request; here before counting

    with django_assert_num_queries(2):  # the units of the subtree, then the rows with their names
        rows = list(export_rows(viewer=viewer, unit=org.ward_a))

    assert len(rows) == 13  # twelve officials and the HR manager, who works in ward A
    assert all(isinstance(row, tuple) for row in rows)
