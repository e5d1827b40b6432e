"""Wagtail's templates overridden for accessibility (docs/architecture.md, Front end): the snippet forms have
their h1, and every search form of a page is named apart from the sidebar's search (which the browser builds,
without a name). The browser tests run axe over these pages; these catch a Wagtail upgrade that bypasses an
override, without a browser."""

import re

import pytest
from django.urls import reverse

from lms.people import roles
from lms.people.services import roles_sync
from tests.builders import UserFactory, client_for, make_catalogue, make_course
from tests.quiz_builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer_client():
    groups = roles_sync()
    trainer = UserFactory(username="giangvien_timkiem")
    trainer.groups.add(groups[roles.TRAINER])
    return client_for(trainer)


def h1_texts(html: str) -> list[str]:
    return [" ".join(text.split()) for text in re.findall(r"<h1\b[^>]*>(.*?)</h1>", html, re.S)]


def search_forms(html: str) -> list[str]:
    return re.findall(r"<form\b[^>]*\brole=\"search\"[^>]*>", html)


def test_the_snippet_forms_have_their_title_as_h1(trainer_client):
    quiz = make_quiz([make_question("single")])

    added = trainer_client.get(reverse("wagtailsnippets_quiz_question:add")).text
    edited = trainer_client.get(reverse("wagtailsnippets_quiz_quiz:edit", args=[quiz.pk])).text

    assert h1_texts(added) == ["Mới: Câu hỏi"]
    assert h1_texts(edited) == [f"Đang sửa: {quiz.title}"]


def test_every_search_form_of_the_dashboard_and_the_lists_has_a_name(trainer_client):
    module = make_course(make_catalogue(), modules=1, lessons_per_module=1).get_children().first()
    pages = {
        "dashboard": reverse("wagtailadmin_home"),
        "explorer": reverse("wagtailadmin_explore", args=[module.pk]),
        "snippets": reverse("wagtailsnippets_quiz_question:list"),
    }
    named = {}
    for name, url in pages.items():
        forms = search_forms(trainer_client.get(url).text)
        assert forms, name
        named[name] = all('aria-label="' in form for form in forms)
    assert named == dict.fromkeys(pages, True)
