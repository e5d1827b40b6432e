import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import LessonPage, ModulePage
from lms.h5p.models import Result, Statement, UserData
from lms.learning import services as learning_services
from lms.learning.models import Enrolment, LessonCompletion
from tests.builders import UserFactory, make_course
from tests.h5p_builders import h5p_block, make_activity, statement

XAPI = reverse("lesson_h5p:xapi")
STATE = reverse("lesson_h5p:state")


def add_lesson(module, activity, *, slug="hoat-dong", rule="completed", min_score=None) -> LessonPage:
    return module.add_child(
        instance=LessonPage(
            title="Hoạt động tương tác", slug=slug, body=h5p_block(activity, rule=rule, min_score=min_score)
        )
    )


@pytest.fixture
def activity(db):
    return make_activity()


@pytest.fixture
def setup(catalogue, activity, learner):
    """A course of one plain lesson (already completed) and one lesson holding the activity."""
    course = make_course(catalogue, modules=1, lessons_per_module=1)
    module = ModulePage.objects.child_of(course).first()
    lesson = add_lesson(module, activity)
    learning_services.enrolment_create(user=learner, course=course)
    plain = LessonPage.objects.descendant_of(course).exclude(pk=lesson.pk).get()
    learning_services.progress_record(user=learner, lesson=plain, source=LessonCompletion.Source.MANUAL)
    return course, module, lesson


def send(client, lesson, activity, data, **extra):
    body = {
        "lesson": lesson.pk,
        "activity": activity.pk,
        "version": activity.current_version_id,
        "statement": data,
    }
    return client.post(XAPI, json.dumps(body), content_type="application/json", **extra)


def test_an_answered_statement_is_stored_and_completes_the_lesson_and_course(
    learner_client, learner, setup, activity
):
    course, _module, lesson = setup

    response = send(learner_client, lesson, activity, statement(raw=1, max_score=1))

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and not body["duplicate"]
    assert body["result"] == {"completion": True, "success": True, "scaled": 1.0, "raw": 1.0, "max": 1.0}
    assert body["rule_met"] and body["lesson_completed"] and body["course_completed"]
    stored = Statement.objects.get()
    assert (stored.score_raw, stored.score_max, stored.computed_in_browser) == (1, 1, True)
    assert stored.is_top_level and stored.lesson_id == lesson.pk
    result = Result.objects.get(user=learner, activity=activity)
    assert result.computed_in_browser and result.first_completed_at and result.ever_passed
    assert LessonCompletion.objects.get(lesson_id=lesson.pk).source == LessonCompletion.Source.H5P
    assert Enrolment.objects.get(user=learner, course=course).completed_at is not None


def test_statements_of_parts_are_stored_but_do_not_make_a_result(learner_client, setup, activity):
    _course, _module, lesson = setup

    for data in (statement(verb="attempted", raw=None, success=None), statement(child=True)):
        assert send(learner_client, lesson, activity, data).json()["lesson_completed"] is False

    assert Statement.objects.count() == 2
    assert not Result.objects.exists()
    assert not LessonCompletion.objects.filter(lesson_id=lesson.pk).exists()


def test_a_replayed_statement_is_stored_once_and_answers_the_same(learner_client, setup, activity):
    _course, _module, lesson = setup
    data = statement()

    first = send(learner_client, lesson, activity, data)
    again = send(learner_client, lesson, activity, data)

    assert first.status_code == again.status_code == 200
    assert again.json()["duplicate"] is True and again.json()["lesson_completed"] is True
    assert Statement.objects.count() == 1


def test_another_persons_statement_id_is_refused(client, learner_client, setup, activity, other_learner):
    course, _module, lesson = setup
    data = statement()
    send(learner_client, lesson, activity, data)
    learning_services.enrolment_create(user=other_learner, course=course)
    client.force_login(other_learner)

    response = send(client, lesson, activity, data)

    assert response.status_code == 409
    assert Statement.objects.get().user_id != other_learner.pk
    assert not Result.objects.filter(user=other_learner).exists()


