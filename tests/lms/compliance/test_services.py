from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from lms.compliance.models import Assignment, Obligation
from lms.compliance.rules import due_for
from lms.compliance.selectors import person_obligations, unit_summary
from lms.compliance.services import (
    ComplianceError,
    assignment_create,
    assignment_withdraw,
    obligation_exempt,
    obligation_exemption_remove,
    renewals_open,
)
from lms.compliance.status import Status, status_of
from lms.learning.models import Enrolment
from lms.learning.services import enrolment_touch, progress_record
from lms.people.services import official_deactivate, official_save
from tests.builders import lessons_of
from tests.lms.compliance.report_data import complete, current
from tests.org_builders import make_admin_user, make_hr, make_official

pytestmark = pytest.mark.django_db


def in_days(n):
    return timezone.localdate() + timedelta(days=n)


def test_assigning_a_unit_reaches_its_subunits_and_enrols(org, hr, course):
    ward_person = make_official(org.ward_a)
    office_person = make_official(org.office_a)
    other_ward = make_official(org.ward_b)
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_date=in_days(30))
    reached = set(Obligation.objects.filter(assignment=assignment).values_list("user_id", flat=True))
    assert {ward_person.user_id, office_person.user_id} <= reached
    assert other_ward.user_id not in reached
    assert Enrolment.objects.filter(user=office_person.user, course=course, source="assignment").exists()


def test_without_subunits_and_by_position(org, hr, course):
    chair = make_official(org.ward_a, position=org.chair)
    clerk = make_official(org.ward_a, position=org.justice)
    office_chair = make_official(org.office_a, position=org.chair)
    assignment = assignment_create(
        by=hr, course=course, unit=org.ward_a, include_subunits=False, position=org.chair, due_days=14
    )
    reached = set(Obligation.objects.filter(assignment=assignment).values_list("user_id", flat=True))
    assert reached == {chair.user_id}
    assert clerk.user_id not in reached and office_chair.user_id not in reached


def test_refusals_leave_nothing_behind(org, hr, course):
    make_official(org.ward_b)
    cases = [
        {"unit": org.ward_b, "due_days": 10},  # outside the scope
        {"unit": org.office_a, "due_date": timezone.localdate() - timedelta(days=1)},  # date in the past
        {"unit": org.office_a, "due_days": 10},  # empty unit (the HR manager sits in ward A itself)
        {"unit": org.ward_a, "due_days": 0},
        {"unit": org.ward_a, "due_days": 10, "due_date": in_days(3)},
        {"unit": org.ward_a, "due_days": 10, "validity_months": 0},
    ]
    for kwargs in cases:
        with pytest.raises(ComplianceError) as error:
            assignment_create(by=hr, course=course, **kwargs)
        assert str(error.value.message)
    assert not Assignment.objects.exists() and not Obligation.objects.exists()


def test_a_learner_cannot_assign(org, course):
    person = make_official(org.ward_a)
    with pytest.raises(ComplianceError) as error:
        assignment_create(by=person.user, course=course, unit=org.ward_a, due_days=5)
    assert error.value.status == 403


def test_every_status(org, hr, course):
    now = timezone.now()
    people = {key: make_official(org.ward_a) for key in ("new", "started", "done", "late", "exempt")}
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10)
    enrolment_touch(
        enrolment=Enrolment.objects.get(user=people["started"].user, course=course),
        lesson=lessons_of(course)[0],
    )
    complete(people["done"].user, course)
    obligation_exempt(by=hr, obligation=current(people["exempt"].user, assignment), reason="Đã học ở Sở")
    status = {key: status_of(current(p.user, assignment), now) for key, p in people.items()}
    assert status == {
        "new": Status.NOT_STARTED,
        "started": Status.IN_PROGRESS,
        "done": Status.COMPLETED,
        "late": Status.NOT_STARTED,
        "exempt": Status.EXEMPT,
    }
    later = now + timedelta(days=11)
    assert status_of(current(people["late"].user, assignment), later) == Status.OVERDUE
    assert status_of(current(people["started"].user, assignment), later) == Status.OVERDUE
    assert status_of(current(people["done"].user, assignment), later) == Status.COMPLETED

    top, children = unit_summary(viewer=hr, root=org.ward_a, now=later)
    assert top.counts[Status.OVERDUE] == 4  # new, started, late and the HR manager, who works in ward A
    assert top.counts[Status.COMPLETED] == 1 and top.counts[Status.EXEMPT] == 1


def test_reasons_say_who_when_where_and_how_far(org, hr, course):
    person = make_official(org.ward_a)
    assignment_create(by=hr, course=course, unit=org.ward_a, due_date=in_days(20))
    progress_record(user=person.user, lesson=lessons_of(course)[0], source="manual")
    (view,) = person_obligations(viewer=hr, user=person.user)
    assert view.status == Status.IN_PROGRESS
    assert hr.get_full_name() in view.reason and org.ward_a.name in view.reason
    assert in_days(20).strftime("%d/%m/%Y") in view.reason
    assert "1/4" in view.reason.replace(" ", "") or (view.lessons_done, view.lessons_total) == (1, 4)


