"""One duty per person, course and cycle, however many assignments reach the person (issue 15, item 1)."""

import random
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import override

from lms.compliance.models import Obligation, ObligationSource
from lms.compliance.reports import selectors as reports
from lms.compliance.selectors import person_obligations
from lms.compliance.services import (
    ComplianceError,
    assignment_create,
    assignment_withdraw,
    obligation_exempt,
)
from lms.compliance.status import Status
from lms.reminders import scheduling
from lms.reminders.models import Kind, Reminder
from tests.builders import make_course
from tests.org_builders import make_admin_user, make_hr, make_official, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(catalogue):
    org = make_org()
    admin = make_admin_user("quantri_duty")
    hr_a = make_hr(org.ward_a)
    person = make_official(org.ward_a, name="Nguyễn Văn Một", position=org.chair)
    course = make_course(catalogue, title="Chuyển đổi số", modules=1, lessons_per_module=1)
    return org, admin, hr_a, person, course


def test_overlapping_assignments_make_one_duty_due_at_the_earliest_date_with_every_reason(setting):
    org, admin, hr_a, person, course = setting
    today = timezone.localdate()
    city = assignment_create(by=admin, course=course, unit=org.city, due_date=today + timedelta(days=40))
    ward = assignment_create(by=hr_a, course=course, unit=org.ward_a, due_date=today + timedelta(days=10))
    chairs = assignment_create(by=admin, course=course, unit=org.city, position=org.chair, due_days=20)
    own = assignment_create(by=hr_a, course=course, user=person.user, due_days=60)

    duty = Obligation.objects.get(user=person.user, is_current=True)
    assert Obligation.objects.filter(user=person.user).count() == 1
    assert duty.assignment_id == ward.pk  # due first, governs
    assert timezone.localtime(duty.due_at).date() == today + timedelta(days=10)
    assert set(duty.sources.values_list("assignment_id", flat=True)) == {city.pk, ward.pk, chairs.pk, own.pk}
    with override("vi"):
        [view] = person_obligations(viewer=hr_a, user=person.user)
    assert view.reason.count("Giao bởi") == 1
    assert "và bởi" in view.reason and "Phường Bến Thành" in view.reason and "Thành phố" in view.reason
    assert "và giao riêng" in view.reason  # the individual assignment


def test_withdrawing_one_assignment_keeps_the_duty_governed_by_the_others(setting):
    org, admin, hr_a, person, course = setting
    today = timezone.localdate()
    city = assignment_create(by=admin, course=course, unit=org.city, due_date=today + timedelta(days=40))
    ward = assignment_create(by=hr_a, course=course, unit=org.ward_a, due_date=today + timedelta(days=10))
    duty = Obligation.objects.get(user=person.user, is_current=True)

    assert assignment_withdraw(by=hr_a, assignment=ward) == 0
    duty.refresh_from_db()
    assert duty.is_current and duty.assignment_id == city.pk
    assert timezone.localtime(duty.due_at).date() == today + timedelta(days=40)

    assert assignment_withdraw(by=admin, assignment=city) >= 1
    duty.refresh_from_db()
    assert not duty.is_current and duty.closed_reason == Obligation.Closed.WITHDRAWN


def test_exempting_applies_to_the_duty_whatever_assignment_governs(setting):
    org, admin, hr_a, person, course = setting
    today = timezone.localdate()
    city = assignment_create(by=admin, course=course, unit=org.city, due_date=today + timedelta(days=40))
    ward = assignment_create(by=hr_a, course=course, unit=org.ward_a, due_date=today + timedelta(days=10))
    duty = Obligation.objects.get(user=person.user, is_current=True)
    obligation_exempt(by=hr_a, obligation=duty, reason="Đã học tại Sở")
    assignment_withdraw(by=hr_a, assignment=ward)
    duty.refresh_from_db()
    assert duty.is_current and duty.exempt_at is not None and duty.assignment_id == city.pk


