"""The HR report pages paint before the admin's scripts arrive (issue 14): they extend
templates/lms_admin/reading.html, which loads only the scripts a page that is read needs, deferred, instead of
Wagtail's fourteen parser-blocking ones (docs/performance.md, Page weight on a slow link)."""

import re

import pytest
from django.urls import reverse

from tests.builders import UserFactory
from tests.lms.compliance.report_data import build_city

SCRIPT = re.compile(r"<script\b([^>]*)>")
SOURCE = re.compile(r'\bsrc="([^"?]+)')

# What wagtailadmin/admin_base.html of Wagtail 8.0.1 loads on every admin page, in order, all synchronously;
# reading.html was written from it. When an upgrade changes the list, compare the two templates.
WAGTAIL_SCRIPTS = [
    "/static/wagtailadmin/js/icons.js",
    "/static/wagtailadmin/js/vendor/jquery-3.6.0.min.js",
    "/static/wagtailadmin/js/vendor/jquery-ui-1.13.2.min.js",
    "/static/wagtailadmin/js/vendor/jquery.datetimepicker.js",
    "/static/wagtailadmin/js/vendor/bootstrap-transition.js",
    "/static/wagtailadmin/js/vendor/bootstrap-modal.js",
    "/static/wagtailadmin/js/vendor/tag-it.js",
    "/admin/jsi18n/",
    "/static/wagtailadmin/js/core.js",
    "/static/wagtailadmin/js/vendor.js",
    "/static/wagtailadmin/js/wagtailadmin.js",
    "/static/wagtailadmin/js/sidebar.js",
    "/static/wagtailadmin/js/modal-workflow.js",
    "/static/wagtailadmin/js/privacy-switch.js",
]
READING_SCRIPTS = [
    "/static/wagtailadmin/js/icons.js",
    "/static/wagtailadmin/js/vendor/jquery-3.6.0.min.js",
    "/admin/jsi18n/",
    "/static/wagtailadmin/js/core.js",
    "/static/wagtailadmin/js/vendor.js",
    "/static/wagtailadmin/js/sidebar.js",
]


def scripts(html: str) -> list[tuple[str, bool]]:
    """(address, deferred) of each script with a source, in order; an inline script (other than JSON data)
    counts as ('inline', False)."""
    found = []
    for match in SCRIPT.finditer(html):
        attributes = match.group(1)
        source = SOURCE.search(attributes)
        if source:
            found.append((source.group(1), bool(re.search(r"\bdefer\b", attributes))))
        elif 'type="application/json"' not in attributes:
            found.append(("inline", False))
    return found


@pytest.mark.django_db
def test_wagtails_admin_still_loads_the_scripts_the_reading_template_was_written_from(client):
    client.force_login(UserFactory(username="quantri_doc", is_superuser=True, is_staff=True))

    html = client.get("/admin/pages/").content.decode()

    loaded = scripts(html)[: len(WAGTAIL_SCRIPTS)]  # then the page's own (extra_js)
    assert [address for address, _ in loaded] == WAGTAIL_SCRIPTS
    assert not any(deferred for _, deferred in loaded)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["unit", "overdue", "person"])
def test_hr_report_pages_load_only_the_scripts_they_use_and_defer_them(client, catalogue, page):
    city = build_city(catalogue)
    client.force_login(city.hr)
    urls = {
        "unit": reverse("compliance_reports:unit", args=[city.org.city.pk]),
        "overdue": reverse("compliance_reports:overdue", args=[city.org.city.pk]),
        "person": reverse("compliance_reports:person", args=[city.people["a_late"].user.pk]),
    }

    response = client.get(urls[page])

    assert response.status_code == 200
    html = response.content.decode()
    assert scripts(html) == [(address, True) for address in READING_SCRIPTS]
    # What the scripts read is in the page: the admin's settings and the menu's.
    assert 'id="wagtail-config"' in html and 'id="wagtail-sidebar-props"' in html
    assert 'data-controller="w-init"' in html
