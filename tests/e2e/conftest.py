"""Browser tests: real Chromium driven by Playwright against Django's live server."""

import contextlib
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_path()
    if executable is None:
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail("Chromium is required for the browser tests (REQUIRE_E2E=1) but was not found.")
        pytest.skip(
            "Chromium is not installed: install Debian's 'chromium' package to run the browser tests."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


EXPECT_TIMEOUT_MS = 15_000


@pytest.fixture(autouse=True)
def patient_expectations():
    """Playwright's `expect` waits up to 15 s (its default is 5): CI runs two test processes on two cores
    beside a browser, and an IndexedDB write or a debounced save can take longer than 5 s there. A passing
    assertion returns as soon as it holds, so only a failure waits longer."""
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def wagtail_root(transactional_db):
    """Browser tests run on a flushed database: Wagtail's root page and locale are put back first."""
    from tests.builders import wagtail_root_ensure

    wagtail_root_ensure()


class _RequestsInFlight:
    """The live server's application, counting the requests it is answering.

    On SQLite the live server's threads share the test's one in-memory connection (Django's
    `connections_override`): two requests at once would interleave their transactions on it (one's rollback
    undoing the other's savepoint), which no deployment does. There, requests are answered one at a time;
    PostgreSQL, with a connection per thread, keeps them concurrent (the races the outbox must survive).
    Static and media files are served concurrently either way."""

    def __init__(self, application, *, one_at_a_time: bool):
        self.application = application
        self.count = 0
        self.lock = threading.Lock()
        self.serial = threading.Lock() if one_at_a_time else contextlib.nullcontext()

    def __call__(self, environ, start_response):
        with self.lock:
            self.count += 1
        # Files (static, media) touch no database: they stay concurrent, or a service worker storing its
        # files at install would hold up the page's own requests.
        files = environ.get("PATH_INFO", "").startswith((settings.STATIC_URL, settings.MEDIA_URL))
        try:
            with contextlib.nullcontext() if files else self.serial:
                return self.application(environ, start_response)
        finally:
            with self.lock:
                self.count -= 1


@pytest.fixture(autouse=True)
def live_server_quiet_before_flush(request, wagtail_root):
    """The database is flushed after each browser test (transactional_db, below this fixture); the test's
    pages are closed before this one ends (their fixtures came after it). A request the browser made just
    before (an outbox send, an H5P statement) may still be running in the live server's thread: the flush
    waits for it, instead of running beside it (SQLite: "database table is locked"; PostgreSQL: a request
    writing into tables being emptied)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    httpd = request.getfixturevalue("live_server").thread.httpd
    application = httpd.get_app()
    if not isinstance(application, _RequestsInFlight):
        application = _RequestsInFlight(application, one_at_a_time=connection.vendor == "sqlite")
        httpd.set_app(application)
    yield
    deadline = time.monotonic() + 60
    while application.count and time.monotonic() < deadline:
        time.sleep(0.05)
