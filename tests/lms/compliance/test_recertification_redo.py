"""Recertification means redoing (issue 15, item 7): a new cycle counts only quiz attempts and H5P results
from after it opened, by each attempt's and each statement's own date, and the reason says so."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override

from courses.models import LessonPage, ModulePage
from lms.compliance.models import Obligation
from lms.compliance.selectors import person_obligations
from lms.compliance.services import assignment_create, renewals_open
from lms.h5p.models import Result, Statement
from lms.h5p.selectors import results_by_activity, rule_met
from lms.learning.models import Enrolment, LessonCompletion
from lms.learning.services import ProgressNotAccepted, enrolment_create, progress_record
from lms.quiz.models import Attempt
from lms.quiz.selectors import quizzes_passed
from tests.builders import after_commit, make_course
from tests.h5p_builders import make_activity
from tests.quiz_builders import make_question, make_quiz, quiz_block

pytestmark = pytest.mark.django_db


def _attempt(user, quiz, *, number, percent, at):
    return Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        state=Attempt.State.SUBMITTED,
        started_at=at - timedelta(minutes=5),
        submitted_at=at,
        percent=Decimal(percent),
        passed=Decimal(percent) >= quiz.pass_mark,
    )


def test_a_quiz_passed_before_the_cycle_does_not_count_after_it(org):
    from tests.org_builders import make_official

    user = make_official(org.ward_a).user
    quiz = make_quiz([make_question("single")], pass_mark=60)
    opened = timezone.now()
    _attempt(user, quiz, number=1, percent=90, at=opened - timedelta(days=300))
    assert quizzes_passed(user=user, quiz_ids=[quiz.pk]) == {quiz.pk}
    assert quizzes_passed(user=user, quiz_ids=[quiz.pk], since=opened) == set()
    _attempt(user, quiz, number=2, percent=40, at=opened + timedelta(days=1))
    assert quizzes_passed(user=user, quiz_ids=[quiz.pk], since=opened) == set()
    _attempt(user, quiz, number=3, percent=70, at=opened + timedelta(days=2))
    assert quizzes_passed(user=user, quiz_ids=[quiz.pk], since=opened) == {quiz.pk}


def _statement(user, activity, *, verb, at, success=None, scaled=None):
    row = Statement.objects.create(
        statement_id=uuid.uuid4(),
        user=user,
        activity=activity,
        version=activity.current_version,
        lesson_id=0,
        verb=f"http://adlnet.gov/expapi/verbs/{verb}",
        is_top_level=True,
        success=success,
        score_scaled=scaled,
        payload={},
    )
    Statement.objects.filter(pk=row.pk).update(received_at=at)  # append-only: the date set by hand
    return Statement.objects.get(pk=row.pk)


def test_h5p_results_count_by_the_date_of_each_statement(org):
    from tests.org_builders import make_official

    user = make_official(org.ward_a).user
    activity = make_activity()
    opened = timezone.now()
    old = _statement(user, activity, verb="answered", at=opened - timedelta(days=200), success=True, scaled=1)
    Result.objects.create(
        user=user,
        activity=activity,
        version=activity.current_version,
        statement=old,
        success=True,
        completion=True,
        best_scaled=Decimal(1),
        ever_passed=True,
        first_completed_at=old.received_at,
        viewed_at=old.received_at,
    )
    passed = {"rule": "passed"}
    ever = results_by_activity(user=user, activity_ids=[activity.pk])[activity.pk]
    assert rule_met(result=ever, rule=passed)
    assert results_by_activity(user=user, activity_ids=[activity.pk], since=opened) == {}

    _statement(user, activity, verb="experienced", at=opened + timedelta(hours=1))
    since = results_by_activity(user=user, activity_ids=[activity.pk], since=opened)[activity.pk]
    assert rule_met(result=since, rule={"rule": "viewed"})
    assert not rule_met(result=since, rule={"rule": "completed"})

    _statement(user, activity, verb="answered", at=opened + timedelta(hours=2), success=False, scaled=0.4)
    since = results_by_activity(user=user, activity_ids=[activity.pk], since=opened)[activity.pk]
    assert rule_met(result=since, rule={"rule": "completed"})
    assert not rule_met(result=since, rule=passed)
    assert not rule_met(result=since, rule={"rule": "scaled", "min_score": 50})

    _statement(user, activity, verb="answered", at=opened + timedelta(hours=3), success=True, scaled=0.9)
    since = results_by_activity(user=user, activity_ids=[activity.pk], since=opened)[activity.pk]
    assert rule_met(result=since, rule=passed)
    assert rule_met(result=since, rule={"rule": "scaled", "min_score": 80})


def test_a_new_cycle_opens_with_its_start_on_the_enrolment_and_in_the_reason(org, hr, course):
    from tests.lms.compliance.report_data import complete
    from tests.org_builders import make_official

    person = make_official(org.ward_a).user
    assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10, validity_months=12)
    complete(person, course)
    duty = Obligation.objects.get(user=person, is_current=True)
    opened_at = duty.valid_until - timedelta(days=10)
    assert renewals_open(now=opened_at) == 1
    assert Enrolment.objects.get(user=person, course_id=course.pk).cycle_started_at == opened_at
    with override("vi"):
        [view] = person_obligations(viewer=hr, user=person, now=opened_at)
    day = timezone.localtime(opened_at).strftime("%d/%m/%Y")
    assert f"chỉ tính kết quả bài kiểm tra và H5P từ ngày {day}" in view.reason


def test_a_quiz_lesson_completes_again_only_with_a_new_attempt(org, hr, catalogue):
    from tests.org_builders import make_official

    person = make_official(org.ward_a).user
    course = make_course(catalogue, title="Tái chứng nhận", modules=1, lessons_per_module=0)
    quiz = make_quiz([make_question("single")], pass_mark=60)
    module = ModulePage.objects.child_of(course).first()
    page = LessonPage(title="Kiểm tra", slug="kiem-tra-tc", body=quiz_block(quiz))
    lesson = module.add_child(instance=page)
    lesson.save_revision().publish()
    enrolment_create(user=person, course=course)
    assignment_create(by=hr, course=course, unit=org.ward_a, due_days=10, validity_months=12)
    _attempt(person, quiz, number=1, percent=100, at=timezone.now() - timedelta(minutes=1))
    with after_commit():  # the duty is completed after the completion's commit
        progress_record(user=person, lesson=lesson, source=LessonCompletion.Source.QUIZ)
    duty = Obligation.objects.get(user=person, is_current=True)
    assert duty.completed_at is not None

    renewals_open(now=duty.valid_until - timedelta(days=10))
    # renewals_open ran on a clock ahead of the attempts: the cycle opens now, on the test's clock
    Enrolment.objects.filter(user=person, course_id=course.pk).update(cycle_started_at=timezone.now())
    with pytest.raises(ProgressNotAccepted):  # the quiz was passed in the previous cycle
        progress_record(user=person, lesson=lesson, source=LessonCompletion.Source.QUIZ)
    assert not LessonCompletion.objects.filter(enrolment__user=person, lesson=lesson).exists()
    _attempt(person, quiz, number=2, percent=80, at=timezone.now() + timedelta(seconds=1))
    progress_record(user=person, lesson=lesson, source=LessonCompletion.Source.QUIZ)
    assert LessonCompletion.objects.filter(enrolment__user=person, lesson=lesson).exists()
