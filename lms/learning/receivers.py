"""Results from activities become progress: learning listens to what quiz (and later H5P) emit."""

from django.dispatch import receiver

from lms.h5p.signals import result_recorded
from lms.quiz.signals import attempt_finished

from . import services, structure
from .models import LessonCompletion, LessonRequirement


@receiver(attempt_finished)
def quiz_attempt_finished(sender, attempt, **kwargs):
    """A submitted or re-marked attempt may complete the lesson the quiz was taken in."""
    if attempt.context_page_id is None or not attempt.passed:
        return
    lesson = structure.lesson_model().objects.live().filter(pk=attempt.context_page_id).first()
    if lesson is None or attempt.quiz_id not in lesson.quiz_ids():
        return
    try:
        services.progress_record(user=attempt.user, lesson=lesson, source=LessonCompletion.Source.QUIZ)
    except services.LearningError:
        # Not enrolled any more, or other quizzes of the lesson still to pass: nothing to record yet.
        return


@receiver(result_recorded)
def h5p_result_recorded(sender, result, **kwargs):
    """A new H5P result may complete every lesson that uses the activity, in every enrolled course."""
    services.activity_progress_record(
        user=result.user,
        kind=LessonRequirement.Kind.H5P,
        object_id=result.activity_id,
        source=LessonCompletion.Source.H5P,
    )
