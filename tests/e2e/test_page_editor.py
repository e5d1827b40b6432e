"""A trainer writes pages in the Wagtail editor: the address (slug) fills itself from the Vietnamese title,
unaccented and short (courses/slugs.py), and a title another page already uses explains itself."""

from playwright.sync_api import expect

from courses.models import LessonPage, ModulePage
from lms.people import roles
from lms.people.services import roles_sync
from tests.builders import UserFactory, make_catalogue, make_course

from .test_h5p import log_in

LONG_TITLE = "Quy trình tiếp nhận và giải quyết hồ sơ thủ tục hành chính trên Cổng dịch vụ công quốc gia"


def trainer_in_editor(page, live_server):
    groups = roles_sync()
    trainer = UserFactory(username="giangvien_trang")
    trainer.groups.add(groups[roles.TRAINER])
    course = make_course(make_catalogue(), modules=1, lessons_per_module=1)
    module = ModulePage.objects.child_of(course).get()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, trainer.username)
    return module


def open_new_lesson(page, live_server, module):
    page.goto(f"{live_server.url}/admin/pages/add/courses/lessonpage/{module.pk}/")


def type_title(page, title: str, *, slug: str):
    """Type the title as a trainer would; the slug field follows (Wagtail syncs it after a short delay)."""
    title_box = page.locator("#id_title")
    title_box.fill("")
    title_box.press_sequentially(title)
    title_box.blur()
    expect(page.locator("#id_slug")).to_have_value(slug)


def test_the_slug_follows_the_title_unaccented_and_short(live_server, transactional_db, page, screenshot):
    module = trainer_in_editor(page, live_server)
    open_new_lesson(page, live_server, module)

    type_title(page, "Đặt mật khẩu mạnh", slug="dat-mat-khau-manh")
    type_title(page, "ĐƯỜNG DÂY NÓNG: gọi 1022!", slug="duong-day-nong-goi-1022")
    long_slug = "quy-trinh-tiep-nhan-va-giai-quyet-ho-so-thu-tuc-hanh-chinh"  # cut after a whole word
    type_title(page, LONG_TITLE, slug=long_slug)

    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator(".messages")).to_contain_text(LONG_TITLE)
    saved = LessonPage.objects.child_of(module).get(title=LONG_TITLE)
    assert saved.slug == long_slug
    screenshot("page-editor-slug")


def test_a_title_without_letters_gets_a_fallback_and_a_clash_explains_itself(
    live_server, transactional_db, page
):
    module = trainer_in_editor(page, live_server)
    existing = LessonPage.objects.child_of(module).get()

    open_new_lesson(page, live_server, module)
    page.locator("#id_title").fill("???")  # nothing to fold: the field stays empty, the server fills it
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator(".messages")).to_contain_text("???")
    assert LessonPage.objects.child_of(module).get(title="???").slug == "trang"

    open_new_lesson(page, live_server, module)
    type_title(page, existing.title, slug=existing.slug)
    page.get_by_role("button", name="Lưu bản nháp").click()
    error = page.locator("#panel-child-promote-slug-section, [data-field-wrapper]").filter(
        has_text="đã có địa chỉ"
    )
    expect(error.first).to_contain_text(f"“{existing.slug}-2”")
    assert LessonPage.objects.child_of(module).count() == 2
