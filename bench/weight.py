"""Page weight on a slow link, measured in Chromium (issues 13 and 14): what a lesson, a quiz, the HR
dashboard and an H5P activity transfer, and how long they take on 400 kbit/s with 400 ms latency.

Usage (from a clone with its .venv, PostgreSQL on 127.0.0.1 and Chromium):

    .venv/bin/python bench/weight.py [--runs 3] [--only pages|h5p] [--detail]
                                     [--opaque] [--no-html-gzip] [--plain-static]

The site runs as in production: bench/weight_settings.py is production's settings (DEBUG off, WhiteNoise
serving the static files that `collectstatic` compressed and hashed with CompressedManifestStaticFilesStorage,
the compression middleware for HTML), served by gunicorn (2 workers) over plain HTTP/1.1 on a free local port,
on a throw-away PostgreSQL database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
smartward_bench_weight: Django's test database, test_…, is created and dropped) with the demo data
(`load_demo`); static files are collected into var/bench-weight/. Redis is not needed (tasks run eagerly).
Chromium (Playwright; CHROMIUM_PATH or /usr/bin/chromium) opens each page in a new 360 px context (an
empty cache, service workers blocked: the figures are the pages', not the offline worker's downloads),
logged in through a session cookie; bytes are CDP's encodedDataLength (headers and compressed bodies) of
every request until the network is idle (bench/_browser.py). The slow link is CDP's network emulation:
400 kbit/s down and up, 400 ms latency.

Figures, one `name: value` line each, medians of --runs runs:
- lesson_kb, lesson_load_s: a text lesson of the demo course for its enrolled learner (`hocvien`), cold
  cache, on the slow link; bytes and the load event.
- quiz_kb: the page where the learner answers the quiz of a demo lesson (the attempt started first), cold.
- hr_dashboard_first_kb, hr_dashboard_paint_s: the city HR manager's (`nhansu`) dashboard (/admin/bao-cao/,
  redirected to the city's page), cold cache, on the slow link; bytes and first contentful paint.
- hr_dashboard_before_paint_kb: of those, what had arrived when the page was first painted (Resource
  Timing: the page and every file whose response ended before the paint).
- hr_dashboard_repeat_kb: the same page opened again in the same browser (warm cache), on the slow link.
- hr_dashboard_requests, hr_dashboard_repeat_requests; hr_dashboard_foreign_requests: requests to any other
  host (Gravatar's, say); hr_dashboard_html_encoding, hr_dashboard_static_encodings.
- h5p_first_kb, h5p_first_requests, h5p_repeat_kb, h5p_repeat_requests: what the H5P lesson's activity
  transfers (every request of the player under /h5p/: its page, scripts, content and libraries; not the
  lesson page nor the site's own static files) on a first visit and a second one in the same browser, on a
  fast link; h5p_ready_s_400kbps: seconds from opening the lesson (cold cache, slow link) to the activity
  being ready. The player runs on an origin of its own (H5P_PLAYER_ORIGIN: the server's other name,
  127.0.0.1, the pages being opened at localhost) as docs/h5p.md recommends; --opaque keeps it in the
  opaque sandbox on the site's origin, where the browser keeps no cache for it.

Switches reproducing earlier states: --no-html-gzip takes the HTML compression out, --plain-static collects
the static files unhashed and uncompressed (Django's StaticFilesStorage). --detail lists the HR dashboard's
requests (size, encoding, whether they had arrived before the first paint), and the lesson's and the quiz's,
of the last run.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._browser import NetworkMeter, Transfer, chromium_path, launch  # noqa: E402

# Playwright's sync API runs an event loop in this thread; the ORM calls made here stay synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SLOW_KBIT = 400
SLOW_LATENCY_MS = 400
TIMEOUT_MS = 300_000
TEXT_BLOCKS = {"heading", "paragraph", "callout", "faq"}
DASHBOARD = "/admin/bao-cao/"
TIMINGS = """() => {
    const navigation = performance.getEntriesByType("navigation")[0];
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    const at = paint ? paint.startTime : null;
    const arrived = performance.getEntriesByType("resource")
        .filter(entry => at !== null && entry.responseEnd <= at).map(entry => entry.name);
    return {load: navigation.loadEventEnd / 1000, paint: at === null ? null : at / 1000,
            before_paint: [navigation.name, ...arrived]};
}"""


def kb(size: float) -> float:
    return round(size / 1024, 1)


class Site:
    """The server's address, the browser, and pages opened as a given person."""

    def __init__(self, url: str, browser):
        self.url = url
        self.browser = browser

    def page_for(self, username: str):
        """A page in a new browser context (empty cache, no service worker) logged in as `username`, with the
        session cookie of a Django test client (the session is in the database the server reads)."""
        from django.conf import settings
        from django.test import Client

        from lms.people.models import User

        client = Client()
        client.force_login(User.objects.get(username=username))
        context = self.browser.new_context(
            viewport={"width": 360, "height": 780}, locale="vi-VN", service_workers="block"
        )
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.url}])
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page

    def slow_meter(self, page) -> NetworkMeter:
        meter = NetworkMeter(page)
        meter.emulate(kbit_per_s=SLOW_KBIT, latency_ms=SLOW_LATENCY_MS)
        return meter


