"""What a lesson, a quiz and the HR dashboard weigh on a slow link, measured in Chromium (issue 14).

Usage: .venv/bin/python bench/weight_pages.py [--runs 3] [--port 8765] [--before] [--plain-static] [--detail]

Builds a throw-away PostgreSQL database (DATABASE_URL, default smartward_bench_weight on 127.0.0.1; Django's
test-database name, test_…, is what is created and dropped) with the demo data (`load_demo`), collects the
static files the way production does (bench/weight_pages_settings.py: production's settings, WhiteNoise,
CompressedManifestStaticFilesStorage) into var/bench-weight/, and serves the site with gunicorn (2 workers,
DEBUG off) on 127.0.0.1 over plain HTTP/1.1. Chromium (Playwright, /usr/bin/chromium) then opens each page
with the network emulated through CDP: 400 kbit/s down and up, 400 ms latency.

- lesson_kb, lesson_load_s: a text lesson of the demo course for its learner, cold cache; bytes received
  (headers included, CDP encodedDataLength) until the network is idle, and the load event.
- quiz_kb: the page where the learner answers the quiz of a demo lesson (the attempt started first), cold
  cache.
- hr_dashboard_first_kb, hr_dashboard_paint_s: the city HR manager's dashboard (/admin/bao-cao/), cold
  cache (emptied after logging in), and its first contentful paint.
- hr_dashboard_repeat_kb: the same page opened again later in the same browser (warm cache).

Medians of --runs runs, each in a fresh browser context. The "before" switches: --before takes the HTML
compression out and serves Wagtail's icon sprite uncached (as before issue 14; --no-html-gzip only the
former), --plain-static collects the static files unhashed and uncompressed (no manifest).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KBIT = 1000 / 8  # bytes a second in one kbit/s
NETWORK = {"offline": False, "latency": 400, "downloadThroughput": 400 * KBIT, "uploadThroughput": 400 * KBIT}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
TIMINGS = """() => {
    const navigation = performance.getEntriesByType("navigation")[0];
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    return {load: navigation.loadEventEnd / 1000, paint: paint ? paint.startTime / 1000 : null};
}"""


def prepare_environment(args) -> Path:
    work = ROOT / "var" / "bench-weight"
    static = "plain" if args.plain_static else "manifest"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.weight_pages_settings",
            "DATABASE_URL": os.environ.get(
                "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/smartward_bench_weight"
            ),
            "STATIC_ROOT": str(work / f"static-{static}"),
            "MEDIA_ROOT": str(work / "media"),
            "PRIVATE_MEDIA_ROOT": str(work / "private"),
            "BENCH_STATIC": static,
            "BENCH_HTML_GZIP": "0" if args.no_html_gzip or args.before else "1",
            "BENCH_SPRITE_CACHE": "0" if args.before else "1",
        }
    )
    return work


def build_site():
    """The database and the demo data, in this process; returns the database connection."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", interactive=False, verbosity=0)
    return connection


def pick_lessons(username: str) -> tuple[str, str]:
    """A text-only lesson (no quiz, H5P or video) and a lesson with a quiz, from the demo; the learner is
    enrolled in their courses (the quiz block offers its start button to enrolled learners)."""
    from courses.models import CoursePage, LessonPage
    from lms.learning.services import enrolment_create
    from lms.people.models import User

    text = quiz = None
    learner = User.objects.get(username=username)
    for lesson in LessonPage.objects.live().order_by("path"):
        kinds = {block.block_type for block in lesson.body}
        if text is None and kinds and kinds <= {"heading", "paragraph", "callout", "faq", "image"}:
            text = lesson
        if quiz is None and "quiz" in kinds:
            quiz = lesson
    assert text and quiz, "the demo has no text lesson or no quiz lesson"
    for lesson in (text, quiz):
        enrolment_create(user=learner, course=CoursePage.objects.ancestor_of(lesson).get())
    return text.get_url(), quiz.get_url()


