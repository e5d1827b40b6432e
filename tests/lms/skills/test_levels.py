"""A person's levels from their evidence, with the reasons, recomputed after the commit of new evidence; the
links kept in each process until a link, a competence or a linked source changes."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from lms.learning.services import enrolment_create, progress_record
from lms.quiz.services import attempt_save_answer, attempt_start, attempt_submit
from lms.skills.levels import evidence_changed, evidence_text, person_levels_recompute
from lms.skills.models import Competency, Evidence, PersonLevel, Rating
from lms.skills.receivers import _Recompute
from lms.skills.services import competency_archive, competency_restore
from tests.builders import lessons_of
from tests.quiz_builders import correct_response, make_category, make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return make_category("An toàn thông tin")


def sit(user, quiz, right: int):
    """An attempt answering the first `right` questions correctly and the others wrongly, submitted."""
    attempt = attempt_start(user=user, quiz=quiz, seed=1)
    for index, question_id in enumerate(attempt.question_ids):
        question = quiz.quiz_questions.get(question_id=question_id).question
        wrong = next(a.pk for a in question.answers.all() if not a.correct)
        response = correct_response(question) if index < right else wrong
        attempt_save_answer(attempt=attempt, question_id=question_id, response=response)
    return attempt_submit(attempt=attempt)


def test_questions_of_a_category_answered_above_the_threshold_show_the_level_with_the_reason(
    learner, security, category, django_capture_on_commit_callbacks
):
    Evidence.objects.create(
        competency=security, level=3, kind=Evidence.Kind.CATEGORY, category=category, threshold=80
    )
    quiz = make_quiz([make_question(category=category) for _ in range(10)])
    quiz.title = "Kiểm tra an toàn"
    quiz.save()

    with django_capture_on_commit_callbacks(execute=True):
        sit(learner, quiz, right=8)

    row = PersonLevel.objects.get(user=learner, competency=security)
    assert row.level == 3
    with override("vi"):
        text = evidence_text(row.evidence[0])
    assert text.startswith("đạt 8/10 câu về An toàn thông tin")
    assert "“Kiểm tra an toàn”" in text


def test_below_the_threshold_shows_nothing_and_a_better_attempt_later_counts(
    learner, security, category, django_capture_on_commit_callbacks
):
    Evidence.objects.create(
        competency=security, level=3, kind=Evidence.Kind.CATEGORY, category=category, threshold=80
    )
    quiz = make_quiz([make_question(category=category) for _ in range(10)])

    with django_capture_on_commit_callbacks(execute=True):
        sit(learner, quiz, right=7)
    assert not PersonLevel.objects.filter(user=learner).exists()

    with django_capture_on_commit_callbacks(execute=True):
        sit(learner, quiz, right=9)
    assert PersonLevel.objects.get(user=learner).evidence[0]["correct"] == 9


def test_the_highest_level_shown_wins_and_every_piece_is_kept(learner, security, course, framework):
    lesson = lessons_of(course)[0]
    enrolment_create(user=learner, course=course)
    progress_record(user=learner, lesson=lesson, source="manual")
    Evidence.objects.create(competency=security, level=2, kind=Evidence.Kind.LESSON, page=lesson)
    Rating.objects.create(
        user=learner, competency=security, level=4, note="Hướng dẫn cả phường", rated_by=learner
    )

    levels = person_levels_recompute(user_id=learner.pk)

    assert levels == {security.pk: 4}
    kinds = [item["kind"] for item in PersonLevel.objects.get(user=learner).evidence]
    assert kinds == ["rating", "lesson"]


def test_a_completed_course_counts(learner, security, course):
    enrolment_create(user=learner, course=course)
    for lesson in lessons_of(course):
        progress_record(user=learner, lesson=lesson, source="manual")
    Evidence.objects.create(competency=security, level=2, kind=Evidence.Kind.COURSE, page=course.page_ptr)

    assert person_levels_recompute(user_id=learner.pk) == {security.pk: 2}
    with override("vi"):
        assert evidence_text(PersonLevel.objects.get().evidence[0]).startswith("hoàn thành khóa học")


def test_evidence_whose_question_was_deleted_is_kept_as_history_but_no_longer_counts(
    learner, security, django_capture_on_commit_callbacks
):
    question = make_question()
    evidence = Evidence.objects.create(
        competency=security, level=2, kind=Evidence.Kind.QUESTION, question=question, label=question.text
    )
    quiz = make_quiz([question])
    with django_capture_on_commit_callbacks(execute=True):
        sit(learner, quiz, right=1)
    assert PersonLevel.objects.get(user=learner).level == 2

    Evidence.objects.filter(pk=evidence.pk).update(question=None)  # as SET_NULL leaves it
    evidence_changed()  # as the question's deletion does (receivers.source_deleted_recompute)
    person_levels_recompute(user_id=learner.pk)

    assert not PersonLevel.objects.filter(user=learner).exists()
    assert Evidence.objects.get(pk=evidence.pk).label == question.text


def test_an_archived_competence_is_not_counted(learner, security, course):
    enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]
    progress_record(user=learner, lesson=lesson, source="manual")
    Evidence.objects.create(competency=security, level=2, kind=Evidence.Kind.LESSON, page=lesson)
    assert person_levels_recompute(user_id=learner.pk) == {security.pk: 2}

    competency_archive(competency=security)

    assert person_levels_recompute(user_id=learner.pk) == {}
    assert Competency.objects.filter(pk=security.pk).exists()


def test_recomputing_twice_changes_nothing(learner, security, course):
    enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]
    progress_record(user=learner, lesson=lesson, source="manual")
    Evidence.objects.create(competency=security, level=2, kind=Evidence.Kind.LESSON, page=lesson)
    person_levels_recompute(user_id=learner.pk)
    first = PersonLevel.objects.get()

    person_levels_recompute(user_id=learner.pk)

    again = PersonLevel.objects.get()
    assert (again.pk, again.level, again.evidence) == (first.pk, first.level, first.evidence)


def test_a_lesson_marked_complete_recomputes_after_the_commit(
    learner, security, course, django_capture_on_commit_callbacks
):
    lesson = lessons_of(course)[0]
    Evidence.objects.create(competency=security, level=1, kind=Evidence.Kind.LESSON, page=lesson)
    enrolment_create(user=learner, course=course)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        progress_record(user=learner, lesson=lesson, source="manual")
    assert not PersonLevel.objects.exists()  # nothing before the commit

    for callback in callbacks:
        callback()
    assert PersonLevel.objects.get(user=learner).level == 1


def test_one_submission_that_completes_a_lesson_and_the_course_sends_one_recomputation(
    learner, security, course, category, django_capture_on_commit_callbacks
):
    lesson = lessons_of(course)[0]
    Evidence.objects.create(competency=security, level=1, kind=Evidence.Kind.LESSON, page=lesson)
    enrolment_create(user=learner, course=course)
    quiz = make_quiz([make_question(category=category) for _ in range(2)])

    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        sit(learner, quiz, right=2)
        progress_record(user=learner, lesson=lesson, source="manual")
        for other in lessons_of(course)[1:]:
            progress_record(user=learner, lesson=other, source="manual")

    recomputations = [c for c in callbacks if isinstance(c, _Recompute)]
    assert [c.user_id for c in recomputations] == [learner.pk]


def test_unanswered_questions_of_a_category_count_as_wrong(
    learner, security, category, django_capture_on_commit_callbacks
):
    Evidence.objects.create(
        competency=security, level=3, kind=Evidence.Kind.CATEGORY, category=category, threshold=80
    )
    quiz = make_quiz([make_question(category=category) for _ in range(10)])
    attempt = attempt_start(user=learner, quiz=quiz, seed=1)
    first = quiz.quiz_questions.get(question_id=attempt.question_ids[0]).question
    attempt_save_answer(attempt=attempt, question_id=first.pk, response=correct_response(first))

    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt=attempt)

    assert not PersonLevel.objects.filter(user=learner).exists()  # 1/10, not 1/1


def test_a_quiz_that_keeps_no_exam_paper_still_counts_after_its_answers_are_gone(
    learner, security, category, django_capture_on_commit_callbacks
):
    Evidence.objects.create(
        competency=security, level=2, kind=Evidence.Kind.CATEGORY, category=category, threshold=80
    )
    quiz = make_quiz([make_question(category=category) for _ in range(5)], exam_paper=False)

    with django_capture_on_commit_callbacks(execute=True):
        attempt = sit(learner, quiz, right=5)

    assert not attempt.answers.exists()
    assert PersonLevel.objects.get(user=learner, competency=security).level == 2
    assert person_levels_recompute(user_id=learner.pk) == {security.pk: 2}


def test_a_new_evidence_link_recomputes_the_people_it_concerns(
    learner, security, course, django_capture_on_commit_callbacks
):
    enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]
    progress_record(user=learner, lesson=lesson, source="manual")
    assert not PersonLevel.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        evidence = Evidence.objects.create(
            competency=security, level=2, kind=Evidence.Kind.LESSON, page=lesson
        )
    assert PersonLevel.objects.get(user=learner).level == 2

    with django_capture_on_commit_callbacks(execute=True):
        evidence.delete()
    assert not PersonLevel.objects.exists()


def reads_links(captured) -> bool:
    return any('FROM "skills_evidence"' in query["sql"] for query in captured.captured_queries)


def test_the_links_are_read_once_per_process_until_a_link_changes(learner, security, course):
    enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]
    progress_record(user=learner, lesson=lesson, source="manual")
    Evidence.objects.create(competency=security, level=1, kind=Evidence.Kind.LESSON, page=lesson)
    assert person_levels_recompute(user_id=learner.pk) == {security.pk: 1}

    with CaptureQueriesContext(connection) as again:
        person_levels_recompute(user_id=learner.pk)
    assert not reads_links(again)

    Evidence.objects.create(competency=security, level=3, kind=Evidence.Kind.LESSON, page=lesson)
    with CaptureQueriesContext(connection) as changed:
        assert person_levels_recompute(user_id=learner.pk) == {security.pk: 3}
    assert reads_links(changed)


def test_a_linked_lesson_renamed_shows_its_new_title_in_the_reasons(learner, security, course):
    enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]
    progress_record(user=learner, lesson=lesson, source="manual")
    Evidence.objects.create(competency=security, level=1, kind=Evidence.Kind.LESSON, page=lesson)
    person_levels_recompute(user_id=learner.pk)

    lesson.title = "Bảo vệ dữ liệu cá nhân (bản mới)"
    lesson.save()
    person_levels_recompute(user_id=learner.pk)

    assert PersonLevel.objects.get(user=learner).evidence[0]["source"] == "Bảo vệ dữ liệu cá nhân (bản mới)"


def test_a_competence_archived_or_restored_is_seen_at_the_next_recomputation(learner, security, course):
    enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]
    progress_record(user=learner, lesson=lesson, source="manual")
    Evidence.objects.create(competency=security, level=2, kind=Evidence.Kind.LESSON, page=lesson)
    assert person_levels_recompute(user_id=learner.pk) == {security.pk: 2}
    competency_archive(competency=security)
    assert person_levels_recompute(user_id=learner.pk) == {}
    competency_restore(competency=security)
    assert person_levels_recompute(user_id=learner.pk) == {security.pk: 2}


def test_a_recomputation_costs_the_same_queries_with_2_or_5_links(learner, security, data_skill, course):
    """Query budget: one query per kind of evidence, the person's ratings and levels; the links come from
    the process's copy; nothing is deleted or written when nothing changed."""
    enrolment_create(user=learner, course=course)
    lessons = lessons_of(course)
    for lesson in lessons:
        progress_record(user=learner, lesson=lesson, source="manual")

    def cost() -> int:
        person_levels_recompute(user_id=learner.pk)  # reads the links, writes what changed
        with CaptureQueriesContext(connection) as captured:
            person_levels_recompute(user_id=learner.pk)
        return len(captured)

    Evidence.objects.create(competency=security, level=1, kind=Evidence.Kind.LESSON, page=lessons[0])
    Evidence.objects.create(competency=security, level=2, kind=Evidence.Kind.COURSE, page=course.page_ptr)
    one = cost()
    for index, lesson in enumerate(lessons[1:4], start=2):
        Evidence.objects.create(competency=data_skill, level=index, kind=Evidence.Kind.LESSON, page=lesson)
    assert cost() == one
    # Lessons, courses, ratings, levels; nothing written.
    assert one == 4
