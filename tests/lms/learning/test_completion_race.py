"""Two progress events of one person completing the last two lessons of a course at the same moment (two
tabs, an H5P result beside a quiz), on PostgreSQL: the course is completed once, never missed."""

import threading

import pytest
from django.db import close_old_connections, connection

from lms.learning import services
from lms.learning.models import Enrolment, LessonCompletion
from tests.builders import UserFactory, lessons_of, make_course, wagtail_root_ensure

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent requests need row locks: run with DATABASE_URL=postgres://… to check them.")
    wagtail_root_ensure()  # an earlier transactional test flushed the database, Wagtail's root page with it


def test_the_last_two_lessons_completed_at_once_complete_the_course(catalogue, monkeypatch):
    course = make_course(catalogue, modules=1, lessons_per_module=2)
    first, second = lessons_of(course)
    learner = UserFactory(username="hai_the")
    services.enrolment_create(user=learner, course=course)
    # Both events have inserted their lesson (uncommitted) before either checks the course.
    inserted = threading.Barrier(2, timeout=30)
    check = services._course_complete_if_done

    def check_after_both(*, enrolment):
        inserted.wait()
        return check(enrolment=enrolment)

    monkeypatch.setattr(services, "_course_complete_if_done", check_after_both)
    outcomes = []

    def complete(lesson):
        try:
            outcomes.append(services.progress_record(user=learner, lesson=lesson, source="manual"))
        except Exception as error:  # noqa: BLE001 — shown by the assertion below
            outcomes.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=complete, args=(lesson,)) for lesson in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(not isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert sorted(outcome.course_newly_completed for outcome in outcomes) == [False, True]
    assert LessonCompletion.objects.filter(enrolment__user=learner).count() == 2
    assert Enrolment.objects.get(user=learner, course=course).completed_at is not None
