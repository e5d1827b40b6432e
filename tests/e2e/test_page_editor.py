"""A trainer writes pages in the Wagtail editor: the address (slug) fills itself from the Vietnamese title,
unaccented and short (courses/slugs.py), and a title another page already uses explains itself; drafts left
for weeks are listed for their author and can be discarded (courses/drafts.py); the question form shows the
fields of the chosen kind only (static/js/question-kind.js)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Page

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

    # The body's rich-text box is named for screen readers (axe: aria-input-field-name).
    page.locator("button.c-sf-add-button").last.click()
    page.get_by_role("option", name="Nội dung", exact=True).click()
    expect(page.locator("[contenteditable='true'][role='textbox']").first).to_have_attribute(
        "aria-label", "Nội dung"
    )

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


def test_the_trainer_finds_an_abandoned_draft_and_discards_it(live_server, transactional_db, page):
    module = trainer_in_editor(page, live_server)
    trainer = get_user_model().objects.get(username="giangvien_trang")
    draft = module.add_child(instance=LessonPage(title="Bài viết dở về mã độc", live=False, owner=trainer))
    draft.save_revision(user=trainer)
    Page.objects.filter(pk=draft.pk).update(latest_revision_created_at=timezone.now() - timedelta(days=30))

    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Bản nháp bị bỏ dở").click()
    table = page.locator("[data-abandoned-drafts]")
    expect(table).to_contain_text("Bài viết dở về mã độc")
    expect(table).to_contain_text("Chưa từng xuất bản")
    table.get_by_role("link", name="Bỏ bản nháp Bài viết dở về mã độc").click()
    expect(page.locator("main")).to_contain_text("không thể hoàn tác")
    page.get_by_role("button", name="Đồng ý, xóa trang").click()
    expect(page.locator(".messages")).to_contain_text("Đã xóa trang nháp “Bài viết dở về mã độc”.")
    expect(page.locator("main")).to_contain_text("Bạn không có bản nháp nào bị bỏ dở.")
    assert not Page.objects.filter(pk=draft.pk).exists()


def test_the_question_form_shows_only_the_fields_of_the_chosen_kind(live_server, transactional_db, page):
    trainer_in_editor(page, live_server)
    page.goto(f"{live_server.url}/admin/snippets/quiz/question/add/")
    kind = page.locator("select[name='kind']")
    true_false, partial = page.locator("#id_correct_is_true"), page.locator("#id_partial_credit")
    case, answers = page.locator("#id_case_sensitive"), page.get_by_role("button", name="Thêm đáp án")

    kind.select_option("true_false")
    expect(true_false).to_be_visible()
    expect(partial).to_be_hidden()
    expect(answers).to_be_hidden()
    kind.select_option("multiple")
    expect(partial).to_be_visible()
    expect(true_false).to_be_hidden()
    expect(case).to_be_hidden()
    expect(answers).to_be_visible()
    kind.select_option("short")
    expect(case).to_be_visible()
    expect(partial).to_be_hidden()
    kind.select_option("essay")
    for field in (true_false, partial, case, answers):
        expect(field).to_be_hidden()
