"""What a learner's page costs the database: no write on a GET, a fixed number of queries whatever the course
size, within a budget per page (issue 16), and the cached course outline kept true."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page

from courses.models import LessonPage, ModulePage
from lms.compliance.services import assignment_create
from lms.learning import services
from lms.learning.models import Enrolment, LessonCompletion
from lms.quiz import services as quiz_services
from tests.builders import lessons_of, make_course
from tests.org_builders import make_hr, make_official, make_org
from tests.quiz_builders import make_question, make_quiz, quiz_block

# Queries per page for a signed-in learner, cache warm. Each includes the session, the user, Wagtail's site
# and (for pages) routing, view restrictions, and the unread-notification count of the header.
BUDGETS = {
    "catalogue": 12,
    "course": 11,
    "lesson": 9,
    "quiz_lesson": 12,  # 13 before the quizzes passed were read in one query
    "quiz_take": 9,
    "my_learning": 9,  # 7 before issue 17 added where "Tiếp tục khóa học" goes and the certificate links
    "mandatory_training": 9,
}
WRITES = ("INSERT", "UPDATE", "DELETE")


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


def _learner_world(catalogue, *, lessons_per_module: int):
    """A learner of ward A, assigned a course of 5 modules (5 or 50 lessons and a quiz lesson), enrolled, with
    three lessons done and a quiz attempt in progress."""
    org = make_org()
    hr = make_hr(org.ward_a, username=f"hr_{lessons_per_module}")
    person = make_official(org.ward_a).user
    course = make_course(catalogue, modules=5, lessons_per_module=lessons_per_module)
    quiz = make_quiz([make_question("single"), make_question("multiple")], pass_mark=60)
    module = ModulePage.objects.child_of(course).first()
    quiz_lesson = module.add_child(
        instance=LessonPage(title="Kiểm tra", slug="kiem-tra", body=quiz_block(quiz))
    )
    assignment_create(by=hr, course=course, unit=org.ward_a, due_days=30)
    services.enrolment_create(user=person, course=course)
    lessons = [lesson for lesson in lessons_of(course) if lesson.pk != quiz_lesson.pk]
    for lesson in lessons[:3]:
        services.progress_record(user=person, lesson=lesson, source=LessonCompletion.Source.MANUAL)
    attempt = quiz_services.attempt_start(user=person, quiz=quiz, context_page_id=quiz_lesson.pk)
    urls = {
        "catalogue": catalogue.url,
        "course": course.url,
        "lesson": lessons[4].url,
        "quiz_lesson": quiz_lesson.url,
        "quiz_take": reverse("lesson_quiz:take", args=[attempt.pk]),
        "my_learning": reverse("learning:my_learning"),
        "mandatory_training": reverse("compliance:my_training"),
    }
    return person, urls


def test_every_learner_page_costs_the_same_queries_for_5_and_50_lessons_within_its_budget(client, catalogue):
    counts = {}
    for lessons_per_module in (1, 10):
        person, urls = _learner_world(catalogue, lessons_per_module=lessons_per_module)
        client.force_login(person)
        for kind, url in urls.items():
            _queries(client, url)  # warm: caches of the process and the outline
            counts.setdefault(kind, []).append(len(_queries(client, url)))

    assert {kind: pair[0] for kind, pair in counts.items()} == {
        kind: pair[1] for kind, pair in counts.items()
    }
    over = {kind: pair[0] for kind, pair in counts.items() if pair[0] > BUDGETS[kind]}
    assert not over, f"over budget: {over} (budgets {BUDGETS})"


def test_viewing_a_lesson_twice_in_a_row_writes_nothing_the_second_time(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[1]

    first = _queries(learner_client, lesson.url)
    second = _queries(learner_client, lesson.url)

    assert any(sql.startswith("UPDATE") for sql in first)  # the first view is recorded
    assert [sql for sql in second if sql.startswith(WRITES)] == []
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.last_lesson_id == lesson.pk and enrolment.last_activity_at is not None


def test_the_last_lesson_is_recorded_again_after_the_interval(learner_client, learner, course):
    enrolment, _ = services.enrolment_create(user=learner, course=course)
    first, second = lessons_of(course)[:2]
    learner_client.get(first.url)
    learner_client.get(second.url)  # within the interval: not recorded
    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == first.pk
    Enrolment.objects.filter(pk=enrolment.pk).update(
        last_activity_at=enrolment.last_activity_at - services.TOUCH_INTERVAL
    )

    learner_client.get(second.url)

    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == second.pk


def test_a_lesson_published_while_learners_read_the_course_appears_at_once(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]
    learner_client.get(course.url)
    learner_client.get(lesson.url)  # the outline is cached now
    module = ModulePage.objects.child_of(course).first()
    draft = module.add_child(
        instance=LessonPage(
            title="Bài mới CÔNG-BỐ", slug="bai-moi", body=[("paragraph", "<p>Mới</p>")], live=False
        )
    )
    assert "Bài mới CÔNG-BỐ" not in learner_client.get(lesson.url).content.decode()

    draft.save_revision().publish()

    assert "Bài mới CÔNG-BỐ" in learner_client.get(course.url).content.decode()
    assert "Bài mới CÔNG-BỐ" in learner_client.get(lesson.url).content.decode()


def test_an_unpublished_renamed_moved_or_deleted_lesson_changes_the_outline(
    learner_client, learner, catalogue
):
    course = make_course(catalogue, modules=2, lessons_per_module=2)
    other = make_course(catalogue, title="Khóa khác", modules=1, lessons_per_module=1)
    services.enrolment_create(user=learner, course=course)
    services.enrolment_create(user=learner, course=other)
    first, second, third, fourth = lessons_of(course)
    for url in (course.url, other.url):
        learner_client.get(url)

    second.unpublish()
    third.title = "Bài ĐỔI-TÊN"
    third.save_revision().publish()
    fourth.move(ModulePage.objects.child_of(other).first(), pos="last-child")
    html = learner_client.get(course.url).content.decode()
    assert first.title in html and second.title not in html and "Bài ĐỔI-TÊN" in html
    assert fourth.title not in html
    assert fourth.title in learner_client.get(other.url).content.decode()

    Page.objects.get(pk=first.pk).delete()
    assert first.title not in learner_client.get(course.url).content.decode()


@pytest.fixture
def unreachable_cache(settings):
    """A Redis nobody listens on (port 1 refuses at once), through the production cache backend."""
    settings.CACHES = {
        "default": {
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_pages_are_served_when_the_cache_is_down(unreachable_cache, learner_client, learner, catalogue):
    course = make_course(catalogue)
    services.enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[1]

    for url in (catalogue.url, course.url, lesson.url, lesson.url, reverse("learning:my_learning")):
        response = learner_client.get(url)
        assert response.status_code == 200, url
    html = learner_client.get(course.url).content.decode()
    assert all(item.title in html for item in lessons_of(course))
