"""Taking a quiz inside a lesson. Access goes through the lesson: published, and the person enrolled.
Scores come from lms.quiz.services only; these views never see a correct answer before review allows."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lms.http import post_required, problem
from lms.learning import services as learning_services
from lms.offline import allow_offline
from lms.quiz import selectors as quiz_selectors
from lms.quiz import services as quiz_services
from lms.quiz.models import Attempt, Question, Quiz
from lms.validation import IdField

from .models import LessonPage

# ?cau=xem-lai: the review screen of a quiz shown one question per page (answered and unanswered questions,
# then "Nộp bài").
REVIEW = "xem-lai"


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _fail(request, *, message, status, back_url=None):
    """A refusal: quiz.js gets `{"ok": false, "message": …}` and shows the message (it does not retry a 4xx);
    a plain form post gets the problem page."""
    if _wants_json(request):
        return JsonResponse({"ok": False, "message": str(message)}, status=status)
    return problem(request, message=message, status=status, back_url=back_url)


def _login_required(view):
    """`login_required`, except that quiz.js, which saves answers in the background, is told in words that the
    person is signed out (403, as Django REST framework answers a session that is gone) instead of being
    redirected to the login page, which it could not show."""
    protected = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if _wants_json(request) and not request.user.is_authenticated:
            message = _("You are signed out, so this answer was not saved. Sign in again to continue.")
            response = _fail(request, message=message, status=403)
            # The outbox keeps the action and sends it when the same person signs in again.
            response["X-Signed-Out"] = "1"
            return response
        return protected(request, *args, **kwargs)

    return wrapper


def _own_attempt(request, attempt_id: int) -> Attempt:
    # Another person's attempt is "not found", not "forbidden": ids reveal nothing.
    return get_object_or_404(Attempt.objects.select_related("quiz"), pk=attempt_id, user=request.user)


def _lesson_url(request, attempt: Attempt) -> str | None:
    lesson = LessonPage.objects.live().filter(pk=attempt.context_page_id).first()
    return lesson.get_url(request) if lesson else None


@login_required
@post_required
def quiz_start(request, lesson_id: int, quiz_id: int):
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    quiz = lesson.placed_quiz(quiz_id) if lesson is not None else None
    if quiz is None:
        return problem(request, message=_("This quiz is not part of a published lesson."), status=404)
    try:
        learning_services.enrolment_for_lesson(user=request.user, lesson=lesson)
        attempt = quiz_services.attempt_start(user=request.user, quiz=quiz, context_page_id=lesson.pk)
    except (learning_services.LearningError, quiz_services.QuizError) as error:
        return problem(request, message=error.message, status=error.status, back_url=lesson.get_url(request))
    return redirect("lesson_quiz:take", attempt_id=attempt.pk)


@login_required
def attempt_take(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    # Only an attempt whose time ran out, as just read, is locked and looked at again.
    if quiz_services.attempt_is_overdue(attempt=attempt):
        if quiz_services.attempt_expire_if_due(attempt=attempt):
            return redirect("lesson_quiz:result", attempt_id=attempt.pk)
        attempt.refresh_from_db()
    if not attempt.is_in_progress:
        return redirect("lesson_quiz:result", attempt_id=attempt.pk)
    questions = quiz_selectors.attempt_questions(attempt=attempt)
    answered = sum(1 for item in questions if item.response is not None)
    review_screen = False
    if attempt.quiz.one_per_page:
        wanted = request.GET.get("cau", "")
        try:
            number = int(wanted)
        except ValueError:
            # Nothing asked: the first question not answered yet; everything answered: the review screen.
            number = next((item.number for item in questions if item.response is None), None)
            review_screen = wanted == REVIEW or number is None or not questions
        if review_screen:
            number, shown = None, []
        else:
            number = min(max(number, 1), len(questions))
            shown = [questions[number - 1]]
    else:
        number, shown = None, questions
    feedback = request.session.pop(f"quiz-feedback-{attempt.pk}", None)
    return allow_offline(
        render(
            request,
            "quiz/take.html",
            {
                "attempt": attempt,
                "quiz": attempt.quiz,
                "questions": questions,
                "shown": shown,
                "number": number,
                "answered": answered,
                "lesson_url": _lesson_url(request, attempt),
                "locked": not attempt.quiz.answers_at_end,
                "feedback": feedback,
                "unanswered": len(questions) - answered,
                "review_screen": review_screen,
                "review_key": REVIEW,
            },
        )
    )


def _response_from_post(request, question: Question):
    if question.kind == Question.Kind.SINGLE:
        return request.POST.get("choice")
    if question.kind == Question.Kind.MULTIPLE:
        return request.POST.getlist("choices")
    if question.kind == Question.Kind.TRUE_FALSE:
        return request.POST.get("value")
    return request.POST.get("text", "")


class AnswerForm(forms.Form):
    """What the answer form (and quiz.js) posts besides the response itself: which question, and where to go
    next. The response fields depend on the question's kind (`_response_from_post`)."""

    question = IdField()
    # A question's number, or the review screen after the last question.
    go = forms.RegexField(regex=rf"^(?:[1-9][0-9]{{0,3}}|{REVIEW})$", required=False)
    number = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    # From the offline outbox (static/js/outbox.js): the device's id for this answer, and when it was made.
    client_id = forms.UUIDField(required=False)
    made_at = forms.DateTimeField(required=False)
    # The browser that made it and the answer's running number there: the learner's order, not the order of
    # arrival, decides which of two answers to one question stays (lms.quiz.services.attempt_save_answer).
    device = forms.UUIDField(required=False)
    device_seq = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1)


