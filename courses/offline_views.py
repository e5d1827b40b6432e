from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from lms.learning import selectors as learning_selectors

from . import offline
from .models import CoursePage


@require_safe
@never_cache
def course_download(request, course_id: int):
    """The list of URLs (and byte sizes) that "Download for offline study" stores, for an enrolled learner of
    the course only; anyone else learns nothing about the course's contents."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Log in to download this course.")}, status=403)
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        return JsonResponse({"error": _("This course does not exist or is not published.")}, status=404)
    if not learning_selectors.course_progress(user=request.user, course=course).is_enrolled:
        return JsonResponse({"error": _("Enrol in this course to download it.")}, status=403)
    data = offline.as_json(offline.course_resources(course=course, user=request.user, request=request))
    data.update({"course": course.pk, "title": course.title})
    response = JsonResponse(data)
    response["Cache-Control"] = "private, no-store"
    return response