def _loaded(page) -> None:
    page.wait_for_load_state("load")


# Pages: a lesson, a quiz, the HR dashboard.


def _demo_lessons() -> tuple[str, str]:
    """A text-only lesson and a lesson with a quiz of the demo; the learner is enrolled in their courses (the
    quiz block offers its start button to enrolled learners)."""
    from courses.models import CoursePage, LessonPage
    from lms.learning.services import enrolment_create
    from lms.people.models import User

    text = quiz = None
    for lesson in LessonPage.objects.live().order_by("path"):
        kinds = {block.block_type for block in lesson.body}
        if text is None and kinds and kinds <= TEXT_BLOCKS:
            text = lesson
        if quiz is None and "quiz" in kinds:
            quiz = lesson
    assert text and quiz, "the demo has no text lesson or no quiz lesson"
    learner = User.objects.get(username="hocvien")
    for lesson in (text, quiz):  # enrolling again is harmless
        enrolment_create(user=learner, course=CoursePage.objects.ancestor_of(lesson).get())
    return text.get_url(), quiz.get_url()


def _quiz_page(site: Site, lesson_url: str) -> str:
    """The learner starts (or continues) the lesson's quiz on a fast link; the page where it is answered."""
    page = site.page_for("hocvien")
    page.goto(site.url + lesson_url)
    page.locator("form[action*='/bat-dau/'] button, a[href*='/lam-bai/']").first.click()
    page.wait_for_url("**/lam-bai/**")
    url = page.url
    page.context.close()
    return url


def _dashboard_visit(meter: NetworkMeter, url: str) -> tuple[Transfer, dict]:
    transfer, _ = meter.visit(url, ready=_loaded)
    return transfer, meter.page.evaluate(TIMINGS)


def _detail(label: str, transfer: Transfer, before_paint: set[str]) -> None:
    print(f"# {label}: KB, encoding, arrived before the first paint, address")
    for url, size in sorted(transfer.sizes.items(), key=lambda item: -item[1]):
        if url.startswith("data:"):
            continue
        encoding = transfer.encodings.get(url, "?") if size else "cache"
        print(f"#   {kb(size):7.1f}  {encoding:8}  {'yes' if url in before_paint else 'no ':3}  {url}")


