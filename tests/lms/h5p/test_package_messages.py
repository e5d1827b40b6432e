"""A refused H5P package says each reason once, with a count and examples ("18 tệp trùng tên, ví dụ …"),
instead of one line per file, in the service and on the upload page."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from lms.h5p.models import Activity
from lms.h5p.package_errors import GROUPED, MESSAGES, PackageInvalid, package_error, summarize
from lms.h5p.validation import package_validate
from lms.people import roles
from lms.people.services import roles_sync
from tests.builders import UserFactory

from .conftest import media_files, rebuild, upload

ADD_URL = reverse("wagtailsnippets_h5p_activity:add")


def params_of(code: str, number: int) -> dict:
    """Made-up values for every parameter of the code's message."""
    names = re.findall(r"%\((\w+)\)s", str(MESSAGES[code]))
    return {name: f"{name}-{number}" for name in names}


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("code", sorted(GROUPED))
def test_every_grouped_reason_reads_with_its_count_and_examples(code, language):
    errors = [package_error(code, **params_of(code, n)) for n in range(1, 6)]

    with translation.override(language):
        (line,) = summarize(errors)

    assert "5" in line
    key = GROUPED[code][0]
    assert f"{key}-1" in line and f"{key}-3" in line and f"{key}-4" not in line
    assert line.count("…") >= 1


def test_one_problem_keeps_its_own_message():
    error = package_error("duplicate_entry", name="content/a.png")

    assert summarize([error]) == [error.message]


def test_reasons_keep_the_order_first_met_and_codes_without_a_group_are_said_once():
    errors = [
        package_error("no_content_json"),
        package_error("duplicate_entry", name="a"),
        package_error("duplicate_entry", name="b"),
        package_error("no_content_json"),
    ]

    lines = summarize(errors)

    assert lines[0] == str(MESSAGES["no_content_json"])
    assert lines[1].startswith("2 ") and "“a”, “b”" in lines[1] and "…" not in lines[1]
    assert len(lines) == 2


def test_eighteen_duplicate_names_are_one_line_in_vietnamese(h5p_bytes):
    data = rebuild(h5p_bytes, add=[(f"content/Hinh-{n}.png", b"x") for n in range(18)] * 2)

    with pytest.raises(PackageInvalid) as refused:
        package_validate(file=upload(data))
    with translation.override("vi"):
        summary = refused.value.summary

    assert refused.value.codes.count("duplicate_entry") == 18  # every one is still counted
    (line,) = [line for line in summary if "trùng tên" in line]
    assert line.startswith("18 tệp trùng tên")
    assert "ví dụ “content/Hinh-0.png”, “content/Hinh-1.png”, “content/Hinh-2.png”, …" in line


@pytest.fixture
def trainer_client(client, db):
    groups = roles_sync()
    user = UserFactory(username="giangvien_thong_bao_h5p")
    user.groups.add(groups[roles.TRAINER])
    client.force_login(user)
    return client


def test_the_upload_page_lists_each_reason_once_with_its_count(trainer_client, h5p_bytes, private_root):
    data = rebuild(
        h5p_bytes,
        add=[(f"content/tep-{n}.exe", b"x") for n in range(25)]
        + [("content/a.js", b"x"), ("content/b.js", b"")],
    )

    response = trainer_client.post(ADD_URL, {"title": "Bài tập", "file": upload(data)})

    errors = response.context["form"].errors["file"]
    assert len(errors) == 2
    assert errors[0].startswith("25 tệp trong content/")
    assert "ví dụ “content/tep-0.exe”" in errors[0] and "Các loại được phép:" in errors[0]
    assert errors[1].startswith("2 tập lệnh hoặc trang web")
    page = response.content.decode()
    assert all(escape(error) in page for error in errors)
    assert not Activity.objects.exists()
    assert media_files(private_root) == set()
