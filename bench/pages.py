"""Server time of a lesson page against the framework's floor and the site's own floor, side by side.

Usage: .venv/bin/python bench/pages.py [--requests 200] [--wrk [--seconds 20] [--port 8766]]

Uses a throw-away test database (SQLite by default; PostgreSQL when DATABASE_URL names it) with the demo data
(`load_demo`) and bench/pages_settings.py: on PostgreSQL production's settings (DEBUG off, WhiteNoise and the
static files' manifest, collected into var/bench-pages/), with the Redis cache of REDIS_URL when it is set
(emptied first: give the bench a Redis database of its own).
The demo learner is enrolled in the demo course and has done three lessons; the lesson measured is a text
lesson in the middle of the course. Three pages carry the same text:

- lesson_page_ms: that lesson (the site's header, outline, progress, navigation);
- floor_page_ms: an InfoPage in the site's base template (header and footer, no course);
- bare_wagtail_page_ms: a page of bench/barepage (a rich-text field, a minimal template): Wagtail's floor.

Medians of --requests requests each, in this process (Django's test client), measured in turns (lesson,
floor, bare, lesson, …) so that the load of the machine weighs on all three alike; then lesson_to_floor_ratio
and lesson_to_bare_ratio.

With --wrk (PostgreSQL only): gunicorn with 2 sync workers serves the same database, and wrk
(/usr/bin/wrk, 2 threads, 16 connections, the learner's session cookie) loads the lesson and the bare page
in turns, --seconds in all for each, in two halves: lesson_rps, bare_rps, lesson_to_bare_rps_ratio (and
non_2xx, which must be 0).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.pages_settings")
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ.setdefault("STATIC_ROOT", str(ROOT / "var" / "bench-pages" / "static"))

from bench._django import setup_test_database  # noqa: E402

WRK = "/usr/bin/wrk"


def timed_ms(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def medians_ms(client, urls: dict[str, str], requests: int) -> dict[str, float]:
    for url in urls.values():
        for _ in range(5):  # warm caches (templates, content types, site root paths, the course outline)
            timed_ms(client, url)
    timings: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(requests):
        for name, url in urls.items():
            timings[name].append(timed_ms(client, url))
    return {name: statistics.median(values) for name, values in timings.items()}


def build_pages():
    """The demo, the learner's progress, and the floor pages carrying the lesson's text."""
    from django.core.cache import cache
    from django.core.management import call_command

    from bench.barepage.models import BarePage
    from courses.models import CourseIndexPage, CoursePage, InfoPage, LessonPage
    from lms.learning import services
    from lms.people.models import User

    cache.clear()  # nothing kept from an earlier run's database (give the bench a Redis database of its own)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    if os.environ.get("STATIC_ROOT"):
        call_command("collectstatic", interactive=False, verbosity=0)
    course = CoursePage.objects.get(slug="chuyen-doi-so-cho-can-bo-phuong-xa")
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    text_lessons = [
        lesson
        for lesson in lessons
        if {block.block_type for block in lesson.body} <= {"heading", "paragraph", "callout", "faq"}
    ]
    lesson = text_lessons[len(text_lessons) // 2]
    learner = User.objects.get(username="hocvien")
    services.enrolment_create(user=learner, course=course)
    for done in lessons[:3]:
        if done.pk != lesson.pk:
            services.progress_record(user=learner, lesson=done, source="manual")
    catalogue = CourseIndexPage.objects.get(pk=course.get_parent().pk)
    text = str(lesson.body.render_as_block())
    floor = catalogue.add_child(instance=InfoPage(title=lesson.title, slug="bench-floor", body=text))
    bare = catalogue.add_child(instance=BarePage(title=lesson.title, slug="bench-bare", body=text))
    return learner, len(lessons), {"lesson": lesson.url, "floor": floor.url, "bare": bare.url}


def start_server(port: int, database_name: str) -> subprocess.Popen:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"{env['DATABASE_URL'].rsplit('/', 1)[0]}/{database_name}"
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


def wrk(url: str, cookie: str, seconds: int) -> tuple[float, int]:
    """Requests a second, and responses that were not 2xx/3xx."""
    result = subprocess.run(  # noqa: S603 — the system's wrk
        [WRK, "-t2", "-c16", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", result.stdout)
    return rps, int(errors.group(1)) if errors else 0


def load_figures(*, learner, urls: dict[str, str], port: int, seconds: int, database_name: str) -> dict:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(learner)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    server = start_server(port, database_name)
    base = f"http://127.0.0.1:{port}"
    rps: dict[str, list[float]] = {"lesson": [], "bare": []}
    non_2xx = 0
    try:
        for name in rps:
            wrk(base + urls[name], cookie, 3)  # warm both workers
        for _ in range(2):  # in turns, so that the machine's load weighs on both alike
            for name in rps:
                value, errors = wrk(base + urls[name], cookie, max(1, seconds // 2))
                rps[name].append(value)
                non_2xx += errors
    finally:
        server.terminate()
        server.wait(timeout=30)
    lesson, bare = statistics.mean(rps["lesson"]), statistics.mean(rps["bare"])
    return {"lesson_rps": lesson, "bare_rps": bare, "ratio": lesson / bare, "non_2xx": non_2xx}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--wrk", action="store_true", help="also load the pages under gunicorn with wrk")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    connection = setup_test_database()
    if args.wrk and connection.vendor != "postgresql":
        raise SystemExit("--wrk needs DATABASE_URL naming PostgreSQL")
    from django.test import Client

    try:
        learner, lesson_count, urls = build_pages()
        client = Client()
        client.force_login(learner)
        ms = medians_ms(client, urls, args.requests)
        load = None
        if args.wrk:
            load = load_figures(
                learner=learner,
                urls=urls,
                port=args.port,
                seconds=args.seconds,
                database_name=connection.settings_dict["NAME"],
            )
    finally:
        connection.close()
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)

    print(f"database: {connection.vendor}")
    print(f"lessons_in_course: {lesson_count}")
    print(f"requests_per_page: {args.requests}")
    print(f"load_average: {os.getloadavg()[0]:.1f}")
    print(f"bare_wagtail_page_ms: {ms['bare']:.2f}")
    print(f"floor_page_ms: {ms['floor']:.2f}")
    print(f"lesson_page_ms: {ms['lesson']:.2f}")
    print(f"lesson_to_floor_ratio: {ms['lesson'] / ms['floor']:.2f}")
    print(f"lesson_to_bare_ratio: {ms['lesson'] / ms['bare']:.2f}")
    if load is not None:
        print(f"lesson_rps: {load['lesson_rps']:.1f}")
        print(f"bare_rps: {load['bare_rps']:.1f}")
        print(f"lesson_to_bare_rps_ratio: {load['ratio']:.2f}")
        print(f"non_2xx: {load['non_2xx']}")


if __name__ == "__main__":
    main()