def measure_pages(site: Site, detail: bool) -> dict[str, float | str]:
    text_url, quiz_lesson_url = _demo_lessons()
    figures: dict[str, float | str] = {}

    page = site.page_for("hocvien")
    meter = site.slow_meter(page)
    lesson, _ = meter.visit(site.url + text_url, ready=_loaded)
    figures["lesson_kb"] = kb(lesson.total)
    figures["lesson_load_s"] = round(page.evaluate(TIMINGS)["load"], 2)
    page.context.close()

    quiz_url = _quiz_page(site, quiz_lesson_url)
    page = site.page_for("hocvien")
    quiz, _ = site.slow_meter(page).visit(quiz_url, ready=_loaded)
    figures["quiz_kb"] = kb(quiz.total)
    page.context.close()

    page = site.page_for("nhansu")
    meter = site.slow_meter(page)
    first, timings = _dashboard_visit(meter, site.url + DASHBOARD)
    before_paint = {site.url + DASHBOARD, *timings["before_paint"]}
    repeat, _ = _dashboard_visit(meter, site.url + DASHBOARD)
    page.context.close()
    host = urlsplit(site.url).netloc
    static = {value for url, value in first.encodings.items() if "/static/" in url}
    document = next((url for url in first.encodings if "/admin/bao-cao/" in url), "")
    figures.update(
        {
            "hr_dashboard_first_kb": kb(first.total),
            "hr_dashboard_repeat_kb": kb(repeat.total),
            "hr_dashboard_paint_s": round(timings["paint"], 2),
            "hr_dashboard_before_paint_kb": kb(
                sum(size for url, size in first.sizes.items() if url in before_paint)
            ),
            "hr_dashboard_requests": sum(1 for url in first.sizes if not url.startswith("data:")),
            "hr_dashboard_repeat_requests": sum(
                1 for url, size in repeat.sizes.items() if size and not url.startswith("data:")
            ),
            "hr_dashboard_foreign_requests": sum(
                1 for url in first.sizes if url.startswith("http") and urlsplit(url).netloc != host
            ),
            "hr_dashboard_html_encoding": first.encodings.get(document, "?"),
            "hr_dashboard_static_encodings": ",".join(sorted(static)),
        }
    )
    if detail:
        _detail("Text lesson", lesson, set())
        _detail("Quiz", quiz, set())
        _detail("HR dashboard, first visit", first, before_paint)
        _detail("HR dashboard, repeat visit", repeat, set())
    return figures


# The H5P activity.


def _player_ready(page) -> None:
    page.locator("[data-h5p-activity].is-ready").wait_for(state="attached")
    page.frame_locator("iframe.h5p-player").get_by_text("Is this false?").wait_for()


def _h5p_bytes(transfer: Transfer) -> int:
    return sum(size for url, size in transfer.sizes.items() if "/h5p/" in url)


def measure_h5p(site: Site, detail: bool) -> dict[str, float | str]:
    from courses.models import LessonPage
    from lms.learning import services
    from lms.people.models import User

    lesson = LessonPage.objects.get(slug="lam-quen-hoat-dong-tuong-tac")
    learner = User.objects.get(username="hocvien")
    services.enrolment_create(user=learner, course=lesson.get_parent().get_parent().specific)
    url = site.url + lesson.url

    page = site.page_for("hocvien")
    meter = NetworkMeter(page)
    first, _ = meter.visit(url, ready=_player_ready)
    repeat, _ = meter.visit(url, ready=_player_ready)
    page.context.close()

    page = site.page_for("hocvien")
    _, ready_s = site.slow_meter(page).visit(url, ready=_player_ready)
    page.context.close()
    return {
        "h5p_first_kb": kb(_h5p_bytes(first)),
        "h5p_first_requests": sum(1 for u in first.sizes if "/h5p/" in u),
        "h5p_repeat_kb": kb(_h5p_bytes(repeat)),
        "h5p_repeat_requests": sum(1 for u, s in repeat.sizes.items() if "/h5p/" in u and s),
        "h5p_ready_s_400kbps": round(ready_s, 2),
    }


MEASUREMENTS: dict[str, Callable[[Site, bool], dict[str, float | str]]] = {
    "pages": measure_pages,
    "h5p": measure_h5p,
}


