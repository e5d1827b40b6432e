from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from wagtail.models import Page

from lms.http import post_required, problem
from lms.offline import allow_offline
from lms.quiz import selectors as quiz_selectors

from . import selectors, services, structure
from .links import completed_course_links, my_learning_links
from .models import LessonCompletion


def _live_specific(model, pk):
    return model.objects.live().filter(pk=pk).first()


@login_required
@post_required
def enrol(request, course_id: int):
    course = _live_specific(structure.course_model(), course_id)
    if course is None:
        return problem(request, message=_("This course does not exist or is not published."), status=404)
    try:
        _enrolment, created = services.enrolment_create(user=request.user, course=course)
    except services.LearningError as error:
        return problem(request, message=error.message, status=error.status)
    if created:
        messages.success(
            request, _("You are enrolled in “%(course)s”. Good luck!") % {"course": course.title}
        )
    else:
        messages.info(request, _("You are already enrolled in this course."))
    return redirect(course.get_url(request))


@login_required
@post_required
def lesson_complete(request, lesson_id: int):
    lesson = _live_specific(structure.lesson_model(), lesson_id)
    if lesson is None:
        message = _("This lesson does not exist or is not published.")
        if request.headers.get("X-Requested-With") == "fetch":
            return JsonResponse({"ok": False, "message": message}, status=404)
        return problem(request, message=message, status=404)
    try:
        result = services.progress_record(
            user=request.user, lesson=lesson, source=LessonCompletion.Source.MANUAL
        )
    except services.LearningError as error:
        if request.headers.get("X-Requested-With") == "fetch":
            return JsonResponse({"ok": False, "message": str(error.message)}, status=error.status)
        course = structure.course_of(lesson)
        return problem(
            request,
            message=error.message,
            status=error.status,
            back_url=course.get_url(request) if course else None,
        )
    if result.course_newly_completed:
        messages.success(request, _("Congratulations! You have completed the course."))
        target = Page.objects.get(pk=result.enrolment.course_id).get_url(request)
    else:
        if result.lesson_newly_completed:
            messages.success(request, _("Lesson marked as complete."))
        following = lesson.next_lesson()
        target = following.get_url(request) if following else lesson.get_url(request)
    if request.headers.get("X-Requested-With") == "fetch":
        # The offline outbox (static/js/outbox.js) sent it; marking twice is harmless, so a retry is too.
        return JsonResponse({"ok": True, "url": target})
    return redirect(target)


@login_required
def my_learning(request):
    enrolments = list(selectors.enrolments_with_progress(user=request.user))
    for enrolment in enrolments:
        enrolment.percent = selectors.progress_percent(enrolment)
    in_progress = [e for e in enrolments if e.completed_at is None]
    following = selectors.lessons_to_continue(enrolments=in_progress)
    for enrolment in in_progress:
        enrolment.continue_lesson = following.get(enrolment.pk)
    completed = sorted((e for e in enrolments if e.completed_at), key=lambda e: e.completed_at, reverse=True)
    completed_page = Paginator(completed, 20).get_page(request.GET.get("page"))
    card_links = completed_course_links(user=request.user, course_ids=[e.course_id for e in completed_page])
    for enrolment in completed_page:
        enrolment.card_links = card_links.get(enrolment.course_id, [])
    response = render(
        request,
        "learning/my_learning.html",
        {
            "in_progress": in_progress,
            "completed_page": completed_page,
            "category_progress": quiz_selectors.category_progress(user=request.user),
            "attempts": quiz_selectors.attempt_history(user=request.user),
            "links": my_learning_links(),
        },
    )
    return allow_offline(response)
