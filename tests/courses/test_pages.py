import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from lms.learning import services
from lms.learning.models import LessonCompletion
from tests.builders import UserFactory, lessons_of, make_course


def test_anonymous_visitor_sees_the_outline_but_not_lesson_bodies(client, course):
    lesson = lessons_of(course)[0]

    course_html = client.get(course.url).content.decode()
    lesson_response = client.get(lesson.url)
    lesson_html = lesson_response.content.decode()

    assert "Bài 1" in course_html and "Bài 4" in course_html
    assert lesson_response.status_code == 200
    assert lesson.title in lesson_html
    assert "BODY-1" not in lesson_html
    assert "Hãy đăng nhập và ghi danh khóa học để đọc bài học này." in lesson_html


def test_logged_in_official_who_is_not_enrolled_cannot_read_lesson_bodies(learner_client, course):
    html = learner_client.get(lessons_of(course)[0].url).content.decode()

    assert "BODY-1" not in html
    assert "Hãy ghi danh khóa học để đọc bài học này." in html
    assert "Đánh dấu hoàn thành" not in html


def test_enrolled_official_reads_the_lesson_and_can_mark_it_complete(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    first, second = lessons_of(course)[:2]

    html = learner_client.get(first.url).content.decode()

    assert "BODY-1" in html
    assert "Đánh dấu hoàn thành" in html
    assert f'href="{second.url}"' in html  # next lesson


def test_lesson_page_shows_previous_and_next_across_modules(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    lessons = lessons_of(course)

    html = learner_client.get(lessons[2].url).content.decode()  # first lesson of module 2

    assert f'rel="prev" href="{lessons[1].url}"' in html
    assert f'rel="next" href="{lessons[3].url}"' in html


def test_course_page_shows_each_lesson_status_and_progress(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    services.progress_record(
        user=learner, lesson=lessons_of(course)[0], source=LessonCompletion.Source.MANUAL
    )

    html = learner_client.get(course.url).content.decode()

    assert html.count("is-done") == 1
    assert '<progress class="progress" max="100" value="25"' in html
    assert "Tiếp tục khóa học" in html


def test_course_page_offers_enrolment_to_an_official_not_enrolled(learner_client, course):
    html = learner_client.get(course.url).content.decode()

    assert "Ghi danh vào khóa học" in html


def test_visiting_a_lesson_is_remembered_for_continue(learner_client, learner, course):
    enrolment, _ = services.enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[2]

    learner_client.get(lesson.url)

    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == lesson.pk


def test_unpublished_lesson_is_not_found(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]
    lesson.unpublish()

    response = learner_client.get(lesson.url)

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_module_address_leads_to_its_place_in_the_course(client, course):
    module = course.get_children().first()

    response = client.get(module.url)

    assert response.status_code == 302
    assert response["Location"] == f"{course.url}#module-{module.pk}"


def test_catalogue_search_ignores_diacritics(client, catalogue):
    make_course(catalogue, title="Dịch vụ công trực tuyến")
    make_course(catalogue, title="An toàn thông tin")

    html = client.get(catalogue.url, {"q": "dich vu cong"}).content.decode()

    assert "Dịch vụ công trực tuyến" in html
    assert "An toàn thông tin" not in html


def test_catalogue_filters_by_topic(client, catalogue):
    make_course(catalogue, title="Khóa dữ liệu", topics=("Dữ liệu",))
    make_course(catalogue, title="Khóa bảo mật", topics=("An ninh mạng",))

    html = client.get(catalogue.url, {"topic": "an-ninh-mạng"}).content.decode()

    assert "Khóa bảo mật" in html
    assert "Khóa dữ liệu" not in html


def test_catalogue_says_so_when_nothing_matches(client, catalogue):
    make_course(catalogue, title="Khóa bất kỳ")

    html = client.get(catalogue.url, {"q": "khong co gi"}).content.decode()

    assert "Không có khóa học nào phù hợp với tìm kiếm của bạn." in html


def test_catalogue_is_paginated(client, catalogue):
    for n in range(14):
        make_course(catalogue, title=f"Khóa số {n:02d}", modules=0)

    first = client.get(catalogue.url).content.decode()
    second = client.get(catalogue.url, {"page": 2}).content.decode()

    assert "Khóa số 11" in first and "Khóa số 12" not in first
    assert "Khóa số 12" in second and "Khóa số 13" in second


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page_kind", ["course", "lesson"])
def test_page_query_count_is_the_same_for_5_and_50_lessons(client, catalogue, page_kind):
    learner = UserFactory(username="dem_truy_van")
    client.force_login(learner)
    counts = []
    for lessons_per_module in (1, 10):  # 5 modules: 5 and 50 lessons
        course = make_course(catalogue, modules=5, lessons_per_module=lessons_per_module)
        services.enrolment_create(user=learner, course=course)
        lessons = lessons_of(course)
        for lesson in lessons[:3]:
            services.progress_record(user=learner, lesson=lesson, source=LessonCompletion.Source.MANUAL)
        url = course.url if page_kind == "course" else lessons[3].url
        _queries_for(client, url)  # warm per-process caches (content types, site root paths)
        counts.append(_queries_for(client, url))

    assert counts[0] == counts[1]


def test_trainer_can_preview_a_lesson_body_in_the_admin(client, course):
    admin = UserFactory(username="quantri_test", is_superuser=True, is_staff=True)
    client.force_login(admin)
    lesson = lessons_of(course)[0]
    post_data = nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "body": streamfield([("paragraph", rich_text("<p>Bản nháp XEM-TRUOC</p>"))]),
            "estimated_minutes": 10,
            "is_required": "on",
        }
    )

    client.post(f"/admin/pages/{lesson.pk}/edit/preview/", post_data)
    response = client.get(f"/admin/pages/{lesson.pk}/edit/preview/")

    assert response.status_code == 200
    assert "XEM-TRUOC" in response.content.decode()
