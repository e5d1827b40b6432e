"""The browser-side protections every page carries: Content-Security-Policy (django-csp through
lms.middleware.ContentSecurityPolicyMiddleware), X-Frame-Options, Referrer-Policy, X-Content-Type-Options;
and templates that the policy does not have to block (no inline script, event handler or javascript: URL)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from tests.builders import UserFactory, lessons_of

ROOT = Path(settings.BASE_DIR)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def administrator(db):
    return UserFactory(username="quantri_csp", is_superuser=True, is_staff=True)


def test_a_learner_page_runs_only_the_sites_own_files_and_cannot_be_framed(learner_client, course):
    response = learner_client.get(course.url)

    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_error_pages_carry_the_policy_too(client, db):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert policy(response)["script-src"] == ["'self'"]


def test_the_admin_gets_what_wagtail_needs_and_cannot_be_framed(client, administrator):
    client.force_login(administrator)

    response = client.get("/admin/")

    directives = policy(response)
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["img-src"] == ["'self'", "data:", "blob:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]  # the rest stays the site's
    assert directives["connect-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_wagtail_preview_renders_and_may_be_framed_by_the_admin(client, course, administrator):
    client.force_login(administrator)
    lesson = lessons_of(course)[0]
    url = f"/admin/pages/{lesson.pk}/edit/preview/"
    client.post(
        url,
        nested_form_data(
            {
                "title": lesson.title,
                "slug": lesson.slug,
                "body": streamfield([("paragraph", rich_text("<p>Bản nháp XEM-TRUOC</p>"))]),
                "estimated_minutes": 10,
                "is_required": "on",
            }
        ),
    )

    response = client.get(url, {"in_preview_panel": "true"})

    assert response.status_code == 200
    assert "XEM-TRUOC" in response.content.decode()
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # The previewed page went through the middleware as the lesson's own URL; the policy sent is the one of
    # the preview's admin URL, with the framing its SAMEORIGIN allows, so the editor's preview panel shows it.
    directives = policy(response)
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]


# --- Templates ------------------------------------------------------------------------------------------

# Templates that are not pages of the site under its policy: PDFs drawn by WeasyPrint and email bodies may
# style inline; the H5P player page sends its own sandbox policy (lms/h5p/views.py: player_csp).
NOT_SITE_PAGES = {"certificates/certificate.html", "compliance/training_record_pdf.html", "h5p/player.html"}
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)


def project_templates() -> list[tuple[str, str]]:
    """(name, text) of every template of the project: templates/ and each app's templates folder."""
    folders = [ROOT / "templates", *ROOT.glob("lms/*/templates"), *ROOT.glob("*/templates")]
    found = []
    for folder in folders:
        if ".venv" in folder.parts or "node_modules" in folder.parts:
            continue
        for path in sorted(folder.rglob("*.html")):
            found.append((path.relative_to(folder).as_posix(), path.read_text(encoding="utf-8")))
    return found


def styled_inline_by_design(name: str) -> bool:
    """Admin pages live under the admin's policy; emails are read in mail programs, not on the site."""
    parts = name.split("/")
    return name in NOT_SITE_PAGES or "admin" in parts or any(part.startswith("email") for part in parts)


def test_the_template_scan_finds_the_templates():
    names = {name for name, _text in project_templates()}
    assert {"base.html", "courses/lesson_page.html", "compliance/dashboard.html", "h5p/player.html"} <= names


# The H5P player page inlines static/js/h5p-player.js (a stored copy must start without a connection,
# docs/offline.md); its own sandbox policy allows inline scripts, the site's does not.
SCRIPTED_INLINE_BY_DESIGN = {"h5p/player.html"}


def test_no_template_has_inline_script_event_handlers_or_javascript_urls():
    offenders = [
        f"{name}: {problem}"
        for name, text in project_templates()
        for problem, found in (
            (
                "inline <script> (move it to a file under static/js/)",
                name not in SCRIPTED_INLINE_BY_DESIGN and INLINE_SCRIPT.search(text),
            ),
            ("an on…= attribute (add a listener in a script file)", EVENT_HANDLER.search(text)),
            ("a javascript: URL", "javascript:" in text.lower()),
        )
        if found
    ]
    assert offenders == []


def test_site_pages_have_no_inline_styles():
    offenders = [
        name
        for name, text in project_templates()
        if not styled_inline_by_design(name) and INLINE_STYLE.search(text)
    ]
    assert offenders == [], "inline styles: use a class in static/css/"
