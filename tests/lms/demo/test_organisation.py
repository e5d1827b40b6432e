"""The demo organisation: a city with wards, thirty officials, HR scopes and mandatory training whose
figures show every status."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from lms.compliance.models import Assignment, Obligation
from lms.compliance.selectors import status_counts
from lms.compliance.status import Status
from lms.demo.accounts import DEMO_PASSWORD
from lms.demo.organisation import OFFICIAL_WITH_LOGIN, OFFICIALS, POSITIONS, WARDS
from lms.people.models import ManagedUnit, Official, OrgUnit, Position
from lms.people.scope import scope_for
from lms.quiz.models import Attempt

pytestmark = pytest.mark.django_db

User = get_user_model()


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (OrgUnit, Position, Official, ManagedUnit, Assignment, Obligation, Attempt)
    }


def test_the_demo_organisation_and_its_figures():
    load()

    city = OrgUnit.objects.get(code="HCM")
    assert city.name == "Thành phố Hồ Chí Minh"
    wards = OrgUnit.objects.filter(depth=2, path__startswith=city.path)
    assert {w.name for w in wards} == {name for _code, name, _kind, _offices in WARDS}
    assert OrgUnit.objects.get(code="HCM-BENTHANH-VP").get_parent().name == "Phường Bến Thành"
    assert set(Position.objects.values_list("name", flat=True)) >= {name for _code, name in POSITIONS}
    assert Official.objects.count() == len(OFFICIALS) == 30
    assert all(o.user.email.endswith(".example") and o.phone for o in Official.objects.select_related("user"))

    city_hr = User.objects.get(username="nhansu")
    ward_hr = User.objects.get(username="nhansu.benthanh")
    assert scope_for(city_hr).covers(city) and ward_hr.check_password(DEMO_PASSWORD)
    assert list(ManagedUnit.objects.filter(user=ward_hr).values_list("unit__code", flat=True)) == [
        "HCM-BENTHANH"
    ]
    assert User.objects.get(username=OFFICIAL_WITH_LOGIN).check_password(DEMO_PASSWORD)

    figures = status_counts(Obligation.objects.filter(is_current=True), now=timezone.now())
    assert figures[Status.OVERDUE] >= 5
    assert figures[Status.COMPLETED] >= 5
    assert figures[Status.IN_PROGRESS] >= 2
    assert figures[Status.NOT_STARTED] >= 1
    assert figures[Status.EXEMPT] == 1
    yearly = Assignment.objects.get(validity_months=12)
    renewed = Obligation.objects.filter(assignment=yearly, completed_at__isnull=False)
    assert renewed.exists() and all(o.valid_until.year == o.completed_at.year + 1 for o in renewed)
    assert Assignment.objects.filter(position__code="CT-UBND").exists()
    assert Assignment.objects.filter(user__isnull=False).exists()


def test_loading_twice_creates_nothing_twice():
    load()
    first = counts()

    output = load()

    assert "nothing changed" in output
    assert counts() == first
