import pytest
from django.utils import timezone

from lms.learning import services
from lms.learning.models import Enrolment, LessonCompletion
from lms.learning.signals import course_completed
from tests.builders import after_commit, lessons_of, make_course

MANUAL = LessonCompletion.Source.MANUAL


@pytest.fixture
def completions_signalled():
    received = []

    def handler(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    course_completed.connect(handler)
    yield received
    course_completed.disconnect(handler)


def test_enrolling_twice_keeps_one_enrolment(learner, course):
    first, created_first = services.enrolment_create(user=learner, course=course)
    second, created_second = services.enrolment_create(user=learner, course=course)

    assert created_first is True
    assert created_second is False
    assert first.pk == second.pk
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1


def test_enrolling_in_an_unpublished_course_is_refused(learner, course):
    course.unpublish()

    with pytest.raises(services.CourseNotAvailable):
        services.enrolment_create(user=learner, course=course)
    assert not Enrolment.objects.exists()


def test_course_completes_only_when_every_required_lesson_is_complete(learner, course, completions_signalled):
    services.enrolment_create(user=learner, course=course)
    lessons = lessons_of(course)

    for lesson in lessons[:-1]:
        result = services.progress_record(user=learner, lesson=lesson, source=MANUAL)
        assert result.course_newly_completed is False
    assert Enrolment.objects.get(user=learner).completed_at is None

    with after_commit():  # announced after the completion's commit
        result = services.progress_record(user=learner, lesson=lessons[-1], source=MANUAL)
        assert completions_signalled == []

    assert result.course_newly_completed is True
    assert Enrolment.objects.get(user=learner).completed_at is not None
    assert completions_signalled == [result.enrolment.pk]


def test_completion_is_recorded_exactly_once(learner, course, completions_signalled):
    services.enrolment_create(user=learner, course=course)
    lessons = lessons_of(course)
    with after_commit():
        for lesson in lessons:
            services.progress_record(user=learner, lesson=lesson, source=MANUAL)
    first_completed_at = Enrolment.objects.get(user=learner).completed_at

    with after_commit():
        again = services.progress_record(user=learner, lesson=lessons[-1], source=MANUAL)

    assert again.lesson_newly_completed is False
    assert again.course_newly_completed is False
    assert Enrolment.objects.get(user=learner).completed_at == first_completed_at
    assert LessonCompletion.objects.filter(enrolment__user=learner).count() == len(lessons)
    assert len(completions_signalled) == 1


def test_optional_lessons_are_not_needed_for_completion(learner, catalogue):
    course = make_course(catalogue, modules=1, lessons_per_module=3, optional=(3,))
    services.enrolment_create(user=learner, course=course)
    first, second, _optional = lessons_of(course)

    services.progress_record(user=learner, lesson=first, source=MANUAL)
    result = services.progress_record(user=learner, lesson=second, source=MANUAL)

    assert result.course_newly_completed is True


def test_unpublished_lessons_are_not_needed_for_completion(learner, catalogue):
    course = make_course(catalogue, modules=1, lessons_per_module=3)
    services.enrolment_create(user=learner, course=course)
    first, second, draft = lessons_of(course)
    draft.unpublish()

    services.progress_record(user=learner, lesson=first, source=MANUAL)
    result = services.progress_record(user=learner, lesson=second, source=MANUAL)

    assert result.course_newly_completed is True


def test_progress_without_enrolment_is_refused(learner, course):
    lesson = lessons_of(course)[0]

    with pytest.raises(services.NotEnrolled):
        services.progress_record(user=learner, lesson=lesson, source=MANUAL)
    assert not LessonCompletion.objects.exists()


def test_enrolment_in_one_course_does_not_open_another(learner, catalogue):
    enrolled = make_course(catalogue, title="Khóa A")
    other = make_course(catalogue, title="Khóa B")
    services.enrolment_create(user=learner, course=enrolled)

    with pytest.raises(services.NotEnrolled):
        services.progress_record(user=learner, lesson=lessons_of(other)[0], source=MANUAL)
    assert not LessonCompletion.objects.exists()


def test_progress_on_an_unpublished_lesson_is_refused(learner, course):
    services.enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]
    lesson.unpublish()
    lesson.refresh_from_db()

    with pytest.raises(services.CourseNotAvailable):
        services.progress_record(user=learner, lesson=lesson, source=MANUAL)
    assert not LessonCompletion.objects.exists()


def test_an_activity_source_does_not_complete_a_plain_lesson(learner, course):
    services.enrolment_create(user=learner, course=course)

    with pytest.raises(services.ProgressNotAccepted):
        services.progress_record(
            user=learner, lesson=lessons_of(course)[0], source=LessonCompletion.Source.QUIZ
        )
    assert not LessonCompletion.objects.exists()


def test_progress_remembers_the_last_lesson(learner, course):
    services.enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[1]

    services.progress_record(user=learner, lesson=lesson, source=MANUAL)

    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.last_lesson_id == lesson.pk
    assert enrolment.last_activity_at <= timezone.now()
