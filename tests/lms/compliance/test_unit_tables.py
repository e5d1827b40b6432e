"""Tables that add up: a unit's own staff are a row of their own (issue 15, item 2), also while the tree
changes under an open report."""

import contextlib
import random

import pytest
from django.utils import timezone
from django.utils.translation import override

from lms.compliance.reports import selectors as reports
from lms.compliance.selectors import OwnStaff
from lms.compliance.services import ComplianceError, assignment_create
from lms.compliance.status import Status
from lms.people.models import OrgUnit
from lms.people.services import unit_create, unit_move
from tests.builders import make_course
from tests.org_builders import make_admin_user, make_hr, make_official, make_org

pytestmark = pytest.mark.django_db


def _tree(rng: random.Random, n: int):
    """A city with 2–3 wards, each with 0–2 offices, each with 0–2 teams (depth 4), and people anywhere."""
    city = unit_create(name=f"Thành phố {n}", code=f"TP{n}", kind=OrgUnit.Kind.CITY)
    units = [city]
    for w in range(rng.randint(2, 3)):
        ward = unit_create(name=f"Phường {n}-{w}", code=f"P{n}{w}", kind=OrgUnit.Kind.WARD, parent=city)
        units.append(ward)
        for o in range(rng.randint(0, 2)):
            office = unit_create(
                name=f"Văn phòng {n}-{w}-{o}", code=f"V{n}{w}{o}", kind=OrgUnit.Kind.OFFICE, parent=ward
            )
            units.append(office)
            for t in range(rng.randint(0, 2)):
                units.append(
                    unit_create(
                        name=f"Tổ {n}-{w}-{o}-{t}",
                        code=f"T{n}{w}{o}{t}",
                        kind=OrgUnit.Kind.OFFICE,
                        parent=office,
                    )
                )
    units = [OrgUnit.objects.get(pk=u.pk) for u in units]
    for unit in units:
        for _ in range(rng.randint(0, 2)):
            make_official(unit)
    return units


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_every_units_rows_add_up_to_its_headline(catalogue, seed):
    rng = random.Random(seed)
    make_org()  # role groups
    admin = make_admin_user(f"quantri_tree{seed}")
    units = _tree(rng, seed)
    course = make_course(catalogue, title=f"Cây {seed}", modules=1, lessons_per_module=1)
    assignment_create(by=admin, course=course, unit=units[0], due_days=30)
    for unit in rng.sample(units[1:], k=3):
        with contextlib.suppress(ComplianceError):  # a unit without people
            assignment_create(by=admin, course=course, unit=unit, due_days=rng.randint(1, 10))
    now = timezone.now()
    assert max(u.depth for u in units) == 4
    for unit in units:
        top, rows = reports.dashboard_summary(viewer=admin, unit=unit, now=now)
        for status in Status:
            rows_sum = sum(r.counts.get(status, 0) for r in rows)
            assert rows_sum == top.counts.get(status, 0), (unit.name, status)
        assert sum(r.total for r in rows) == top.total


def test_the_wards_own_staff_are_a_row_named_after_the_ward(catalogue):
    org = make_org()
    admin = make_admin_user("quantri_own")
    make_official(org.ward_a)
    make_official(org.office_a)
    course = make_course(catalogue, title="Riêng", modules=1, lessons_per_module=1)
    assignment_create(by=admin, course=course, unit=org.city, due_days=30)
    with override("vi"):
        top, rows = reports.dashboard_summary(viewer=admin, unit=org.ward_a)
        own = rows[0]
        assert isinstance(own.unit, OwnStaff)
        assert own.unit.name == "Cán bộ trực thuộc Phường Bến Thành"
    assert own.total == 1 and rows[1].unit.pk == org.office_a.pk and rows[1].total == 1
    assert top.total == 2


def test_a_unit_moved_while_its_report_is_open_is_reported_where_it_is_now(catalogue, client):
    org = make_org()
    admin = make_admin_user("quantri_move")
    hr_a = make_hr(org.ward_a)
    make_official(org.office_a)
    make_official(org.ward_a)
    course = make_course(catalogue, title="Di chuyển", modules=1, lessons_per_module=1)
    assignment_create(by=admin, course=course, unit=org.city, due_days=30)
    stale = OrgUnit.objects.get(pk=org.office_a.pk)  # the report's unit, read before the move
    unit_move(unit=org.office_a, new_parent=org.ward_b)
    top, rows = reports.dashboard_summary(viewer=admin, unit=stale)
    assert top.total == 1 and sum(r.total for r in rows) == 1
    ward_a, rows_a = reports.dashboard_summary(viewer=admin, unit=OrgUnit.objects.get(pk=org.ward_a.pk))
    assert ward_a.total == 2 == sum(r.total for r in rows_a)  # the HR manager and the official
    assert org.office_a.pk not in [r.unit.pk for r in rows_a]
    ward_b, rows_b = reports.dashboard_summary(viewer=admin, unit=OrgUnit.objects.get(pk=org.ward_b.pk))
    assert [r.total for r in rows_b if r.unit.pk == org.office_a.pk] == [1] and ward_b.total == 1
    # Ward A's HR manager no longer sees the office that moved to ward B: the page answers 404.
    client.force_login(hr_a)
    from django.urls import reverse

    response = client.get(reverse("compliance_reports:unit", args=[org.office_a.pk]))
    assert response.status_code == 404
