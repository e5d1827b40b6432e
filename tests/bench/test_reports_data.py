"""The data generator of bench/reports.py, at a small scale: bulk rows that the models and reports accept."""

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from bench.reports import POSITIONS, build
from lms.compliance.models import Obligation, ObligationSource
from lms.compliance.selectors import unit_summary
from lms.compliance.status import Status, status_of
from lms.learning.models import Enrolment, LessonCompletion
from lms.people.models import Official, OrgUnit, User

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench loads data with PostgreSQL COPY"),
]


def test_small_build_is_consistent():
    built = build(officials=400, wards=10, courses=5)

    # The tree is what treebeard would have built: paths, depths and numchild agree.
    assert all(problems == [] for problems in OrgUnit.find_problems())
    assert built.units == OrgUnit.objects.count()
    assert OrgUnit.objects.filter(depth=4).exists()  # the intermediate level has wards with offices
    assert Official.objects.count() == built.officials == 400
    assert Official.objects.values("position").distinct().count() == len(POSITIONS)

    current = Obligation.objects.filter(is_current=True)
    assert current.count() == built.obligations_current >= 400 * 5
    assert Obligation.objects.filter(is_current=False, cycle=1).count() == current.filter(cycle=2).count() > 0
    assert built.obligations_total == Obligation.objects.count()
    # One duty per person and course (issue 15), reached by overlapping assignments: the city's and the
    # ward's for the same course, or the leaders' on top of the city's.
    assert current.values("user_id", "course_id").distinct().count() == current.count() == 400 * 5
    sources = ObligationSource.objects.filter(obligation__is_current=True)
    assert (
        sources.count()
        == built.obligation_sources - ObligationSource.objects.filter(obligation__is_current=False).count()
    )
    assert sources.values("obligation_id").annotate(n=Count("pk")).filter(n__gt=1).count() > 400 // 2
    # Every current obligation sits in its person's unit, and every person has an enrolment per course.
    same_unit = Official.objects.filter(user_id=OuterRef("user_id"), unit_id=OuterRef("unit_id"))
    assert not current.exclude(Exists(same_unit)).exists()
    assert Enrolment.objects.count() == built.enrolments == 400 * 5
    assert LessonCompletion.objects.count() == built.lesson_completions > 0

    now = timezone.now()
    assert not Obligation.objects.filter(Q(completed_at__gt=now) | Q(started_at__gt=now)).exists()
    statuses = {status_of(row, now) for row in current}
    assert statuses == set(Status)
    top, children = unit_summary(viewer=built.admin, root=built.city)
    assert top.total == built.obligations_current
    assert sum(child.total for child in children) == top.total
    ward_top, _ = unit_summary(viewer=built.hr, root=built.ward)
    assert 0 < ward_top.total < top.total

    # The sequences follow the copied ids: the ORM can still add rows.
    assert User.objects.create(username="after_bench").pk > built.admin.pk
