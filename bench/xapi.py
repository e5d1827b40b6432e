"""Server time and SQL queries of recording one xAPI statement that completes an H5P activity used in 40
lessons of a course, so the completion cascade (40 lesson completions and the course) runs every time.

Usage: .venv/bin/python bench/xapi.py [--lessons 40] [--requests 200]
Uses a throw-away test database (SQLite by default; PostgreSQL when DATABASE_URL names it).
Prints xapi_record_ms (median, through the real view and the in-process client) and xapi_record_queries,
and the query count with a quarter of the lessons, to show that it does not grow with them.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._django import setup_test_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lessons", type=int, default=40)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    connection = setup_test_database()
    from django.db import connection as db
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from courses.models import LessonPage, ModulePage
    from lms.h5p.models import Result
    from lms.learning.models import Enrolment, LessonCompletion
    from lms.learning.services import enrolment_create
    from lms.people.models import User
    from tests.builders import make_catalogue, make_course
    from tests.h5p_builders import h5p_block, make_activity, statement

    catalogue = make_catalogue()
    learner = User.objects.create_user(username="hocvien_bench")
    client = Client()
    client.force_login(learner)

    def course_with(lessons: int):
        activity = make_activity()
        course = make_course(catalogue, modules=4, lessons_per_module=0)
        modules = list(ModulePage.objects.child_of(course))
        first = None
        for n in range(lessons):
            lesson = modules[n % len(modules)].add_child(
                instance=LessonPage(title=f"Hoạt động {n + 1}", slug=f"hd-{n + 1}", body=h5p_block(activity))
            )
            first = first or lesson
        enrolment, _ = enrolment_create(user=learner, course=course)
        return activity, first, enrolment

    def record(activity, lesson) -> dict:
        body = {
            "lesson": lesson.pk,
            "activity": activity.pk,
            "version": activity.current_version_id,
            "statement": statement(),
        }
        response = client.post(reverse("lesson_h5p:xapi"), json.dumps(body), content_type="application/json")
        assert response.status_code == 200, response.content
        return response.json()

    def reset(enrolment) -> None:
        Result.objects.filter(user=learner).delete()
        LessonCompletion.objects.filter(enrolment=enrolment).delete()
        Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=None)

    def queries_for(activity, lesson, enrolment) -> int:
        reset(enrolment)
        with CaptureQueriesContext(db) as queries:
            assert record(activity, lesson)["course_completed"]
        return len(queries)

    quarter = course_with(max(1, args.lessons // 4))
    full = course_with(args.lessons)
    activity, lesson, enrolment = full
    for _ in range(5):
        reset(enrolment)
        record(activity, lesson)
    full_queries = queries_for(*full)
    quarter_queries = queries_for(*quarter)
    timings = []
    for _ in range(args.requests):
        reset(enrolment)
        start = time.perf_counter()
        done = record(activity, lesson)
        timings.append((time.perf_counter() - start) * 1000)
        assert done["course_completed"]
    assert LessonCompletion.objects.filter(enrolment=enrolment).count() == args.lessons

    print(f"database: {connection.vendor}")
    print(f"lessons_using_activity: {args.lessons}")
    print(f"xapi_record_ms: {statistics.median(timings):.2f}")
    print(f"xapi_record_queries: {full_queries}")
    print(f"xapi_record_queries_{max(1, args.lessons // 4)}_lessons: {quarter_queries}")
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