def test_a_person_not_enrolled_is_refused(client, setup, activity):
    _course, _module, lesson = setup
    client.force_login(UserFactory())

    response = send(client, lesson, activity, statement())

    assert response.status_code == 403
    assert "ghi danh" in response.json()["error"]
    assert not Statement.objects.exists()


def test_anonymous_requests_are_refused(client, setup, activity):
    _course, _module, lesson = setup

    assert send(client, lesson, activity, statement()).status_code == 401
    assert not Statement.objects.exists()


def test_csrf_is_checked(learner, setup, activity):
    _course, _module, lesson = setup
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)

    assert send(client, lesson, activity, statement()).status_code == 403
    assert not Statement.objects.exists()


def test_only_post_is_accepted(learner_client, setup):
    assert learner_client.get(XAPI).status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        "\xff".encode("latin-1"),
        b'{"lesson": "1", "activity": 1, "version": 1, "statement": {}}',
        b'{"lesson": true, "activity": 1, "version": 1, "statement": {}}',
    ],
)
def test_malformed_bodies_are_refused(learner_client, setup, body):
    response = learner_client.post(XAPI, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert not Statement.objects.exists()


def _without(key):
    data = statement()
    del data[key]
    return data


@pytest.mark.parametrize(
    "data",
    [
        "a string",
        _without("id"),
        {**statement(), "id": "not-a-uuid"},
        _without("verb"),
        {**statement(), "verb": {"id": "answered"}},
        _without("object"),
        {**statement(), "result": {"score": {"raw": "1", "max": 1}}},
        {**statement(), "result": {"score": {"raw": 3, "max": 1}}},
        {**statement(), "result": {"score": {"raw": 1, "max": 1, "scaled": 7}}},
        {**statement(), "result": {"score": {"raw": 1e300, "max": 1e301}}},
        {**statement(), "result": {"success": "yes"}},
        {**statement(), "result": {"duration": "three seconds"}},
        {**statement(), "result": [1]},
        {**statement(), "context": {"contextActivities": [1]}},
        {**statement(), "extra": [[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]},
    ],
)
def test_statements_of_the_wrong_shape_are_refused(learner_client, setup, activity, data):
    _course, _module, lesson = setup

    response = send(learner_client, lesson, activity, data)

    assert response.status_code == 400
    assert response.json()["error"]
    assert not Statement.objects.exists()


def test_an_oversized_statement_is_refused(learner_client, setup, activity):
    _course, _module, lesson = setup
    data = {**statement(), "padding": "x" * 40_000}

    response = send(learner_client, lesson, activity, data)

    assert response.status_code == 413
    assert not Statement.objects.exists()


def test_an_activity_outside_the_lesson_or_an_unpublished_lesson_is_not_found(
    learner_client, setup, activity
):
    _course, module, lesson = setup
    stranger = make_activity("Hoạt động khác")

    assert send(learner_client, lesson, stranger, statement()).status_code == 404
    body = {"lesson": lesson.pk, "activity": activity.pk, "version": stranger.current_version_id}
    response = learner_client.post(
        XAPI, json.dumps({**body, "statement": statement()}), content_type="application/json"
    )
    assert response.status_code == 404
    lesson.unpublish()
    assert send(learner_client, lesson, activity, statement()).status_code == 404
    assert not Statement.objects.exists()


def test_the_passed_rule_waits_for_a_successful_answer(learner_client, setup, activity):
    _course, module, _lesson = setup
    lesson = add_lesson(module, activity, slug="phai-dat", rule="passed")

    wrong = send(learner_client, lesson, activity, statement(raw=0, success=False)).json()
    right = send(learner_client, lesson, activity, statement(raw=1, success=True)).json()

    assert wrong["lesson_completed"] is False and wrong["rule_met"] is False
    assert right["lesson_completed"] is True and right["rule_met"] is True


def test_the_scaled_score_rule_needs_the_minimum(learner_client, setup, activity):
    _course, module, _lesson = setup
    lesson = add_lesson(module, activity, slug="diem-80", rule="scaled", min_score=80)

    low = send(learner_client, lesson, activity, statement(raw=7, max_score=10, success=None)).json()
    high = send(learner_client, lesson, activity, statement(raw=8, max_score=10, success=None)).json()

    assert low["lesson_completed"] is False
    assert high["lesson_completed"] is True
    assert Result.objects.get().best_scaled == Decimal("0.8")


def test_a_weaker_later_attempt_keeps_the_completion(learner_client, setup, activity):
    _course, _module, lesson = setup
    send(learner_client, lesson, activity, statement(raw=1, success=True))

    again = send(learner_client, lesson, activity, statement(raw=0, success=False)).json()

    result = Result.objects.get()
    assert again["lesson_completed"] is True
    assert (result.score_raw, result.best_scaled, result.ever_passed) == (0, 1, True)


def test_an_h5p_lesson_cannot_be_marked_complete_by_hand(learner_client, setup):
    _course, _module, lesson = setup

    response = learner_client.post(reverse("learning:lesson_complete", args=[lesson.pk]))

    assert response.status_code == 409


def test_one_statement_completes_every_lesson_using_the_activity_in_constant_queries(
    learner_client, learner, catalogue, activity
):
    def course_using_activity(lessons: int):
        course = make_course(catalogue, modules=1, lessons_per_module=0)
        module = ModulePage.objects.child_of(course).first()
        used = [add_lesson(module, activity, slug=f"hd-{n}") for n in range(lessons)]
        learning_services.enrolment_create(user=learner, course=course)
        return used

    def queries_to_complete(lessons: list[LessonPage]) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert send(learner_client, lessons[0], activity, statement()).json()["course_completed"]
        Result.objects.all().delete()
        return len(captured)

    small = queries_to_complete(course_using_activity(2))
    large = queries_to_complete(course_using_activity(12))

    assert LessonCompletion.objects.filter(source="h5p").count() == 14
    assert small == large


def test_the_resume_state_is_saved_and_replaced(learner_client, learner, setup, activity):
    _course, _module, lesson = setup
    body = {"lesson": lesson.pk, "activity": activity.pk, "version": activity.current_version_id}

    for data in ('{"answer": 1}', '{"answer": 2}'):
        response = learner_client.post(
            STATE, json.dumps({**body, "data_type": "state", "data": data}), content_type="application/json"
        )
        assert response.status_code == 200

    assert UserData.objects.get(user=learner).data == '{"answer": 2}'


def test_a_too_large_or_malformed_state_is_refused(learner_client, setup, activity):
    _course, _module, lesson = setup
    body = {"lesson": lesson.pk, "activity": activity.pk, "version": activity.current_version_id}

    too_large = learner_client.post(
        STATE, json.dumps({**body, "data": "x" * 70_000}), content_type="application/json"
    )
    not_text = learner_client.post(
        STATE, json.dumps({**body, "data": {"a": 1}}), content_type="application/json"
    )

    assert too_large.status_code == 413 and not_text.status_code == 400
    assert not UserData.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 17_000 + b"]" * 17_000,
        json.dumps({"lesson": 10**30, "activity": 1, "version": 1, "statement": {}}).encode(),
    ],
)
def test_hostile_bodies_get_a_4xx_not_a_500(learner_client, setup, raw):
    response = learner_client.post(XAPI, raw, content_type="application/json")

    assert 400 <= response.status_code < 500
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {**statement(), "verb": {"id": "http://example.org/" + "v" * 300}},
        {**statement(), "verb": {"id": "http://adlnet.gov/expapi/verbs/answered\u0000"}},
        {**statement(), "extra": "nul\u0000byte"},
        {**statement(), "extra": "\ud800"},
    ],
)
def test_statements_the_database_cannot_store_are_refused(learner_client, setup, activity, data):
    _course, _module, lesson = setup

    response = send(learner_client, lesson, activity, data)

    assert response.status_code == 400
    assert not Statement.objects.exists()


