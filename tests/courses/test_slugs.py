"""Page addresses: unaccented and short by default (courses/slugs.py, lms/text.py: slug_vi)."""

import re
import unicodedata

import pytest

from courses.models import LessonPage, ModulePage
from courses.slugs import SLUG_FORMATTERS, VietnameseSlugInput, page_slug
from lms.text import slug_vi
from tests.builders import make_catalogue, make_course

TITLES = [
    ("Đặt mật khẩu mạnh", "dat-mat-khau-manh"),
    ("ĐƯỜNG DÂY NÓNG: gọi 1022!", "duong-day-nong-goi-1022"),
    ("Ứng dụng VNeID – mức 2", "ung-dung-vneid-muc-2"),
    (unicodedata.normalize("NFD", "Đặt mật khẩu mạnh"), "dat-mat-khau-manh"),  # marks typed apart
    (
        "Quy trình tiếp nhận và giải quyết hồ sơ thủ tục hành chính trên Cổng dịch vụ công quốc gia",
        "quy-trinh-tiep-nhan-va-giai-quyet-ho-so-thu-tuc-hanh-chinh",
    ),
    ("x" * 70, "x" * 60),
    ("???", ""),
]


@pytest.mark.parametrize(("title", "slug"), TITLES)
def test_slug_vi_folds_vietnamese_and_cuts_at_a_word(title, slug):
    assert slug_vi(title, max_length=60) == slug


@pytest.mark.parametrize(("title", "slug"), TITLES)
def test_the_editor_formatters_do_what_the_server_does(title, slug):
    """The browser runs SLUG_FORMATTERS then Wagtail's urlify (lower-case); same steps in Python."""
    value = title
    for pattern, replacement in SLUG_FORMATTERS:
        compiled = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
        value = compiled.sub(replacement.replace("$1", r"\1"), value)
    assert value.lower() == slug


def test_every_admin_slug_field_uses_the_vietnamese_widget():
    form_class = LessonPage.get_edit_handler().get_form_class()
    assert isinstance(form_class.base_fields["slug"].widget, VietnameseSlugInput)


def test_a_title_without_latin_letters_falls_back():
    assert page_slug("???") == "trang"


@pytest.mark.django_db
def test_a_page_saved_without_slug_gets_one_from_its_title_and_a_free_one_on_a_clash():
    module = ModulePage.objects.child_of(make_course(make_catalogue(), modules=1, lessons_per_module=0)).get()
    first = module.add_child(instance=LessonPage(title="Đặt mật khẩu mạnh"))
    second = module.add_child(instance=LessonPage(title="Đặt mật khẩu mạnh"))
    blank = module.add_child(instance=LessonPage(title="!!!"))
    assert (first.slug, second.slug, blank.slug) == ("dat-mat-khau-manh", "dat-mat-khau-manh-2", "trang")
