"""axe-core over the trainer's pages, at a desktop's width: the page editor (an existing lesson and a new
one), the question and quiz snippet forms, the Wagtail dashboard, the page explorer and the abandoned drafts.
No violation of any impact. Wagtail's own markup needed template overrides for it (docs/architecture.md,
"Accessibility"): its page search forms are named apart from the sidebar's search (landmark-unique), and the
snippet forms get their h1 (page-has-heading-one)."""

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Page

from courses.models import LessonPage, ModulePage
from lms.people import roles
from lms.people.services import roles_sync
from tests.builders import UserFactory, make_catalogue, make_course
from tests.quiz_builders import make_question, make_quiz

from .axe_helpers import axe_violations
from .test_h5p import log_in


def test_the_trainers_pages_have_no_accessibility_violation(live_server, transactional_db, page):
    groups = roles_sync()
    trainer = UserFactory(username="giangvien_a11y")
    trainer.groups.add(groups[roles.TRAINER])
    course = make_course(make_catalogue(), modules=1, lessons_per_module=2)
    module = ModulePage.objects.child_of(course).get()
    lesson = LessonPage.objects.child_of(module).first()
    draft = module.add_child(instance=LessonPage(title="Bài viết dở", live=False, owner=trainer))
    draft.save_revision(user=trainer)
    Page.objects.filter(pk=draft.pk).update(latest_revision_created_at=timezone.now() - timedelta(days=30))
    quiz = make_quiz([make_question("single")])
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, trainer.username)

    found = {}
    for address in (
        f"/admin/pages/{lesson.pk}/edit/",
        f"/admin/pages/add/courses/lessonpage/{module.pk}/",
        reverse("wagtailsnippets_quiz_question:add"),
        reverse("wagtailsnippets_quiz_quiz:edit", args=[quiz.pk]),
        # Pages without an editing session last: leaving an editor sends its release, which must not reach
        # the server while the test's database is being flushed.
        "/admin/",
        f"/admin/pages/{module.pk}/",
        "/admin/nhap-bo-do/",
        f"/admin/nhap-bo-do/{draft.pk}/discard/",
    ):
        page.goto(live_server.url + address)
        assert page.url == live_server.url + address  # the page itself, not a refusal's redirect
        expect(page.locator("main")).to_be_visible()
        violations = axe_violations(page)
        if violations:
            found[address] = violations
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
