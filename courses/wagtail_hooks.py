from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from lms.learning.models import Enrolment


@hooks.register("before_delete_page")
def keep_courses_with_learners(request, page):
    """Learning records must outlive their course: refuse to delete a course anyone is enrolled in."""
    if Enrolment.objects.filter(course__path__startswith=page.path).exists():
        messages.error(
            request,
            _(
                "This page cannot be deleted because officials are enrolled in a course it contains. "
                "Unpublish it instead: their learning records are kept."
            ),
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None
