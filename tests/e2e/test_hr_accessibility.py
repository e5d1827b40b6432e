"""axe-core over the pages an HR manager works in, at a desktop's width: the training reports (the city and a
ward, the overdue list, a person's page), the mandatory-training list and an assignment's people, the
assignment form and its confirmation, the skills map with a cell, and the audit trail.
No violation of any impact."""

import json

from django.urls import reverse
from playwright.sync_api import expect

from lms.compliance.models import Assignment
from tests.lms.compliance.report_data import build_city
from tests.org_builders import make_hr

from .axe_helpers import axe_violations
from .test_hr_dashboard import log_in
from .test_skills import skills_world


def test_the_hr_managers_pages_have_no_accessibility_violation(live_server, transactional_db, page):
    org, security, course, _second, _official = skills_world()
    city = build_city(course.get_parent().specific)
    hr = make_hr(org.city, city.org.city)
    assignment = Assignment.objects.filter(course=city.course).first()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, hr.username)

    found = {}

    def check(address: str | None = None) -> None:
        if address is not None:
            page.goto(live_server.url + address)
            assert page.url == live_server.url + address  # the page itself, not a refusal's redirect
        expect(page.locator("main")).to_be_visible()
        violations = axe_violations(page)
        if violations:
            found[address or page.url.removeprefix(live_server.url) + " (confirmation)"] = violations

    for address in (
        reverse("compliance_reports:index"),
        reverse("compliance_reports:unit", args=[city.org.ward_a.pk]),
        reverse("compliance_reports:overdue", args=[city.org.ward_a.pk]),
        reverse("compliance_reports:person", args=[city.people["a_late"].user_id]),
        reverse("compliance_assignments:index"),
        reverse("compliance_assignments:detail", args=[assignment.pk]),
        reverse("skills_map:map"),
        reverse("skills_map:map") + f"?unit={org.ward_a.pk}",
        reverse("skills_map:cell", args=[security.pk]) + f"?unit={org.ward_a.pk}",
        reverse("audit_admin:index"),
        reverse("compliance_assignments:create"),
    ):
        check(address)

    # The form's confirmation: the people an assignment would reach, before anything is saved.
    form = page.locator("#assignment-form")
    form.locator("select[name=course]").select_option(str(course.pk))
    form.locator("select[name=unit]").select_option(str(org.ward_a.pk))
    form.locator("input[name=due_kind][value=relative]").check()
    form.locator("input[name=due_days]").fill("30")
    form.locator("button[type=submit]").first.click()
    expect(page.locator("#assignment-confirmation")).to_be_visible()
    check()
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
