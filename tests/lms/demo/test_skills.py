"""The demo's digital-skills framework: five areas of three to five competences, profiles, evidence and
levels computed from the demo's completions, loaded once however often the demo is loaded."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lms.demo.organisation import OFFICIAL_WITH_LOGIN
from lms.people.models import Official
from lms.skills.models import Competency, Evidence, ExpectedLevel, Framework, PersonLevel
from lms.skills.selectors import skills_map
from tests.org_builders import make_admin_user

pytestmark = pytest.mark.django_db


def load():
    call_command("load_demo", stdout=StringIO())


def test_the_demo_framework_its_profiles_and_the_levels_the_demo_earned():
    load()

    framework = Framework.objects.get(id_number="NLS-CBPX")
    areas = Competency.objects.filter(framework=framework, parent__isnull=True)
    assert areas.count() == 5
    for area in areas:
        assert 3 <= area.children.count() <= 5
    assert framework.levels.count() == 4
    assert ExpectedLevel.objects.filter(position__code="CT-UBND").exists()
    assert (
        Evidence.objects.filter(kind="category").exists() and Evidence.objects.filter(kind="lesson").exists()
    )
    assert PersonLevel.objects.exists()  # the officials who completed demo courses have levels
    city = skills_map(viewer=make_admin_user("quantri_skills"), unit=None)
    assert any(cell.expected for cell in city.total.cells.values())

    official = Official.objects.get(employee_code=OFFICIAL_WITH_LOGIN)
    client = Client()
    client.force_login(official.user)
    page = client.get(reverse("skills:mine"))
    assert page.status_code == 200
    assert "Kỹ năng số của tôi" in page.content.decode()


def test_loading_twice_creates_nothing_twice():
    load()
    before = [m.objects.count() for m in (Framework, Competency, ExpectedLevel, Evidence, PersonLevel)]
    load()
    assert [
        m.objects.count() for m in (Framework, Competency, ExpectedLevel, Evidence, PersonLevel)
    ] == before