def start_server(port: int, database_name: str) -> subprocess.Popen:
    env = dict(os.environ)
    url = env["DATABASE_URL"].rsplit("/", 1)[0]
    env["DATABASE_URL"] = f"{url}/{database_name}"
    env["PYTHONPATH"] = str(ROOT)
    server = subprocess.Popen(  # noqa: S603 — our own interpreter's gunicorn
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "lms.wsgi:application", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/tai-khoan/login/", timeout=5):  # noqa: S310
                return server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise RuntimeError("gunicorn did not answer")


class Visit:
    """One page opened in a context with the slow network; bytes received and the encodings seen."""

    def __init__(self, context, url: str):
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        received: dict[str, int] = {}
        self.encodings: dict[str, str] = {}
        self.urls: dict[str, str] = {}
        self.document_encoding = "?"
        cdp.on(
            "Network.loadingFinished",
            lambda event: received.__setitem__(event["requestId"], event["encodedDataLength"]),
        )
        cdp.on("Network.responseReceived", self._response)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        page.goto(url, wait_until="load", timeout=300_000)
        page.wait_for_load_state("networkidle", timeout=300_000)
        self.timings = page.evaluate(TIMINGS)
        self.kb = sum(received.values()) / 1024
        self.sizes = sorted(((size, self.urls.get(key, key)) for key, size in received.items()), reverse=True)
        self.requests = len(received)
        page.close()

    def _response(self, event) -> None:
        response = event["response"]
        headers = {name.lower(): value for name, value in response.get("headers", {}).items()}
        self.urls[event["requestId"]] = response["url"]
        if event.get("type") == "Document":
            self.document_encoding = headers.get("content-encoding", "identity")
        if not response.get("fromDiskCache") and not response.get("fromServiceWorker"):
            self.encodings[response["url"]] = headers.get("content-encoding", "identity")


def log_in(browser, base: str, username: str, password: str):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN")
    page = context.new_page()
    page.goto(base + "/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/tai-khoan/login/" not in url)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.clearBrowserCache")  # the first visit starts from an empty cache
    page.close()
    return context


def start_quiz(context, base: str, lesson_url: str) -> str:
    """The learner starts (or continues) the lesson's quiz on the fast network; returns the page where it is
    answered."""
    page = context.new_page()
    page.goto(base + lesson_url)
    page.locator("form[action*='/bat-dau/'] button, a[href*='/lam-bai/']").first.click()  # or continue it
    page.wait_for_url("**/lam-bai/**")
    url = page.url
    context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.close()
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-html-gzip", action="store_true")
    parser.add_argument("--plain-static", action="store_true")
    parser.add_argument("--before", action="store_true", help="no HTML gzip, sprite uncached")
    parser.add_argument("--detail", action="store_true", help="list the HR dashboard's requests (last run)")
    args = parser.parse_args()
    prepare_environment(args)

    started = time.perf_counter()
    connection = build_site()
    from lms.demo.accounts import DEMO_PASSWORD

    text_url, quiz_url = pick_lessons("hocvien")
    server = start_server(args.port, connection.settings_dict["NAME"])
    base = f"http://127.0.0.1:{args.port}"
    figures: dict[str, list[float]] = {}
    encodings: dict[str, str] = {}
    html_encoding = "?"

    def add(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            for _ in range(args.runs):
                learner = log_in(browser, base, "hocvien", DEMO_PASSWORD)
                lesson = Visit(learner, base + text_url)
                add("lesson_kb", lesson.kb)
                add("lesson_load_s", lesson.timings["load"])
                learner.close()
                learner = log_in(browser, base, "hocvien", DEMO_PASSWORD)
                add("quiz_kb", Visit(learner, start_quiz(learner, base, quiz_url)).kb)
                learner.close()

                hr = log_in(browser, base, "nhansu", DEMO_PASSWORD)
                first = Visit(hr, base + "/admin/bao-cao/")
                add("hr_dashboard_first_kb", first.kb)
                add("hr_dashboard_paint_s", first.timings["paint"])
                add("hr_dashboard_requests", first.requests)
                encodings.update(first.encodings)
                html_encoding = first.document_encoding
                repeat = Visit(hr, base + "/admin/bao-cao/")
                add("hr_dashboard_repeat_kb", repeat.kb)
                add("hr_dashboard_repeat_requests", repeat.requests)
                hr.close()
                if args.detail:
                    for visit in (first, repeat):
                        for size, url in visit.sizes:
                            print(f"  {size / 1024:8.1f} KB  {visit.encodings.get(url, 'cache')}  {url}")
                        print()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)

    scripts = sorted({value for url, value in encodings.items() if ".js" in url})
    print(f"html_gzip: {os.environ['BENCH_HTML_GZIP'] == '1'}")
    print(f"static: {os.environ['BENCH_STATIC']}")
    print(f"sprite_cached: {os.environ['BENCH_SPRITE_CACHE'] == '1'}")
    print(f"hr_dashboard_html_encoding: {html_encoding}")
    print(f"hr_dashboard_script_encodings: {','.join(scripts)}")
    print(f"runs: {args.runs}")
    print(f"load_average: {os.getloadavg()[0]:.1f}")
    print(f"total_s: {time.perf_counter() - started:.0f}")
    for name in ("lesson_kb", "lesson_load_s", "quiz_kb", "hr_dashboard_first_kb", "hr_dashboard_repeat_kb"):
        print(f"{name}: {statistics.median(figures[name]):.1f}")
    print(f"hr_dashboard_paint_s: {statistics.median(figures['hr_dashboard_paint_s']):.1f}")
    print(f"hr_dashboard_requests: {statistics.median(figures['hr_dashboard_requests']):.0f}")
    print(f"hr_dashboard_repeat_requests: {statistics.median(figures['hr_dashboard_repeat_requests']):.0f}")


if __name__ == "__main__":
    main()
