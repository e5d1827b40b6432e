"""The unit summary counts statuses from partial indexes (selectors.status_counts_by_unit): it must agree with
the status of every row (status_of), whatever the mix."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from lms.compliance.models import Obligation
from lms.compliance.selectors import status_counts_by_unit, unit_summary
from lms.compliance.services import assignment_create
from lms.compliance.status import Status, status_of
from tests.org_builders import make_admin_user, make_official, make_org

pytestmark = pytest.mark.django_db


def test_unit_summary_agrees_with_the_status_of_each_row(course):
    org = make_org()
    admin = make_admin_user()
    for unit, people in ((org.ward_a, 7), (org.office_a, 5), (org.ward_b, 4)):
        for _ in range(people):
            make_official(unit)
    now = timezone.now()
    assignment_create(by=admin, course=course, unit=org.city, due_days=30, validity_months=12, now=now)
    rows = list(Obligation.objects.order_by("pk"))
    day = timedelta(days=1)
    shapes = [
        {"exempt_at": now, "exempt_reason": "Đã học"},
        {"exempt_at": now, "exempt_reason": "Đã học", "completed_at": now - day, "started_at": now - 2 * day},
        {"completed_at": now - 10 * day, "valid_until": now + 300 * day},
        {"completed_at": now - 400 * day, "valid_until": now - 35 * day},  # validity run out: expired
        {"completed_at": now - 3 * day},
        {"due_at": now - 5 * day},  # overdue, not started
        {"due_at": now - 5 * day, "started_at": now - 9 * day},  # overdue, started
        {"cycle": 2, "due_at": now - 2 * day},  # renewal late: expired
        {"cycle": 2, "started_at": now - day},  # renewal in progress
        {"started_at": now - day},  # in progress
        {},  # not started
        {"is_current": False, "closed_at": now, "closed_reason": "left"},  # history: not counted
        {"due_at": now + 100 * day},
        {"cycle": 3, "due_at": now - 40 * day, "started_at": now - 50 * day},
        {"completed_at": now - day, "valid_until": now + day},
        {"exempt_at": now, "exempt_reason": "Ốm dài ngày", "due_at": now - 9 * day},
    ]
    assert len(rows) >= len(shapes)
    for row, shape in zip(rows, shapes, strict=False):
        Obligation.objects.filter(pk=row.pk).update(**shape)
    current = list(Obligation.objects.filter(is_current=True).select_related("unit"))

    def expected(path: str) -> Counter:
        return Counter(status_of(o, now) for o in current if o.unit.path.startswith(path))

    assert set(expected(org.city.path)) == set(Status)
    top, children = unit_summary(viewer=admin, root=org.city, now=now)
    assert Counter({s: n for s, n in top.counts.items() if n}) == expected(org.city.path)
    for child in children:
        assert Counter({s: n for s, n in child.counts.items() if n}) == expected(child.unit.path)
    ward_top, (own, office) = unit_summary(viewer=admin, root=org.ward_a, now=now)  # own staff: issue 15
    assert Counter({s: n for s, n in ward_top.counts.items() if n}) == expected(org.ward_a.path)
    own_expected = Counter(status_of(o, now) for o in current if o.unit_id == org.ward_a.pk)
    assert Counter({s: n for s, n in own.counts.items() if n}) == own_expected
    assert Counter({s: n for s, n in office.counts.items() if n}) == expected(org.office_a.path)

    by_unit = status_counts_by_unit(Obligation.objects.all(), now=now)
    assert sum(sum(counts.values()) for counts in by_unit.values()) == len(current)
