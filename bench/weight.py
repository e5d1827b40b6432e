"""Page weight in a real browser: bytes on the wire (CDP Network events) and time to ready under a slow link.

Usage: .venv/bin/python bench/weight.py [--only h5p]
Uses a throw-away test database with the demo data (load_demo) and Django's live server; Chromium through
Playwright (bench/_browser.py). Prints one `name: value` line per figure:
- h5p_first_kb: what the H5P lesson's activity transfers on a first visit (cold cache): every request of
  the player (its page, scripts, content and libraries), headers and compressed bodies; the lesson page
  itself and the site's own static files are not counted;
- h5p_repeat_kb: the same on a second visit in the same browser;
- h5p_ready_s_400kbps: seconds from opening the lesson (cold cache) to the activity being ready, on an
  emulated 400 kbit/s link with 400 ms latency.
The player runs on an origin of its own (H5P_PLAYER_ORIGIN: the live server's other name, 127.0.0.1), as
docs/h5p.md recommends; `--opaque` keeps it in the opaque sandbox, where the browser keeps no cache for it.

More measurements: add a function taking the `Site` and returning {name: value} to MEASUREMENTS (issue 14:
lesson_kb, quiz_kb, hr_dashboard_*).
"""

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._browser import NetworkMeter, chromium_path, launch  # noqa: E402
from bench._django import setup_test_database  # noqa: E402

# Playwright's sync API runs an event loop in this thread; the ORM calls made here stay synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SLOW_KBIT = 400
SLOW_LATENCY_MS = 400


@dataclass
class Site:
    url: str  # the live server, e.g. http://localhost:8081
    browser: object  # Playwright's Browser

    def page_for(self, user):
        """A new browser context logged in as `user` (the session cookie of a Django test client)."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        context = self.browser.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.url}])
        page = context.new_page()
        page.set_default_timeout(120_000)
        return page


def _player_ready(page) -> None:
    page.locator("[data-h5p-activity].is-ready").wait_for(state="attached")
    page.frame_locator("iframe.h5p-player").get_by_text("Is this false?").wait_for()


def _h5p_bytes(transfer) -> int:
    return sum(size for url, size in transfer.sizes.items() if "/h5p/" in url)


def measure_h5p(site: Site) -> dict[str, float]:
    from courses.models import LessonPage
    from lms.learning import services
    from lms.people.models import User

    lesson = LessonPage.objects.get(slug="lam-quen-hoat-dong-tuong-tac")
    learner = User.objects.get(username="hocvien")
    services.enrolment_create(user=learner, course=lesson.get_parent().get_parent().specific)
    url = site.url + lesson.url

    page = site.page_for(learner)
    meter = NetworkMeter(page)
    first, _ = meter.visit(url, ready=_player_ready)
    repeat, _ = meter.visit(url, ready=_player_ready)
    page.context.close()

    slow = site.page_for(learner)
    slow_meter = NetworkMeter(slow)
    slow_meter.emulate(kbit_per_s=SLOW_KBIT, latency_ms=SLOW_LATENCY_MS)
    _, ready_s = slow_meter.visit(url, ready=_player_ready)
    slow.context.close()
    return {
        "h5p_first_kb": round(_h5p_bytes(first) / 1024, 1),
        "h5p_first_requests": sum(1 for u in first.sizes if "/h5p/" in u),
        "h5p_repeat_kb": round(_h5p_bytes(repeat) / 1024, 1),
        "h5p_repeat_requests": sum(1 for u, s in repeat.sizes.items() if "/h5p/" in u and s),
        "h5p_ready_s_400kbps": round(ready_s, 2),
    }


MEASUREMENTS: dict[str, Callable[[Site], dict[str, float]]] = {"h5p": measure_h5p}


def _live_server():
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread

    shared = {}
    for connection in connections.all():
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            connection.inc_thread_sharing()
            shared[connection.alias] = connection
    thread = LiveServerThread("localhost", StaticFilesHandler, connections_override=shared, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=sorted(MEASUREMENTS), action="append")
    parser.add_argument(
        "--opaque", action="store_true", help="the H5P player in the opaque sandbox on the site's origin"
    )
    args = parser.parse_args()
    if chromium_path() is None:
        sys.exit("Chromium is not installed (CHROMIUM_PATH or /usr/bin/chromium).")

    connection = setup_test_database()
    from django.conf import settings
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    server = _live_server()
    url = f"http://localhost:{server.port}"
    settings.H5P_PLAYER_ORIGIN = "" if args.opaque else f"http://127.0.0.1:{server.port}"
    print(f"database: {connection.vendor}")
    print(f"h5p_player_origin: {settings.H5P_PLAYER_ORIGIN or 'none (opaque sandbox)'}")
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            site = Site(url=url, browser=browser)
            for name in args.only or sorted(MEASUREMENTS):
                for figure, value in MEASUREMENTS[name](site).items():
                    print(f"{figure}: {value}", flush=True)
            browser.close()
    finally:
        server.terminate()
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
