"""Recertification cycles open from the Celery task and the management command, idempotently."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lms.compliance import tasks
from lms.compliance.models import Obligation
from lms.compliance.services import assignment_create
from lms.learning.models import Enrolment
from lms.learning.services import progress_record
from tests.builders import after_commit, lessons_of
from tests.org_builders import make_hr, make_official, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(course):
    """Two people who completed a course with a 12-month validity; returns their first cycles."""
    org = make_org()
    hr = make_hr(org.ward_b)
    people = [make_official(org.ward_b), make_official(org.ward_b)]
    assignment = assignment_create(by=hr, course=course, unit=org.ward_b, due_days=30, validity_months=12)
    with after_commit():  # the obligations follow the completions' commit
        for person in people:
            for lesson in lessons_of(course):
                progress_record(user=person.user, lesson=lesson, source="manual")
    return list(
        Obligation.objects.filter(assignment=assignment, user__in=[p.user for p in people]).order_by("pk")
    )


def cycles(obligation):
    return list(
        Obligation.objects.filter(assignment=obligation.assignment, user=obligation.user)
        .order_by("cycle")
        .values_list("cycle", "is_current")
    )


def test_the_task_opens_the_next_cycle_once(completed):
    first = completed[0]
    opening = (first.valid_until - timedelta(days=10)).isoformat()  # as Celery passes it, in JSON

    assert tasks.renewals_open_task.delay(now=opening).get() == 2
    assert tasks.renewals_open_task.delay(now=opening).get() == 0

    assert cycles(first) == [(1, False), (2, True)]
    assert Enrolment.objects.get(user=first.user, course_id=first.course_id).completed_at is None


def test_nothing_is_due_today(completed):
    assert tasks.renewals_open_task() == 0
    assert cycles(completed[0]) == [(1, True)]


def test_every_batch_is_worked_through(completed, monkeypatch):
    monkeypatch.setattr(tasks, "RENEWAL_BATCH", 1)
    assert tasks.renewals_open_all(now=completed[0].valid_until) == 2
    assert all(cycles(o) == [(1, False), (2, True)] for o in completed)


def test_the_command_accepts_a_date(completed):
    out = StringIO()
    day = (completed[0].valid_until - timedelta(days=5)).date().isoformat()

    call_command("compliance_renewals", now=day, stdout=out)
    call_command("compliance_renewals", now=day, stdout=out)

    assert out.getvalue().splitlines() == [
        "2 recertification cycle(s) opened.",
        "0 recertification cycle(s) opened.",
    ]


def test_the_command_refuses_a_wrong_date():
    with pytest.raises(CommandError):
        call_command("compliance_renewals", now="mai", stdout=StringIO())