def test_late_joiner_gets_the_unit_assignment_with_allowance(org, hr, course, settings):
    make_official(org.ward_a)
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_date=in_days(2))
    newcomer = make_official(org.office_a)
    assert timezone.localdate(current(newcomer.user, assignment).due_at) == in_days(2)
    official, _ = official_save(
        employee_code=make_official(org.ward_b).employee_code,
        full_name="Người chuyển đến",
        unit=org.ward_a,
        email="chuyen@phuong.example",
    )
    assert Obligation.objects.filter(user=official.user, assignment=assignment, is_current=True).exists()
    # Someone who joins after the fixed date gets the late-joiner allowance from the day they join.
    moment = timezone.now() + timedelta(days=5)
    assert timezone.localdate(due_for(assignment, moment)) == timezone.localdate(moment) + timedelta(
        days=settings.COMPLIANCE_LATE_JOINER_DAYS
    )


def test_the_due_day_counts_from_the_day_in_ho_chi_minh_city_whatever_zone_is_active():
    # 00:30 on 2 March in Ho Chi Minh City, still 1 March in UTC (an HR manager's chosen admin time zone).
    opened_at = datetime(2025, 3, 1, 17, 30, tzinfo=UTC)
    assignment = Assignment(due_kind=Assignment.DueKind.RELATIVE, due_days=10)
    with timezone.override("UTC"):
        due = due_for(assignment, opened_at)
    assert due == datetime(2025, 3, 12, 23, 59, 59, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_moving_out_closes_and_deactivation_closes(org, hr, course):
    admin = make_admin_user()
    person = make_official(org.ward_a)
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10)
    official_save(
        employee_code=person.employee_code,
        full_name=person.user.full_name,
        unit=org.ward_b,
        email=person.user.email,
    )
    row = Obligation.objects.get(user=person.user, assignment=assignment)
    assert not row.is_current and row.closed_reason == Obligation.Closed.LEFT
    other = assignment_create(by=admin, course=course, unit=org.ward_b, due_days=10)
    assert current(person.user, other).unit_id == org.ward_b.pk
    person.refresh_from_db()
    official_deactivate(official=person)
    assert not Obligation.objects.filter(user=person.user, is_current=True).exists()


def test_withdrawal_and_exemption_rules(org, hr, course):
    person = make_official(org.ward_a)
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10)
    obligation = current(person.user, assignment)
    with pytest.raises(ComplianceError):
        obligation_exempt(by=hr, obligation=obligation, reason="  ")
    obligation_exempt(by=hr, obligation=obligation, reason="Nghỉ thai sản")
    with pytest.raises(ComplianceError):
        obligation_exempt(by=hr, obligation=obligation, reason="lần hai")
    obligation_exemption_remove(by=hr, obligation=obligation)
    assert current(person.user, assignment).exempt_at is None
    other_hr = make_hr(org.ward_b)
    with pytest.raises(ComplianceError) as error:
        assignment_withdraw(by=other_hr, assignment=assignment)
    assert error.value.status == 404
    closed = assignment_withdraw(by=hr, assignment=assignment)
    assert closed >= 1 and not Obligation.objects.filter(assignment=assignment, is_current=True).exists()
    with pytest.raises(ComplianceError):
        assignment_withdraw(by=hr, assignment=assignment)


def test_recertification_cycle(org, hr, course):
    person = make_official(org.ward_a)
    assignment = assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10, validity_months=12)
    complete(person.user, course)
    first = current(person.user, assignment)
    assert first.valid_until is not None
    assert status_of(first, timezone.now()) == Status.COMPLETED
    assert status_of(first, first.valid_until + timedelta(seconds=1)) == Status.EXPIRED
    assert renewals_open(now=first.valid_until - timedelta(days=60)) == 0
    opening = first.valid_until - timedelta(days=10)
    assert renewals_open(now=opening) >= 1
    assert renewals_open(now=opening) == 0  # idempotent
    second = current(person.user, assignment)
    assert second.cycle == 2 and second.due_at == first.valid_until
    assert Enrolment.objects.get(user=person.user, course=course).completed_at is None
    assert status_of(second, opening) == Status.NOT_STARTED
    assert status_of(second, first.valid_until + timedelta(days=1)) == Status.EXPIRED
    complete(person.user, course)
    second.refresh_from_db()
    assert second.completed_at is not None and status_of(second, timezone.now()) == Status.COMPLETED
    assert Obligation.objects.filter(user=person.user, assignment=assignment).count() == 2


def test_course_completed_before_assignment_counts(org, hr, course):
    person = make_official(org.ward_a)
    Enrolment.objects.create(user=person.user, course=course)
    complete(person.user, course)
    assignment = assignment_create(
        by=hr, course=course, unit=org.ward_a, due_date=date.today() + timedelta(9)
    )
    assert status_of(current(person.user, assignment), timezone.now()) == Status.COMPLETED


def test_scope_hides_other_wards(org, hr, course):
    admin = make_admin_user()
    b_person = make_official(org.ward_b)
    assignment_create(by=admin, course=course, unit=org.city, due_days=10)
    assert person_obligations(viewer=hr, user=b_person.user) == []
    top, children = unit_summary(viewer=hr, root=org.ward_b)
    assert top.total == 0 and children == []
    assert len(person_obligations(viewer=b_person.user, user=b_person.user)) == 1
    top, children = unit_summary(viewer=admin, root=org.city)
    assert {c.unit.pk for c in children} == {org.ward_a.pk, org.ward_b.pk}
    assert top.total == sum(c.total for c in children)
