"""The H5P block's form in the lesson editor carries the rules each activity can meet (read in one query,
fresh on every opening of the editor) and the script that offers only those (static/js/lesson-h5p-block.js;
the browser side is tests/e2e/test_h5p_block_editor.py)."""

import html
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.h5p.models import Activity
from lms.h5p.selectors import activity_rules
from lms.people.roles import TRAINER
from lms.people.services import roles_sync
from tests.builders import UserFactory, lessons_of, make_course
from tests.h5p_builders import make_typed_activity

pytestmark = pytest.mark.django_db


def test_the_rules_of_every_activity_in_one_query():
    accordion = make_typed_activity("H5P.Accordion", "1.0")
    blanks = make_typed_activity("H5P.Blanks", "1.14")
    unknown = make_typed_activity("H5P.Timeline", "1.1")
    empty = Activity.objects.create(title="Chưa có tệp")

    with CaptureQueriesContext(connection) as queries:
        rules = activity_rules()

    assert len(queries) == 1
    assert rules[accordion.pk] == ("viewed",)
    assert rules[blanks.pk] == ("completed", "passed", "scaled", "viewed")
    assert rules[unknown.pk] == ("viewed", "completed")
    assert empty.pk not in rules


def h5p_block_meta(response) -> dict:
    """The H5P block's definition meta, as packed (telepath) into the editor page."""
    packed = re.search(r'data-w-block-data-value="([^"]*)"', response.content.decode()).group(1)

    def find(node):
        if isinstance(node, dict):
            if node.get("_type") == "content.blocks.H5PActivityBlock":
                return node["_args"][2]
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            return None
        for child in children:
            if (found := find(child)) is not None:
                return found
        return None

    return find(json.loads(html.unescape(packed)))


def test_the_editor_knows_the_rules_of_activities_uploaded_since_it_was_last_opened(client, catalogue):
    trainer = UserFactory(username="giangvien_khoi_h5p")
    trainer.groups.add(roles_sync()[TRAINER])
    lesson = lessons_of(make_course(catalogue, modules=1, lessons_per_module=1))[0]
    accordion = make_typed_activity("H5P.Accordion", "1.0")
    client.force_login(trainer)
    url = f"/admin/pages/{lesson.pk}/edit/"

    first = client.get(url)
    blanks = make_typed_activity("H5P.Blanks", "1.12")
    second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert "js/lesson-h5p-block.js" in first.content.decode()
    meta = h5p_block_meta(first)
    assert meta["activityRules"] == {str(accordion.pk): ["viewed"]}
    assert meta["ruleWarning"].startswith("Học viên sẽ không bao giờ đạt được quy tắc “%(rule)s”")
    assert "%(rules)s" in meta["ruleWarning"]
    assert h5p_block_meta(second)["activityRules"] == {
        str(accordion.pk): ["viewed"],
        str(blanks.pk): ["completed", "passed", "scaled", "viewed"],
    }
