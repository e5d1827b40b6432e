import re

import pytest
from django.urls import reverse

from lms.learning import services
from lms.learning.models import Enrolment, LessonCompletion
from tests.builders import lessons_of, make_course


def enrol_url(course):
    return reverse("learning:enrol", args=[course.pk])


def complete_url(lesson):
    return reverse("learning:lesson_complete", args=[lesson.pk])


def test_enrol_by_post_creates_one_enrolment_and_returns_to_the_course(learner_client, learner, course):
    first = learner_client.post(enrol_url(course))
    second = learner_client.post(enrol_url(course), follow=True)

    assert first.status_code == 302
    assert first["Location"] == course.url
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1
    assert "Bạn đã ghi danh khóa học này rồi." in second.content.decode()


def test_enrol_by_get_is_refused_with_a_vietnamese_explanation(learner_client, course):
    response = learner_client.get(enrol_url(course))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "chỉ nhận dữ liệu gửi từ biểu mẫu" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_enrol_requires_login(client, course):
    response = client.post(enrol_url(course))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not Enrolment.objects.exists()


def test_enrol_checks_csrf(learner, course):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(learner)

    response = csrf_client.post(enrol_url(course))

    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_enrol_in_an_unpublished_course_is_a_clear_404(learner_client, course):
    course.unpublish()

    response = learner_client.post(enrol_url(course))

    assert response.status_code == 404
    assert "không tồn tại hoặc chưa được xuất bản" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_enrol_in_a_page_that_is_not_a_course_is_a_clear_404(learner_client, course):
    lesson = lessons_of(course)[0]

    response = learner_client.post(enrol_url(lesson))

    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_enrol_in_a_deleted_course_is_a_clear_404(learner_client, course):
    url = enrol_url(course)
    course.delete()

    response = learner_client.post(url)

    assert response.status_code == 404


def test_mark_complete_moves_on_to_the_next_lesson(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    first, second = lessons_of(course)[:2]

    response = learner_client.post(complete_url(first))

    assert response.status_code == 302
    assert response["Location"] == second.url
    assert LessonCompletion.objects.filter(enrolment__user=learner, lesson=first).exists()


def test_completing_the_last_lesson_completes_the_course(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    for lesson in lessons_of(course):
        response = learner_client.post(complete_url(lesson), follow=True)

    assert "Chúc mừng! Bạn đã hoàn thành khóa học." in response.content.decode()
    assert Enrolment.objects.get(user=learner).completed_at is not None


def test_mark_complete_without_enrolment_is_refused(learner_client, course):
    response = learner_client.post(complete_url(lessons_of(course)[0]))

    assert response.status_code == 403
    assert "Hãy ghi danh khóa học" in response.content.decode()
    assert not LessonCompletion.objects.exists()


def test_mark_complete_on_a_lesson_of_another_course_is_refused(learner_client, learner, catalogue):
    enrolled = make_course(catalogue, title="Khóa A")
    other = make_course(catalogue, title="Khóa B")
    services.enrolment_create(user=learner, course=enrolled)

    response = learner_client.post(complete_url(lessons_of(other)[0]))

    assert response.status_code == 403
    assert not LessonCompletion.objects.exists()


def test_mark_complete_on_an_unpublished_lesson_is_a_clear_404(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]
    lesson.unpublish()

    response = learner_client.post(complete_url(lesson))

    assert response.status_code == 404
    assert not LessonCompletion.objects.exists()


def test_mark_complete_on_a_deleted_lesson_is_a_clear_404(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]
    url = complete_url(lesson)
    lesson.delete()

    response = learner_client.post(url)

    assert response.status_code == 404


def test_mark_complete_by_get_is_refused(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)

    response = learner_client.get(complete_url(lessons_of(course)[0]))

    assert response.status_code == 405
    assert not LessonCompletion.objects.exists()


def test_my_learning_lists_courses_in_progress_and_completed(learner_client, learner, catalogue):
    in_progress = make_course(catalogue, title="Khóa đang học")
    done = make_course(catalogue, title="Khóa đã xong", modules=1, lessons_per_module=1)
    services.enrolment_create(user=learner, course=in_progress)
    services.enrolment_create(user=learner, course=done)
    services.progress_record(user=learner, lesson=lessons_of(in_progress)[0], source="manual")
    services.progress_record(user=learner, lesson=lessons_of(done)[0], source="manual")

    response = learner_client.get(reverse("learning:my_learning"))
    html = response.content.decode()

    assert response.status_code == 200
    in_progress_section, completed_section = html.split("Đã hoàn thành</h2>")
    assert "Khóa đang học" in in_progress_section
    assert "1/4 bài bắt buộc đã hoàn thành" in in_progress_section
    assert "Tiếp tục khóa học" in in_progress_section
    assert "Khóa đã xong" in completed_section
    assert "Khóa đã xong" not in in_progress_section


def test_my_learning_is_empty_for_a_new_official(learner_client):
    response = learner_client.get(reverse("learning:my_learning"))

    assert "Bạn chưa có khóa học nào đang học." in response.content.decode()


def test_my_learning_requires_login(client, db):
    response = client.get(reverse("learning:my_learning"))

    assert response.status_code == 302


@pytest.mark.parametrize("lessons", [5, 50])
def test_my_learning_query_count_does_not_grow_with_courses(
    learner_client, learner, catalogue, django_assert_max_num_queries, lessons
):
    for n in range(3 if lessons == 5 else 12):
        course = make_course(catalogue, title=f"Khóa {n}", modules=1, lessons_per_module=2)
        services.enrolment_create(user=learner, course=course)

    with django_assert_max_num_queries(12):
        learner_client.get(reverse("learning:my_learning"))


def test_continue_the_course_opens_the_next_unfinished_lesson(learner_client, learner, catalogue):
    course = make_course(catalogue, title="Khóa đang học", modules=2, lessons_per_module=2)
    lessons = lessons_of(course)
    enrolment, _created = services.enrolment_create(user=learner, course=course)

    def continued():
        html = learner_client.get(reverse("learning:my_learning")).content.decode()
        return re.search(r'class="button button-primary continue-course" href="([^"]+)"', html).group(1)

    for lesson in lessons[:2]:
        services.progress_record(user=learner, lesson=lesson, source="manual")
    Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lessons[1])
    assert continued() == lessons[2].url  # after the last one opened, finished

    Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lessons[2])
    assert continued() == lessons[2].url  # the last one opened, unfinished

    services.progress_record(user=learner, lesson=lessons[3], source="manual")
    Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lessons[3])
    assert continued() == lessons[2].url  # nothing after it: the one skipped


def test_my_learning_finds_where_to_continue_in_the_same_queries_for_one_course_or_five(
    learner_client, learner, catalogue
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            learner_client.get(reverse("learning:my_learning"))
        return len(captured)

    first = make_course(catalogue, title="Khóa 1")
    services.enrolment_create(user=learner, course=first)
    services.progress_record(user=learner, lesson=lessons_of(first)[0], source="manual")
    count()  # the first request fills per-process caches (the site's root paths)
    one = count()
    for n in range(2, 6):
        course = make_course(catalogue, title=f"Khóa {n}")
        services.enrolment_create(user=learner, course=course)
        services.progress_record(user=learner, lesson=lessons_of(course)[0], source="manual")
    assert count() == one