# The server.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_environment(args, port: int) -> None:
    work = ROOT / "var" / "bench-weight"
    static = "plain" if args.plain_static else "manifest"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.weight_settings",
            "DATABASE_URL": os.environ.get(
                "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/smartward_bench_weight"
            ),
            "STATIC_ROOT": str(work / f"static-{static}"),
            "MEDIA_ROOT": str(work / "media"),
            "PRIVATE_MEDIA_ROOT": str(work / "private"),
            "BENCH_STATIC": static,
            "BENCH_HTML_GZIP": "0" if args.no_html_gzip else "1",
            "H5P_PLAYER_ORIGIN": "" if args.opaque else f"http://127.0.0.1:{port}",
        }
    )


def build_site():
    """The database with the demo data and the collected static files, in this process; returns the
    database connection."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0)
    return connection


def start_server(port: int, database_name: str) -> subprocess.Popen:
    env = dict(os.environ)
    env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{database_name}"
    env["PYTHONPATH"] = str(ROOT)
    server = subprocess.Popen(  # noqa: S603 — this interpreter's gunicorn
        [sys.executable, "-m", "gunicorn", "lms.wsgi:application", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    for _ in range(180):  # at localhost: 127.0.0.1 is the H5P player's origin, which serves only the player
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/tai-khoan/login/", timeout=5):  # noqa: S310
                return server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise RuntimeError("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=sorted(MEASUREMENTS), action="append")
    parser.add_argument("--detail", action="store_true", help="list the HR dashboard's requests (last run)")
    parser.add_argument("--opaque", action="store_true", help="the H5P player in the opaque sandbox")
    parser.add_argument("--no-html-gzip", action="store_true", help="no HTML compression")
    parser.add_argument("--plain-static", action="store_true", help="static files unhashed, uncompressed")
    args = parser.parse_args()
    if chromium_path() is None:
        sys.exit("Chromium is not installed (CHROMIUM_PATH or /usr/bin/chromium).")

    started = time.perf_counter()
    port = _free_port()
    prepare_environment(args, port)
    connection = build_site()
    server = start_server(port, connection.settings_dict["NAME"])
    from django.db import connections
    from playwright.sync_api import sync_playwright

    results: dict[str, list] = {}
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            site = Site(f"http://localhost:{port}", browser)
            for run in range(args.runs):
                for name in args.only or MEASUREMENTS:
                    last = args.detail and run == args.runs - 1
                    for figure, value in MEASUREMENTS[name](site, last).items():
                        results.setdefault(figure, []).append(value)
            browser.close()
            # Playwright runs this block in a greenlet of its own, so the ORM's connections made in it are
            # its own too: closed here, or the database could not be dropped.
            connections.close_all()
    finally:
        server.terminate()
        server.wait(timeout=30)
        print(f"database: {connection.vendor}")
        print(f"h5p_player_origin: {os.environ['H5P_PLAYER_ORIGIN'] or 'none (opaque sandbox)'}")
        print(f"html_gzip: {os.environ['BENCH_HTML_GZIP'] == '1'}")
        print(f"static: {os.environ['BENCH_STATIC']}")
        print(f"runs: {args.runs}")
        print(f"load_average: {os.getloadavg()[0]:.1f}")
        print(f"total_s: {time.perf_counter() - started:.0f}")
        for figure, values in results.items():
            value = statistics.median(values) if isinstance(values[0], int | float) else values[-1]
            print(f"{figure}: {round(value, 2) if isinstance(value, float) else value}", flush=True)
        drop_database(connection)


def drop_database(connection) -> None:
    """Drop the test database; the server's connections may take a moment to go."""
    name = connection.settings_dict["NAME"]
    connection.close()
    for attempt in range(10):
        try:
            connection.creation.destroy_test_db(name, verbosity=0)
            return
        except Exception:  # noqa: BLE001 — "being accessed by other users": wait and try again
            if attempt == 9:
                raise
            time.sleep(2)


if __name__ == "__main__":
    main()