def test_only_the_whole_content_state_is_kept(learner_client, setup, activity):
    _course, _module, lesson = setup
    body = {"lesson": lesson.pk, "activity": activity.pk, "version": activity.current_version_id}

    for extra in ({"data_type": "other"}, {"sub_content_id": "abc"}, {"data": "a\u0000b"}):
        payload = {**body, "data_type": "state", "data": "{}", **extra}
        response = learner_client.post(STATE, json.dumps(payload), content_type="application/json")
        assert response.status_code == 400

    assert not UserData.objects.exists()


def test_a_result_from_before_the_enrolment_completes_the_lesson_when_it_is_opened(
    client, catalogue, activity, learner_client, learner, setup
):
    """The learner did the activity in one course; another course's lesson uses it too."""
    _course, _module, lesson = setup
    send(learner_client, lesson, activity, statement())
    other = make_course(catalogue, modules=1, lessons_per_module=0)
    later = add_lesson(ModulePage.objects.child_of(other).first(), activity, slug="sau")
    learning_services.enrolment_create(user=learner, course=other)
    assert not LessonCompletion.objects.filter(lesson_id=later.pk).exists()

    page = learner_client.get(later.url)

    assert "Bạn đã hoàn thành bài học này." in page.content.decode()
    assert LessonCompletion.objects.filter(lesson_id=later.pk, source="h5p").exists()


