"""Server time and SQL queries of recording one xAPI statement, through the real view and the in-process
client, for an H5P activity used in 40 lessons of a course:

- a statement that completes nothing (the activity played again once its lessons and the course are complete:
  the result is updated and the lessons are checked, nothing new is completed): xapi_record_queries and
  xapi_record_ms;
- a statement that completes the 40 lessons and the course: xapi_complete_course_queries and
  xapi_complete_course_ms. What follows a completion (certificate, mandatory training, notifications) runs
  after the commit in a Celery task; the task's own queries are counted apart (xapi_after_commit_queries,
  run eagerly here, in a worker in production) and left out of the request's figures, as are those of the
  skills recomputation that every result queues after its commit (lms.skills).

Both counts are measured again with a quarter of the lessons (…_10_lessons) and must be the same: the count
does not grow with the number of lessons (xapi_constant_in_lessons: yes).

Usage: .venv/bin/python bench/xapi.py [--lessons 40] [--requests 200]
Uses a throw-away test database (SQLite by default; PostgreSQL when DATABASE_URL names it).
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
    from celery.signals import task_postrun, task_prerun
    from django.db import connection as db
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from courses.models import LessonPage, ModulePage
    from lms.certificates.models import Certificate
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

    # The after-commit task runs eagerly in this process (test settings): note where its queries and its time
    # begin and end, so that they can be told apart from the request's.
    task_marks: list[tuple[int, float]] = []

    task_names: list[str] = []

    def mark(sender=None, **_kwargs):
        task_marks.append((len(db.queries_log), time.perf_counter()))
        task_names.append(getattr(sender, "name", "?"))

    task_prerun.connect(mark, weak=False)
    task_postrun.connect(mark, weak=False)

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
        Result.objects.filter(user=learner, activity__in=[a for a, _l, _e in (quarter, full)]).delete()
        LessonCompletion.objects.filter(enrolment=enrolment).delete()
        Certificate.objects.filter(user=learner, course_id=enrolment.course_id).delete()
        Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=None, completion_announced_at=None)

    def measured(activity, lesson, *, completes: bool) -> tuple[int, int, float]:
        """(the request's queries, the after-commit task's queries, the request's ms without the task)."""
        task_marks.clear()
        task_names.clear()
        db.queries_log.clear()  # a bounded deque: counting by its length needs room
        with CaptureQueriesContext(db) as queries:
            start = time.perf_counter()
            done = record(activity, lesson)
            elapsed = time.perf_counter() - start
        assert done["course_completed"] is completes, done
        assert done["lesson_completed"], done
        task_queries, task_seconds = 0, 0.0
        if task_marks:  # the tasks queued after the commit (and those they queue after theirs, inside them)
            (q0, t0), (q1, t1) = task_marks[0], task_marks[-1]
            task_queries, task_seconds = q1 - q0, t1 - t0
        # The completion's announcement runs only when the course completes; the skills recomputation (the
        # result is evidence, issue 18) runs after every statement, in a worker too.
        assert ("learning.course_completion_announce" in task_names) is completes, task_names
        return len(queries) - task_queries, task_queries, (elapsed - task_seconds) * 1000

    def complete_course(case) -> tuple[int, int, float]:
        activity, lesson, enrolment = case
        reset(enrolment)
        figures = measured(activity, lesson, completes=True)
        assert Certificate.objects.filter(user=learner, course_id=enrolment.course_id).count() == 1
        return figures

    def record_nothing_new(case) -> tuple[int, int, float]:
        activity, lesson, _enrolment = case
        return measured(activity, lesson, completes=False)

    quarter = course_with(max(1, args.lessons // 4))
    full = course_with(args.lessons)
    for _ in range(5):
        complete_course(full)
    full_complete, after_commit, _ms = complete_course(full)
    full_nothing = record_nothing_new(full)[0]
    quarter_complete = complete_course(quarter)[0]
    quarter_nothing = record_nothing_new(quarter)[0]
    complete_ms, nothing_ms = [], []
    for _ in range(args.requests):
        complete_ms.append(complete_course(full)[2])
        nothing_ms.append(record_nothing_new(full)[2])
    assert LessonCompletion.objects.filter(enrolment=full[2]).count() == args.lessons

    small = max(1, args.lessons // 4)
    print(f"database: {connection.vendor}")
    print(f"lessons_using_activity: {args.lessons}")
    print(f"xapi_record_ms: {statistics.median(nothing_ms):.2f}")
    print(f"xapi_record_queries: {full_nothing}")
    print(f"xapi_record_queries_{small}_lessons: {quarter_nothing}")
    print(f"xapi_complete_course_ms: {statistics.median(complete_ms):.2f}")
    print(f"xapi_complete_course_queries: {full_complete}")
    print(f"xapi_complete_course_queries_{small}_lessons: {quarter_complete}")
    print(f"xapi_after_commit_queries: {after_commit}")
    constant = full_nothing == quarter_nothing and full_complete == quarter_complete
    print(f"xapi_constant_in_lessons: {'yes' if constant else 'no'}")
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
