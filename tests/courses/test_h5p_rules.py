"""Completion rules a content type can meet: "passes it" without result.success, the rule "viewed", the
block editor refusing a rule that can never be met, the administrators' list, and an activity replaced by
a new version while learners are mid-way."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError

from content.blocks import H5PActivityBlock
from courses.models import LessonPage, ModulePage
from lms.h5p.models import Result, Statement
from lms.learning import services as learning_services
from lms.learning.models import LessonCompletion
from lms.learning.rule_checks import rule_problems
from lms.people.roles import TRAINER
from lms.people.services import roles_sync
from tests.builders import UserFactory, make_course
from tests.h5p_builders import (
    h5p_block,
    make_typed_activity,
    statement,
    store_package,
    thirdparty_path,
    version_add,
)
from tests.org_builders import make_admin_user

XAPI = reverse("lesson_h5p:xapi")


def add_lesson(module, activity, *, rule, slug="hoat-dong") -> LessonPage:
    return module.add_child(
        instance=LessonPage(title=f"Bài {slug}", slug=slug, body=h5p_block(activity, rule=rule))
    )


def required_lesson(catalogue, learner, activity, *, rule) -> LessonPage:
    course = make_course(catalogue, modules=1, lessons_per_module=0)
    lesson = add_lesson(ModulePage.objects.child_of(course).first(), activity, rule=rule)
    learning_services.enrolment_create(user=learner, course=course)
    return lesson


def send(client, lesson, activity, data, *, version=None):
    body = {
        "lesson": lesson.pk,
        "activity": activity.pk,
        "version": version.pk if version is not None else activity.current_version_id,
        "statement": data,
    }
    return client.post(XAPI, json.dumps(body), content_type="application/json")


def completed(learner, lesson) -> bool:
    return LessonCompletion.objects.filter(enrolment__user=learner, lesson_id=lesson.pk).exists()


def viewed_statement() -> dict:
    """What the lesson page sends for its "I have finished viewing" button (static/js/h5p-lesson.js)."""
    data = statement(verb="experienced", raw=None, success=None)
    data["object"] = {"objectType": "Activity", "id": "urn:smartward:h5p:1:1"}
    data.pop("context")
    return data


# --- "passes it" when the content sends no result.success ----------------------------------------------


@pytest.mark.parametrize(
    "machine_name,version",
    [
        ("H5P.Blanks", "1.12"),
        ("H5P.Blanks", "1.14"),
        ("H5P.DragText", "1.8"),
        ("H5P.InteractiveVideo", "1.24"),
    ],
)
def test_full_marks_without_success_pass_a_type_that_sends_none(
    catalogue, learner, learner_client, machine_name, version
):
    activity = make_typed_activity(machine_name, version)
    lesson = required_lesson(catalogue, learner, activity, rule="passed")

    body = send(learner_client, lesson, activity, statement(raw=3, max_score=3, success=None)).json()

    assert body["ok"] and body["rule_met"] and body["lesson_completed"]
    result = Result.objects.get(user=learner, activity=activity)
    assert (result.success, result.success_inferred, result.ever_passed) == (True, True, True)
    assert Statement.objects.get().success is None  # the statement stays as the browser sent it


def test_a_lower_score_without_success_does_not_pass_and_the_learner_sees_why(
    catalogue, learner, learner_client
):
    activity = make_typed_activity("H5P.CoursePresentation", "1.22")
    lesson = required_lesson(catalogue, learner, activity, rule="passed")

    body = send(learner_client, lesson, activity, statement(raw=2, max_score=3, success=None)).json()

    assert body["ok"] and not body["rule_met"] and not body["lesson_completed"]
    assert body["result"]["success"] is False
    assert Result.objects.get(user=learner, activity=activity).success_inferred


def test_the_packages_own_pass_mark_decides_when_success_is_absent(catalogue, learner, learner_client):
    path = thirdparty_path("H5P.QuestionSet.h5p")
    activity = store_package(path.read_bytes(), title="Bộ câu hỏi").activity  # passPercentage 50
    lesson = required_lesson(catalogue, learner, activity, rule="passed")

    body = send(
        learner_client, lesson, activity, statement(verb="completed", raw=3, max_score=5, success=None)
    )

    assert body.json()["rule_met"] and completed(learner, lesson)


def test_a_reported_failure_is_never_overridden(catalogue, learner, learner_client):
    activity = make_typed_activity("H5P.MultiChoice", "1.14")
    lesson = required_lesson(catalogue, learner, activity, rule="passed")

    body = send(learner_client, lesson, activity, statement(raw=1, max_score=1, success=False)).json()

    assert not body["rule_met"] and not Result.objects.get().success_inferred


# --- The rule "viewed" -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "machine_name,version",
    [("H5P.Accordion", "1.0"), ("H5P.Dialogcards", "1.8"), ("H5P.ImageHotspots", "1.9")],
)
def test_the_viewed_button_completes_a_lesson_on_content_that_reports_nothing(
    catalogue, learner, learner_client, machine_name, version
):
    activity = make_typed_activity(machine_name, version)
    lesson = required_lesson(catalogue, learner, activity, rule="viewed")
    data = viewed_statement()

    first = send(learner_client, lesson, activity, data).json()
    again = send(learner_client, lesson, activity, data).json()  # the offline queue sending it again

    assert first["rule_met"] and first["lesson_completed"] and first["course_completed"]
    assert again["duplicate"] and again["lesson_completed"]
    result = Result.objects.get(user=learner, activity=activity)
    assert result.viewed_at is not None and result.first_completed_at is None and not result.completion
    assert Statement.objects.count() == 1


def test_the_contents_own_interaction_counts_as_viewed_but_not_as_completed(
    catalogue, learner, learner_client
):
    activity = make_typed_activity("H5P.MultiChoice", "1.14")
    lesson = required_lesson(catalogue, learner, activity, rule="viewed")
    other = required_lesson(catalogue, learner, activity, rule="completed")

    send(learner_client, lesson, activity, statement(verb="interacted", raw=None, success=None))

    assert completed(learner, lesson) and not completed(learner, other)


def test_statements_of_parts_and_attempts_do_not_count_as_viewed(catalogue, learner, learner_client):
    activity = make_typed_activity("H5P.Accordion", "1.0")
    lesson = required_lesson(catalogue, learner, activity, rule="viewed")

    send(learner_client, lesson, activity, statement(verb="interacted", child=True, raw=None, success=None))
    send(learner_client, lesson, activity, statement(verb="attempted", raw=None, success=None))

    assert not Result.objects.exists() and not completed(learner, lesson)


def test_a_lesson_shows_the_viewed_button_only_for_the_rule_viewed(catalogue, learner, learner_client):
    accordion = make_typed_activity("H5P.Accordion", "1.0", title="Accordion")
    blanks = make_typed_activity("H5P.Blanks", "1.12", title="Blanks")
    viewed = required_lesson(catalogue, learner, accordion, rule="viewed")
    passed = required_lesson(catalogue, learner, blanks, rule="passed")

    assert "data-h5p-viewed" in learner_client.get(viewed.url).content.decode()
    assert "data-h5p-viewed" not in learner_client.get(passed.url).content.decode()


# --- The block editor -------------------------------------------------------------------------------------


def block_value(activity, rule, min_score=None):
    block = H5PActivityBlock()
    return block, block.to_python(
        {"activity": activity.pk, "rule": rule, "min_score": min_score, "intro": ""}
    )


@pytest.mark.django_db
def test_the_block_refuses_a_rule_the_activity_can_never_meet():
    activity = make_typed_activity("H5P.Accordion", "1.0")
    block, value = block_value(activity, "completed")

    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(value)

    message = str(caught.value.block_errors["rule"].messages[0])
    assert "H5P.Accordion 1" in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    "machine_name,version,rule",
    [
        ("H5P.Accordion", "1.0", "viewed"),
        ("H5P.Blanks", "1.12", "passed"),
        ("H5P.InteractiveVideo", "1.24", "completed"),
        ("H5P.MultiChoice", "1.14", "scaled"),
        ("H5P.Unknown", "3.1", "completed"),  # no row: the default rules, flagged for administrators
    ],
)
def test_the_block_accepts_a_rule_the_activity_can_meet(machine_name, version, rule):
    activity = make_typed_activity(machine_name, version)
    block, value = block_value(activity, rule, 80 if rule == "scaled" else None)

    assert block.clean(value)["rule"] == rule


@pytest.mark.django_db
def test_the_lesson_editor_shows_the_refusal(catalogue):
    from content.blocks import LessonBodyBlock

    activity = make_typed_activity("H5P.Dialogcards", "1.8")
    body = LessonBodyBlock()
    value = body.to_python(
        [{"type": "h5p", "value": {"activity": activity.pk, "rule": "passed", "intro": ""}}]
    )

    with pytest.raises(StreamBlockValidationError):
        body.clean(value)


# --- The administrators' list, and an activity replaced mid-way ---------------------------------------------


@pytest.fixture
def admin_client(db):
    roles_sync()
    client = Client()
    client.force_login(make_admin_user())
    return client


def test_lessons_whose_rule_can_never_be_met_are_listed_for_administrators(catalogue, learner, admin_client):
    accordion = make_typed_activity("H5P.Accordion", "1.0", title="Quả mọng")
    unknown = make_typed_activity("H5P.Timeline", "1.1", title="Dòng thời gian")
    fine = make_typed_activity("H5P.Blanks", "1.12", title="Điền từ")
    blocked = required_lesson(catalogue, learner, accordion, rule="completed")  # saved before the table
    flagged = required_lesson(catalogue, learner, unknown, rule="completed")
    required_lesson(catalogue, learner, fine, rule="passed")

    problems = rule_problems()
    response = admin_client.get(reverse("h5p_rules:index"))

    assert [(p.requirement.lesson_id, p.can_meet) for p in problems] == [
        (blocked.pk, False),
        (flagged.pk, True),
    ]
    page = response.content.decode()
    assert response.status_code == 200
    assert "Quả mọng" in page and "Dòng thời gian" in page and "Điền từ" not in page
    assert "H5P.Timeline 1" in page


def test_the_list_is_refused_to_learners_and_trainers(client, learner):
    groups = roles_sync()
    trainer = UserFactory(username="giangvien_quy_tac")
    trainer.groups.add(groups[TRAINER])
    for user in (learner, trainer):
        client.force_login(user)
        response = client.get(reverse("h5p_rules:index"))
        assert response.status_code in (302, 403), user


def test_an_activity_replaced_while_learners_are_mid_way(catalogue, learner, other_learner, learner_client):
    """A learner who passed keeps the lesson; one whose page still plays the old version is still heard;
    the new version's content type makes the rule impossible, so the lesson is listed for administrators."""
    activity = make_typed_activity("H5P.Blanks", "1.12", title="Điền từ")
    old = activity.current_version
    lesson = required_lesson(catalogue, learner, activity, rule="passed")
    learning_services.enrolment_create(
        user=other_learner, course=learning_services.structure.course_of(lesson)
    )
    send(learner_client, lesson, activity, statement(raw=3, max_score=3, success=None))
    version_add(activity, "H5P.Blanks", "1.14")  # a new version of the same type

    other = Client()
    other.force_login(other_learner)
    late = send(other, lesson, activity, statement(raw=3, max_score=3, success=None), version=old).json()

    assert completed(learner, lesson)
    assert late["ok"] and late["lesson_completed"]
    assert Result.objects.get(user=other_learner).version == old

    version_add(activity, "H5P.Accordion", "1.0")  # replaced by content that reports nothing

    assert completed(learner, lesson) and completed(other_learner, lesson)
    assert [(p.requirement.lesson_id, p.can_meet) for p in rule_problems()] == [(lesson.pk, False)]