def test_the_database_refuses_a_second_current_duty(setting):
    org, admin, hr_a, person, course = setting
    assignment_create(by=admin, course=course, unit=org.city, due_days=30)
    duty = Obligation.objects.get(user=person.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Obligation.objects.create(
            assignment_id=duty.assignment_id,
            user=person.user,
            course_id=course.pk,
            unit=org.ward_a,
            cycle=2,
            due_at=duty.due_at,
        )


def test_a_person_leaving_one_assignments_group_keeps_the_duty_of_the_other(setting):
    from lms.people.services import official_save

    org, admin, hr_a, person, course = setting
    assignment_create(by=admin, course=course, unit=org.city, due_days=40)
    ward = assignment_create(by=hr_a, course=course, unit=org.ward_a, due_days=10)
    official_save(
        employee_code=person.employee_code,
        full_name=person.user.full_name,
        unit=org.ward_b,
        position=org.chair,
    )
    duty = Obligation.objects.get(user=person.user, is_current=True)
    assert duty.unit_id == org.ward_b.pk and duty.assignment_id != ward.pk
    assert ObligationSource.objects.get(obligation=duty, assignment=ward).closed_reason == "left"


# --- Generated data: the figures count duties --------------------------------------------------------------


def _generated(catalogue, seed: int):
    """A city, two wards, an office; 12 people; two courses; 6–10 overlapping assignments (city, ward,
    position, individual), some withdrawn, one exemption."""
    rng = random.Random(seed)
    org = make_org()
    admin = make_admin_user(f"quantri_gen{seed}")
    units = [org.city, org.ward_a, org.ward_b, org.office_a]
    positions = [org.chair, org.justice, None]
    people = [make_official(rng.choice(units), position=rng.choice(positions)) for _ in range(12)]
    courses = [
        make_course(catalogue, title=f"Khoá {seed}-{n}", modules=1, lessons_per_module=1) for n in (1, 2)
    ]
    made = []
    for _ in range(rng.randint(6, 10)):
        course = rng.choice(courses)
        kind = rng.choice(["unit", "position", "person"])
        try:
            if kind == "person":
                a = assignment_create(
                    by=admin, course=course, user=rng.choice(people).user, due_days=rng.randint(1, 60)
                )
            else:
                a = assignment_create(
                    by=admin,
                    course=course,
                    unit=rng.choice(units),
                    position=org.chair if kind == "position" else None,
                    due_days=rng.randint(1, 60),
                    now=timezone.now() - timedelta(days=rng.randint(0, 90)),
                )
        except ComplianceError:  # nobody reached: skip
            continue
        made.append(a)
    for a in rng.sample(made, k=min(2, len(made) - 1)):
        assignment_withdraw(by=admin, assignment=a)
    current = list(Obligation.objects.filter(is_current=True, unit__path__startswith=org.city.path))
    if current:
        obligation_exempt(by=admin, obligation=rng.choice(current), reason="Miễn")
    return org, admin


def _expected_pairs(org) -> set[tuple[int, int]]:
    """Distinct (person, course) with an open source, counted from the sources alone."""
    return set(
        ObligationSource.objects.filter(
            closed_at__isnull=True,
            assignment__withdrawn_at__isnull=True,
            obligation__is_current=True,
            obligation__unit__path__startswith=org.city.path,
        ).values_list("obligation__user_id", "obligation__course_id")
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_every_figure_counts_distinct_person_and_course(catalogue, seed):
    org, admin = _generated(catalogue, seed)
    pairs = _expected_pairs(org)
    now = timezone.now()
    top, children = reports.dashboard_summary(viewer=admin, unit=org.city, now=now)
    assert top.total == len(pairs)
    assert sum(child.total for child in children) == top.total
    rows = list(reports.export_rows(viewer=admin, unit=org.city, now=now))
    assert len(rows) == len(pairs)
    assert len({(r[0], r[5]) for r in rows}) == len(rows)
    late = reports.overdue_page(viewer=admin, unit=org.city, now=now).paginator.count
    assert late == top.late
    months = reports.completion_over_time(viewer=admin, unit=org.city, now=now, figures=top)
    assert months[-1].cumulative == top.completed
    # Reminders: one per duty, not per assignment.
    governing = Obligation.objects.filter(is_current=True).values_list("assignment_id", flat=True)
    for assignment_id in set(governing):
        scheduling.assignment_reminders_plan(assignment_id=assignment_id, now=now)
    notices = Reminder.objects.filter(kind__in=[Kind.ASSIGNED, Kind.OVERDUE, Kind.DUE_SOON, Kind.DUE_TODAY])
    keys = list(notices.values_list("obligation__user_id", "obligation__course_id", "kind", "offset"))
    assert len(keys) == len(set(keys))
    assert {k[:2] for k in keys} <= pairs
    statuses = dict.fromkeys(Status, 0)
    for r in rows:
        statuses[next(s for s in Status if str(s.label) == r[6])] += 1
    assert statuses[Status.EXEMPT] == top.counts.get(Status.EXEMPT, 0)
