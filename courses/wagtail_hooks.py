from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.learning.models import Enrolment

from . import draft_views, selectors
from .models import LessonPage


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


# --- Abandoned drafts (drafts.py, draft_views.py)


@hooks.register("register_admin_urls")
def register_abandoned_drafts_urls():
    return [
        path(
            "nhap-bo-do/",
            include((draft_views.urlpatterns, "abandoned_drafts"), namespace="abandoned_drafts"),
        )
    ]


class AbandonedDraftsMenuItem(MenuItem):
    def is_shown(self, request):
        return draft_views.can_author(request.user)


@hooks.register("register_admin_menu_item")
def register_abandoned_drafts_menu_item():
    return AbandonedDraftsMenuItem(
        gettext_lazy("Abandoned drafts"),
        reverse("abandoned_drafts:index"),
        name="abandoned-drafts",
        icon_name="draft",
        order=150,
    )


# --- A quiz placed in more than one lesson


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_about_shared_quizzes(request, page):
    """Saving a lesson whose quiz another lesson uses is allowed, but the trainer should know: passing the
    quiz once completes every lesson that places it."""
    lesson = page  # the editor's instance, with the body just saved (a draft or published)
    if not isinstance(lesson, LessonPage):
        return
    quiz_titles = {}
    for block in lesson.body:
        if block.block_type == "quiz" and block.value.get("quiz") is not None:
            quiz_titles[block.value["quiz"].pk] = block.value["quiz"].title
    shared = selectors.lessons_sharing_quizzes(lesson=lesson, quiz_ids=list(quiz_titles))
    for quiz_id, others in shared.items():
        names = ", ".join(f"“{other.title}” ({other.course_title})" for other in others)
        messages.warning(
            request,
            _(
                "The quiz “%(quiz)s” is also placed in the lesson %(lessons)s. A learner who passes it "
                "completes those lessons too; place a copy of the quiz if each lesson should be tested on "
                "its own."
            )
            % {"quiz": quiz_titles[quiz_id], "lessons": names},
        )
