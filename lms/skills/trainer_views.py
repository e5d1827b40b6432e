"""A trainer rates the learners of the courses they train, in the Wagtail admin: the list of those learners
(filtered by course, searched by name) and, beside each, "Đánh giá kỹ năng": a level and a note in one of the
competences linked as evidence to that course.

Who: `skills.rate_learners` (the Trainer role, `lms/people/roles.py`), checked by `require` for GET and POST
alike; whom: the people enrolled in a course whose trainer the viewer is (`selectors.learner_to_rate`),
anyone else a 404; never themselves (403). HR rates from the skills map (`map_views.rate_view`).
"""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages

from lms.http import problem
from lms.learning.selectors import trained_courses
from lms.learning.structure import course_model
from lms.people.permissions import allows, require
from lms.validation import IdField

from .forms import RatingForm
from .models import ScaleLevel
from .selectors import course_competencies, learner_to_rate, learners_to_rate
from .services import rating_create

RATE_LEARNERS = "skills.rate_learners"
PER_PAGE = 50


def may_rate_learners(user) -> bool:
    """The menu's question: the permission and at least one course the person trains."""
    return allows(user, RATE_LEARNERS, units=False) and trained_courses(user).exists()


class LearnerFilters(forms.Form):
    course = IdField(required=False)
    q = forms.CharField(required=False, max_length=100)


def learners_view(request):
    require(request.user, RATE_LEARNERS, units=False)
    filters = LearnerFilters(request.GET)
    if not filters.is_valid():
        raise Http404
    course_id, query = filters.cleaned_data["course"], filters.cleaned_data["q"]
    page = Paginator(
        learners_to_rate(viewer=request.user, course_id=course_id, query=query), PER_PAGE
    ).get_page(request.GET.get("p"))
    courses = course_model().objects.filter(pk__in=trained_courses(request.user)).order_by("title")
    return render(
        request,
        "skills/admin/learners.html",
        {
            "page_obj": page,
            "courses": courses.only("pk", "title"),
            "course_id": course_id,
            "query": query,
            "back": request.get_full_path(),
        },
    )


def rate_view(request, course_id, user_id):
    require(request.user, RATE_LEARNERS, units=False)
    list_url = reverse("skills_learners:index")
    if user_id == request.user.pk:
        return problem(
            request,
            title=_("You cannot rate yourself"),
            message=_("Ask another trainer or an HR officer to rate your own skills."),
            status=403,
            back_url=list_url,
        )
    enrolment = learner_to_rate(viewer=request.user, course_id=course_id, user_id=user_id)
    if enrolment is None:
        raise Http404
    course, person = enrolment.course, enrolment.user
    back = request.GET.get("back", "")
    back = back if back.startswith(list_url) else list_url  # the list with its filters, never another address
    competencies = course_competencies(course=course)
    if not competencies.exists():
        return problem(
            request,
            title=_("No competence is linked to this course"),
            message=_(
                "A trainer rates learners in the competences the course gives evidence for. Link the course "
                "or its lessons to competences first (Digital skills → Evidence)."
            ),
            status=404,
            back_url=back,
        )
    levels = ScaleLevel.objects.filter(framework_id__in=competencies.values("framework_id"))
    form = RatingForm(request.POST or None, levels=levels, competencies=competencies)
    if request.method == "POST" and form.is_valid():
        official = getattr(person, "official", None)
        rating_create(
            user=person,
            unit=official.unit if official else None,
            competency=form.cleaned_data["competency"],
            level=form.cleaned_data["level"],
            note=form.cleaned_data["note"],
            by=request.user,
            course=course,
        )
        messages.success(request, _("Rating of %(name)s saved.") % {"name": person.get_full_name()})
        return redirect(back)
    return render(
        request,
        "skills/admin/rate.html",
        {"form": form, "person": person, "course": course, "cancel_url": back},
    )


urlpatterns = [
    path("", learners_view, name="index"),
    path("<id:course_id>/<id:user_id>/", rate_view, name="rate"),
]
