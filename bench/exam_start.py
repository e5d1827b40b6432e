"""The exam morning's start for one official, in this process: what the three requests of a start cost.

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smartward_bench_start REDIS_URL=redis://127.0.0.1:6379/9 \
    .venv/bin/python bench/exam_start.py [--officials 200] [--profile]

Builds bench/exam.py's exam (a 16-question single-choice quiz, all questions on one page, answers shown at the
end, 45 minutes) on a throw-away test database, with bench/pages_settings.py (on PostgreSQL production's
settings: DEBUG off, the cached template loader, WhiteNoise and the static files' manifest, the Redis cache of
REDIS_URL, emptied first: give the bench a Redis database of its own). Each official starts once, as in
bench/exam.py: the exam lesson page, the POST "Start the quiz" (`lesson_quiz:start`), the quiz page
(`lesson_quiz:take`, all 16 questions). Django's test client, logged in with `force_login`.

Prints, over the first half of the officials (medians): exam_lesson_page_ms and _queries, quiz_start_ms,
quiz_start_queries, quiz_page_ms, quiz_page_queries; over the second half: exam_start_cpu_ms, the CPU of the
three requests together per official (this process's and its PostgreSQL backend's, bench/reports.py's
`cpu_ms`; the mean, the backend's CPU being counted in clock ticks), and python_cpu_ms_by_request (this
process's CPU of each request, medians). With --profile, a cProfile of the three
requests of 50 more officials (by own time and cumulative) goes to stderr.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.pages_settings")
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ.setdefault("STATIC_ROOT", str(ROOT / "var" / "bench-pages" / "static"))

from bench._django import setup_test_database  # noqa: E402

FIGURES = ("lesson", "start", "page")


def start_one(client, lesson_url: str, start_url: str) -> dict:
    """One official's start: the lesson page, the start, the quiz page. Times in ms, queries counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figures = {}
    with CaptureQueriesContext(connection) as queries:
        begin, cpu = time.perf_counter(), time.process_time()
        response = client.get(lesson_url)
        figures["lesson_ms"] = (time.perf_counter() - begin) * 1000
        figures["lesson_cpu"] = (time.process_time() - cpu) * 1000
    figures["lesson_queries"] = len(queries)
    assert response.status_code == 200, response.status_code
    assert start_url.encode() in response.content, "the lesson page offers no start"
    with CaptureQueriesContext(connection) as queries:
        begin, cpu = time.perf_counter(), time.process_time()
        response = client.post(start_url)
        figures["start_ms"] = (time.perf_counter() - begin) * 1000
        figures["start_cpu"] = (time.process_time() - cpu) * 1000
    figures["start_queries"] = len(queries)
    assert response.status_code == 302, response.status_code
    take_url = response["Location"]
    with CaptureQueriesContext(connection) as queries:
        begin, cpu = time.perf_counter(), time.process_time()
        response = client.get(take_url)
        figures["page_ms"] = (time.perf_counter() - begin) * 1000
        figures["page_cpu"] = (time.process_time() - cpu) * 1000
    figures["page_queries"] = len(queries)
    assert response.status_code == 200, response.status_code
    assert response.content.count(b'name="choice"') == 16 * 4, "the quiz page lacks questions"
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--officials", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    connection = setup_test_database()
    from django.template import Template
    from django.test.utils import _TestState

    # Templates rendered as in production: the test environment's instrumented rendering sends a signal per
    # template that the test client answers by copying the context (16 included question forms here).
    Template._render = _TestState.saved_data.template_render
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from bench.exam import exam_build
    from bench.reports import cpu_ms
    from courses.models import LessonPage
    from lms.people.models import User

    cache.clear()
    if os.environ.get("STATIC_ROOT"):
        call_command("collectstatic", interactive=False, verbosity=0)
    extra = 50 if args.profile else 0
    plan = exam_build(users=args.officials + extra + 5)
    lesson = LessonPage.objects.get(slug="bai-kiem-tra")
    start_url = reverse("lesson_quiz:start", args=[lesson.pk, plan["quiz"]])
    officials = list(User.objects.filter(username__in=plan["usernames"]).order_by("username"))

    shared = Client()

    def client_for(user):
        client = Client()
        # One handler for all, as one server process: a new handler loads the middleware again (WhiteNoise
        # scans the static files then, most of a second).
        client.handler = shared.handler
        client.force_login(user)
        return client

    clients = [client_for(user) for user in officials]
    for client in clients[:5]:  # warm-up: templates, content types, the course outline in the cache
        start_one(client, plan["lesson_url"], start_url)
    clients = clients[5:]
    half = args.officials // 2
    timed = [start_one(client, plan["lesson_url"], start_url) for client in clients[:half]]
    remaining = iter(clients[half : args.officials])
    cpu = cpu_ms(lambda: start_one(next(remaining), plan["lesson_url"], start_url), args.officials - half)

    print(f"database: {connection.vendor}")
    print(f"officials_measured: {len(timed)} + {args.officials - half}")
    print(f"exam_lesson_page_ms: {statistics.median(f['lesson_ms'] for f in timed):.1f}")
    print(f"exam_lesson_page_queries: {max(f['lesson_queries'] for f in timed)}")
    print(f"quiz_start_ms: {statistics.median(f['start_ms'] for f in timed):.1f}")
    print(f"quiz_start_queries: {max(f['start_queries'] for f in timed)}")
    print(f"quiz_page_ms: {statistics.median(f['page_ms'] for f in timed):.1f}")
    print(f"quiz_page_queries: {max(f['page_queries'] for f in timed)}")
    print(f"exam_start_cpu_ms: {cpu:.1f}")
    shares = ", ".join(f"{name} {statistics.median(f[name + '_cpu'] for f in timed):.1f}" for name in FIGURES)
    print(f"python_cpu_ms_by_request: {shares}")
    if args.profile:
        profile = cProfile.Profile()
        for client in clients[args.officials :]:
            profile.runcall(start_one, client, plan["lesson_url"], start_url)
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(60)
        print(out.getvalue(), file=sys.stderr)
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