def test_the_same_activity_twice_in_a_lesson_is_refused_and_never_breaks_the_index(setup, activity):
    from wagtail.blocks import StreamBlockValidationError

    _course, module, lesson = setup
    body = json.loads(h5p_block(activity)) + json.loads(h5p_block(activity, rule="passed"))
    twice = LessonPage(title="Hai lần", slug="hai-lan", body=json.dumps(body))

    with pytest.raises(StreamBlockValidationError):
        LessonPage.body.field.stream_block.clean(twice.body)
    module.add_child(instance=twice)  # an older body saved anyway: indexed once, first rule wins
    assert [(r.kind, r.rule) for r in twice.completion_requirements()] == [("h5p", "completed")]


def test_deleting_a_lesson_keeps_its_statements(learner_client, setup, activity):
    _course, _module, lesson = setup
    send(learner_client, lesson, activity, statement())

    lesson.delete()

    assert Statement.objects.get().lesson_id is not None


def test_a_result_in_one_course_does_not_complete_an_unpublished_course(
    learner_client, learner, catalogue, setup, activity
):
    _course, _module, lesson = setup
    hidden = make_course(catalogue, modules=1, lessons_per_module=0)
    hidden_lesson = add_lesson(ModulePage.objects.child_of(hidden).first(), activity, slug="an")
    learning_services.enrolment_create(user=learner, course=hidden)
    hidden.unpublish()

    send(learner_client, lesson, activity, statement())

    assert not LessonCompletion.objects.filter(lesson_id=hidden_lesson.pk).exists()


def test_a_lesson_page_costs_the_same_queries_with_one_or_five_activities(learner_client, learner, catalogue):
    def lesson_with(count: int) -> LessonPage:
        course = make_course(catalogue, modules=1, lessons_per_module=0)
        body = []
        for n in range(count):
            body += json.loads(h5p_block(make_activity(f"Hoạt động {n}")))
        lesson = (
            ModulePage.objects.child_of(course)
            .first()
            .add_child(instance=LessonPage(title="Nhiều hoạt động", slug="nhieu", body=json.dumps(body)))
        )
        learning_services.enrolment_create(user=learner, course=course)
        learner_client.get(lesson.url)  # warm caches (site root, content types)
        return lesson

    def queries(lesson) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert learner_client.get(lesson.url).status_code == 200
        return len(captured)

    assert queries(lesson_with(1)) == queries(lesson_with(5))
