"""Abandoned drafts (courses/drafts.py, draft_views.py): listed for the trainer who left them, discarded only
after confirmation: a never-published page is deleted, a live page's draft goes back to the live version."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from courses import drafts
from courses.models import LessonPage, ModulePage
from lms.people import roles
from lms.people.services import roles_sync
from tests.builders import UserFactory, client_for, make_catalogue, make_course

pytestmark = pytest.mark.django_db


def backdate(page, days: int) -> None:
    Page.objects.filter(pk=page.pk).update(latest_revision_created_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def setting():
    groups = roles_sync()
    trainer = UserFactory(username="giangvien_nhap")
    trainer.groups.add(groups[roles.TRAINER])
    other = UserFactory(username="giangvien_khac")
    other.groups.add(groups[roles.TRAINER])
    course = make_course(make_catalogue(), modules=1, lessons_per_module=2)
    module = ModulePage.objects.child_of(course).get()
    return trainer, other, module


def new_draft(module, user, title: str, *, days: int) -> LessonPage:
    page = module.add_child(instance=LessonPage(title=title, live=False, owner=user))
    page.save_revision(user=user)
    backdate(page, days)
    return page


def live_draft(lesson, user, title: str, *, days: int) -> LessonPage:
    lesson.title = title
    lesson.save_revision(user=user)
    backdate(lesson, days)
    return lesson


def test_only_the_trainers_own_old_drafts_are_listed(setting):
    trainer, other, module = setting
    old = new_draft(module, trainer, "Bài nháp cũ", days=30)
    new_draft(module, trainer, "Bài nháp mới", days=2)
    new_draft(module, other, "Bài nháp của người khác", days=30)
    first, second = LessonPage.objects.child_of(module).live().order_by("path")[:2]
    live_draft(first, trainer, "Bài 1 (sửa dở)", days=20)
    live_draft(second, trainer, "Bài 2 (sửa gần đây)", days=1)

    listed = drafts.abandoned_drafts(user=trainer)
    assert [(d.page.pk, d.never_published) for d in listed] == [(old.pk, True), (first.pk, False)]


def test_the_list_page_shows_them_and_discarding_asks_first(setting):
    trainer, _other, module = setting
    old = new_draft(module, trainer, "Bài nháp cũ", days=30)
    client = client_for(trainer)

    listing = client.get(reverse("abandoned_drafts:index"))
    assert listing.status_code == 200
    assert "Bản nháp bị bỏ dở" in listing.text and "Bài nháp cũ" in listing.text

    confirm = client.get(reverse("abandoned_drafts:discard", args=[old.pk]))
    assert "không thể hoàn tác" in confirm.text
    assert Page.objects.filter(pk=old.pk).exists()  # a GET only asks

    client.post(reverse("abandoned_drafts:discard", args=[old.pk]))
    assert not Page.objects.filter(pk=old.pk).exists()


def test_discarding_a_live_pages_draft_keeps_the_live_version(setting):
    trainer, _other, module = setting
    lesson = LessonPage.objects.child_of(module).live().order_by("path").first()
    live_title = lesson.title
    live_draft(lesson, trainer, "Bài 1 (sửa dở)", days=20)

    response = client_for(trainer).post(reverse("abandoned_drafts:discard", args=[lesson.pk]))

    assert response.status_code == 302
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.live and not lesson.has_unpublished_changes
    assert lesson.title == live_title == lesson.draft_title
    assert lesson.get_latest_revision_as_object().title == live_title
    assert drafts.abandoned_drafts(user=trainer) == []


def test_another_persons_draft_cannot_be_discarded(setting):
    trainer, other, module = setting
    theirs = new_draft(module, other, "Bài nháp của người khác", days=30)
    response = client_for(trainer).post(reverse("abandoned_drafts:discard", args=[theirs.pk]))
    assert response.status_code == 404
    assert Page.objects.filter(pk=theirs.pk).exists()


def test_a_learner_has_no_draft_list():
    learner = UserFactory(username="hocvien_nhap")
    assert client_for(learner).get(reverse("abandoned_drafts:index")).status_code in (302, 403, 404)