@_login_required
@post_required
def attempt_answer(request, attempt_id: int):
    """Save one answer. Kept to a few queries (the session, the person, the question with its choices and the
    service's locked transaction): on an exam morning a whole city answers the same quiz at once."""
    form = AnswerForm(request.POST)
    form.is_valid()  # a damaged `go` or `number` only loses the page to go to; a bad question is refused
    question_id = form.cleaned_data.get("question")
    question = (
        Question.objects.prefetch_related("answers").filter(pk=question_id).first() if question_id else None
    )
    if question is None:
        return _fail(request, message=_("This question is not part of your attempt."), status=400)
    if any(name in form.errors for name in ("client_id", "made_at", "device", "device_seq")):
        return _fail(
            request, message=_("This answer was not accepted. Reload the page and answer again."), status=400
        )
    try:
        result = quiz_services.answer_save(
            attempt_id=attempt_id,
            user=request.user,
            question_id=question.pk,
            question=question,
            response=_response_from_post(request, question),
            client_id=form.cleaned_data.get("client_id"),
            made_at=form.cleaned_data.get("made_at"),
            device=form.cleaned_data.get("device"),
            device_seq=form.cleaned_data.get("device_seq"),
        )
    except quiz_services.AttemptNotFound:
        raise Http404 from None
    except quiz_services.AttemptClosed as error:
        attempt = _own_attempt(request, attempt_id)
        if not attempt.is_in_progress:
            # The result page says why (time up, or submitted elsewhere); quiz.js reloads to get there.
            messages.warning(request, error.message)
            if _wants_json(request):
                return JsonResponse(
                    {"ok": False, "message": str(error.message), "submitted": True}, status=409
                )
            return redirect("lesson_quiz:result", attempt_id=attempt.pk)
        return _fail(request, message=error.message, status=error.status)
    except quiz_services.QuizError as error:
        return _fail(request, message=error.message, status=error.status)
    attempt = result.attempt
    feedback = None
    if not attempt.quiz.answers_at_end and result.is_correct is not None:
        feedback = {"correct": result.is_correct}
        if attempt.quiz.review >= Quiz.Review.EXPLANATIONS:
            feedback["explanation"] = question.explanation
            feedback["choices"] = quiz_selectors.answer_feedback(
                question=question, response=result.answer.response
            )
    if _wants_json(request):
        # Built from what the server stored only, so a retried answer gets this same reply.
        reply = {"ok": True, "feedback": feedback}
        if result.stale:
            reply["stale"] = True  # a newer answer from this device is already stored: nothing changed
        if result.late:
            reply["late"] = True
            reply["message"] = _("Sent after the time limit, but made before it: this answer counts.")
        return JsonResponse(reply)
    if feedback is not None:
        request.session[f"quiz-feedback-{attempt.pk}"] = {"question": question.pk, **feedback}
    target = reverse("lesson_quiz:take", kwargs={"attempt_id": attempt.pk})
    go, number = form.cleaned_data.get("go"), form.cleaned_data.get("number")
    if go:
        target += f"?cau={go}"
    elif feedback is not None and number is not None:
        target += f"?cau={number}"
    return redirect(target)


def _course_completed(request, attempt: Attempt) -> bool:
    lesson = LessonPage.objects.live().filter(pk=attempt.context_page_id).first()
    if lesson is None:
        return False
    try:
        enrolment = learning_services.enrolment_for_lesson(user=request.user, lesson=lesson)
    except learning_services.LearningError:
        return False
    return enrolment.completed_at is not None


@_login_required
@post_required
def attempt_submit(request, attempt_id: int):
    """Submitting twice is harmless (the service returns the submitted attempt), so the outbox's retries of a
    submission need no receipt: every retry gets the same reply."""
    attempt = _own_attempt(request, attempt_id)
    completed_before = _course_completed(request, attempt)
    quiz_services.attempt_submit(attempt=attempt)
    if not completed_before and _course_completed(request, attempt):
        messages.success(request, _("Congratulations! You have completed the course."))
    target = reverse("lesson_quiz:result", kwargs={"attempt_id": attempt.pk})
    if _wants_json(request):
        return JsonResponse({"ok": True, "submitted": True, "url": target})
    return redirect(target)


@login_required
def attempt_result(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    quiz_services.attempt_expire_if_due(attempt=attempt)
    attempt.refresh_from_db()
    if attempt.is_in_progress:
        return redirect("lesson_quiz:take", attempt_id=attempt.pk)
    grade = quiz_selectors.quiz_grade(user=request.user, quiz=attempt.quiz)
    lesson_url = _lesson_url(request, attempt)
    return allow_offline(
        render(
            request,
            "quiz/result.html",
            {
                "attempt": attempt,
                "quiz": attempt.quiz,
                "grade": grade,
                "review": quiz_selectors.attempt_review(attempt=attempt),
                "lesson_url": lesson_url,
                "can_retake": attempt.context_page_id is not None and grade.attempts_left != 0,
            },
        )
    )
