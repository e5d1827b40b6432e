"""The question form shows only the fields of the chosen kind (lms/quiz/wagtail_hooks.py,
static/js/question-kind.js): the panels name their kinds, the kind select loads the script."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from lms.people import roles
from lms.people.services import roles_sync
from tests.builders import UserFactory, client_for

pytestmark = pytest.mark.django_db


def kinds_of(html: str, marker: str) -> str:
    """The data-question-kinds of the panel wrapping `marker` (the nearest one before it)."""
    before = html[: html.index(marker)]
    return re.findall(r'data-question-kinds="([^"]+)"', before)[-1]


def test_the_question_form_marks_each_panel_with_its_kinds():
    groups = roles_sync()
    trainer = UserFactory(username="giangvien_cauhoi")
    trainer.groups.add(groups[roles.TRAINER])
    html = client_for(trainer).get(reverse("wagtailsnippets_quiz_question:add")).text

    assert "data-question-kind" in html and "js/question-kind.js" in html
    assert kinds_of(html, 'name="correct_is_true"') == "true_false"
    assert kinds_of(html, 'name="partial_credit"') == "multiple"
    assert kinds_of(html, 'name="answer_order"') == "single multiple"
    assert kinds_of(html, 'name="case_sensitive"') == "short"
    assert kinds_of(html, 'name="ignore_diacritics"') == "short"
    assert kinds_of(html, 'id="id_answers-TOTAL_FORMS"') == "single multiple short"
    # Fields every kind needs are never inside a kind-specific panel.
    text_at = html.index('name="text"')
    assert 'data-question-kinds="' not in html[html.index('name="kind"') : text_at]


def test_the_script_is_a_static_file():
    assert finders.find("js/question-kind.js")
