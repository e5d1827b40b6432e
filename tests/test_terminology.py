"""One term per idea in the Vietnamese the site shows (issue 17): the catalogues (the project's and the admin
overrides), the templates and the learner-facing docs never use the variants the project dropped."""

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = [
    ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po",
    *sorted((ROOT / "locale_overrides" / "vi" / "LC_MESSAGES").glob("*.po")),
]
# The variant dropped → the term kept.
DROPPED = {
    r"\b[Tt]ỉ lệ\b": "Tỷ lệ",
    r"\b[Hh]ồ sơ học tập\b": "hồ sơ đào tạo (the training record)",
    r"\bhiện đang ghi danh\b": "sẽ được giao (the people an assignment reaches)",
    r"\bThực hiện\b.*%\(workflow_name\)s": "Gửi duyệt",
    r"\bĐang chờ chấm\b": "Chờ chấm tự luận (an attempt's status)",
}


def _translations() -> list[tuple[str, str]]:
    found = []
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if text:
                    found.append((f"{path.relative_to(ROOT)}: {entry.msgid[:60]}", text))
    return found


def _templates() -> list[tuple[str, str]]:
    files = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "docs").rglob("*.md"), ROOT / "README.md"]
    return [(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")) for path in files]


@pytest.mark.parametrize("pattern", DROPPED)
def test_no_dropped_variant_in_the_catalogues_templates_or_docs(pattern):
    texts = _translations() + _templates()
    assert len(texts) > 1000

    offending = [where for where, text in texts if re.search(pattern, text)]

    assert offending == [], f"use “{DROPPED[pattern]}” instead"


def test_the_kept_terms_are_what_the_site_shows():
    with translation.override("vi"):
        assert gettext("Training record") == "Hồ sơ đào tạo"
        assert gettext("My training record (PDF)") == "Hồ sơ đào tạo của tôi (PDF)"
        assert pgettext("action", "Exempt") == "Miễn học"
        assert gettext("Exempt") == "Được miễn"  # the status
        # Wagtail's workflow buttons, whatever the workflow is called.
        assert gettext("Submit to %(workflow_name)s") % {"workflow_name": "Duyệt khóa học"} == "Gửi duyệt"
        assert gettext("Resubmit to %(task_name)s") % {"task_name": "Quản trị viên"} == "Gửi duyệt lại"
        assert gettext("Continue the course") == "Tiếp tục khóa học"
        assert pgettext("attempt outcome", "Awaiting essay marking") == "Chờ chấm tự luận"


def test_exempt_buttons_use_the_action_word():
    buttons = [
        ROOT / "templates" / "compliance" / "exempt_confirm.html",
        ROOT / "templates" / "compliance" / "assignments" / "exempt.html",
        ROOT / "templates" / "compliance" / "assignments" / "cells" / "exemption.html",
    ]
    for path in buttons:
        text = path.read_text(encoding="utf-8")
        assert '{% trans "Exempt" context "action" %}' in text, path
        assert '{% trans "Exempt" %}' not in text, path
