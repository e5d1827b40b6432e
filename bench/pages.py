"""Server time of a lesson page against a bare Wagtail page carrying the same text.

Usage: .venv/bin/python bench/pages.py [--requests 200]
Uses a throw-away test database (SQLite by default; PostgreSQL when DATABASE_URL names it).
Prints lesson_page_ms, floor_page_ms and lesson_to_floor_ratio (medians, in-process Django client).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._django import setup_test_database  # noqa: E402


def median_ms(client, url: str, requests: int) -> float:
    for _ in range(5):  # warm caches (templates, content types, site root paths)
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    connection = setup_test_database()
    from django.core.management import call_command
    from django.test import Client

    from courses.models import CourseIndexPage, CoursePage, InfoPage, LessonPage
    from lms.learning import services
    from lms.people.models import User

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    course = CoursePage.objects.get(slug="chuyen-doi-so-cho-can-bo-phuong-xa")
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    lesson = lessons[len(lessons) // 2]
    learner = User.objects.get(username="hocvien")
    services.enrolment_create(user=learner, course=course)
    for done in lessons[:3]:
        services.progress_record(user=learner, lesson=done, source="manual")

    catalogue = CourseIndexPage.objects.get(pk=course.get_parent().pk)
    floor = catalogue.add_child(
        instance=InfoPage(title=lesson.title, slug="bench-floor", body=str(lesson.body.render_as_block()))
    )

    client = Client()
    client.force_login(learner)
    lesson_ms = median_ms(client, lesson.url, args.requests)
    floor_ms = median_ms(client, floor.url, args.requests)

    print(f"database: {connection.vendor}")
    print(f"lessons_in_course: {len(lessons)}")
    print(f"requests_per_page: {args.requests}")
    print(f"lesson_page_ms: {lesson_ms:.2f}")
    print(f"floor_page_ms: {floor_ms:.2f}")
    print(f"lesson_to_floor_ratio: {lesson_ms / floor_ms:.2f}")
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
