"""The offline-capable site in Chromium (issue 14, item 1): a downloaded course is readable without a
connection, a new release replaces the old worker and its caches, and logging out leaves nothing of the
person on the device. The connection is cut by routing every request to an abort (offline_helpers)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.menu_helpers import open_menu
from tests.e2e.offline_helpers import (
    cache_names,
    course_with_media,
    cut_connection,
    log_in,
    restore_connection,
    wait_for_worker,
    wait_until,
)

OFFLINE_HEADING = "Bạn đang ngoại tuyến"


@pytest.fixture(autouse=True)
def offline_site(settings):
    settings.ROOT_URLCONF = "tests.e2e.media_urls"
    settings.OFFLINE_RELEASE = "release-1"
    expect.set_options(timeout=20_000)  # a shared, loaded machine: worker installs take their time
    yield
    expect.set_options(timeout=5_000)


def image_shown(page) -> bool:
    image = page.locator("figure.block-image img")
    image.scroll_into_view_if_needed()
    wait_until(page, "document.querySelector('figure.block-image img').complete")
    return image.evaluate("img => img.naturalWidth > 0")


def download(page, live_server, course):
    page.goto(live_server.url + course.url)
    wait_for_worker(page)
    # Only the first step shows before the learner asks: the size comes before any download.
    expect(page.get_by_role("button", name="Bắt đầu tải về")).to_be_hidden()
    expect(page.get_by_role("button", name="Xóa bản tải về")).to_be_hidden()
    page.get_by_role("button", name="Tải về để học offline").click()
    size = re.compile(r"Khóa học chiếm khoảng [\d,.]+ (KB|MB) \(\d+ tệp\)")
    expect(page.locator(".offline-status")).to_contain_text(size)
    page.get_by_role("button", name="Bắt đầu tải về").click()
    expect(page.locator(".offline-status")).to_contain_text("Đã tải về để học offline", timeout=30_000)
    expect(page.get_by_role("button", name="Xóa bản tải về")).to_be_visible()


def test_a_downloaded_course_is_read_offline_and_an_unstored_page_says_so_in_vietnamese(
    live_server, page, screenshot
):
    course, lessons, _people = course_with_media()
    log_in(page, live_server, "hocvien_offline")
    download(page, live_server, course)
    screenshot("offline-01-downloaded")

    cut_connection(page.context)

    page.goto(live_server.url + lessons[0].url)  # never opened online: it came with the download
    expect(page.get_by_role("heading", level=1)).to_have_text("Bài 1")
    expect(page.get_by_text("IMAGE-LESSON")).to_be_visible()
    assert image_shown(page)
    page.goto(live_server.url + lessons[1].url)
    expect(page.get_by_text("DOCUMENT-LESSON")).to_be_visible()
    document = page.locator(".block-document a").get_attribute("href")
    assert page.evaluate("url => fetch(url).then(r => r.status)", document) == 200
    page.goto(live_server.url + course.url)
    expect(page.get_by_role("heading", name="Nội dung khóa học")).to_be_visible()
    expect(page.get_by_role("link", name="Bài 4")).to_be_visible()
    open_menu(page)
    page.get_by_role("link", name="Học tập của tôi").click()
    expect(page.get_by_role("link", name="Học khi mất mạng")).to_be_visible()
    screenshot("offline-02-my-learning-offline")

    page.goto(live_server.url + "/ho-so/")  # the profile is never stored
    expect(page.get_by_role("heading", level=1)).to_have_text(OFFLINE_HEADING)
    expect(page.get_by_text("Trang này chưa được lưu trên máy")).to_be_visible()
    screenshot("offline-03-offline-page")

    restore_connection(page.context)
    page.goto(live_server.url + course.url)
    page.get_by_role("button", name="Xóa bản tải về").click()
    expect(page.get_by_text("Đã xóa bản tải về khỏi máy này.")).to_be_visible()
    assert f"swl-course-{course.pk}" not in cache_names(page)


def test_a_lesson_opened_online_is_readable_offline_with_its_image(live_server, page):
    _course, lessons, _people = course_with_media()
    log_in(page, live_server, "hocvien_offline")
    page.goto(live_server.url + lessons[0].url)
    wait_for_worker(page)
    page.reload()  # now through the worker, which stores the page and its image
    assert image_shown(page)

    cut_connection(page.context)
    page.goto(live_server.url + lessons[0].url)
    expect(page.get_by_text("IMAGE-LESSON")).to_be_visible()
    assert image_shown(page)
    page.goto(live_server.url + lessons[2].url)  # never opened, not downloaded
    expect(page.get_by_role("heading", level=1)).to_have_text(OFFLINE_HEADING)


def test_a_new_release_replaces_the_old_worker_and_removes_its_caches(live_server, page, settings):
    course, lessons, _people = course_with_media()
    log_in(page, live_server, "hocvien_offline")
    page.goto(live_server.url + lessons[0].url)
    wait_for_worker(page)
    page.reload()
    # What an older release's worker left behind, under a name this release does not use.
    page.evaluate("caches.open('smartward-offline-v0').then(c => c.put('/cu/', new Response('cũ')))")
    assert {"swl-static-release-1", "swl-pages", "smartward-offline-v0"} <= set(cache_names(page))

    settings.OFFLINE_RELEASE = "release-2"
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")

    # The open page keeps working under the old worker until the learner chooses to reload.
    banner = page.locator(".update-banner")
    expect(banner).to_contain_text("Có phiên bản mới")
    expect(page.get_by_text("IMAGE-LESSON")).to_be_visible()
    assert "swl-static-release-1" in cache_names(page)
    page.get_by_role("button", name="Tải lại").click()
    wait_until(
        page,
        "caches.keys().then(k => k.includes('swl-static-release-2') && !k.includes('swl-static-release-1'))",
    )
    names = set(cache_names(page))
    assert "smartward-offline-v0" not in names
    assert "swl-pages" in names  # what the learner stored survives the release
    expect(page.locator(".update-banner")).to_have_count(0)
    script = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    assert script.endswith("/sw.js")

    cut_connection(page.context)
    page.goto(live_server.url + lessons[0].url)
    expect(page.get_by_text("IMAGE-LESSON")).to_be_visible()


def test_after_logout_nothing_of_the_person_is_served_from_the_cache(live_server, page):
    course, lessons, _people = course_with_media(learners=("hocvien_a",))
    log_in(page, live_server, "hocvien_a")
    download(page, live_server, course)
    page.goto(live_server.url + "/hoc-tap-cua-toi/")
    expect(page.get_by_role("link", name="Học khi mất mạng")).to_be_visible()

    with page.expect_navigation():
        open_menu(page)
        page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()
    assert not [name for name in cache_names(page) if name.startswith("swl-course-")]
    stored = page.evaluate(
        "caches.open('swl-pages').then(c => c.keys()).then(k => k.map(r => new URL(r.url).pathname))"
    )
    assert stored in ([], ["/"]), stored  # at most the catalogue just shown to nobody

    cut_connection(page.context)
    for url in (lessons[0].url, course.url, "/hoc-tap-cua-toi/"):
        page.goto(live_server.url + url)
        expect(page.get_by_role("heading", level=1)).to_have_text(OFFLINE_HEADING)
        assert "IMAGE-LESSON" not in page.content()
        assert "hocvien_a" not in page.content()


def test_when_the_session_ends_without_the_button_the_worker_forgets_the_person(live_server, page):
    _course, lessons, _people = course_with_media(learners=("hocvien_a",))
    log_in(page, live_server, "hocvien_a")
    page.goto(live_server.url + lessons[0].url)
    wait_for_worker(page)
    page.reload()
    assert "swl-pages" in cache_names(page)

    page.context.clear_cookies()  # the session ended on the server (idle time-out, another tab)
    page.goto(live_server.url + "/")  # the first page made for nobody

    cut_connection(page.context)
    page.goto(live_server.url + lessons[0].url)
    expect(page.get_by_role("heading", level=1)).to_have_text(OFFLINE_HEADING)


# The device runs out of space half-way: Cache.put fails from the third file on, as Chromium fails it.
FULL_STORAGE = """
(() => {
  let puts = 0;
  const put = Cache.prototype.put;
  Cache.prototype.put = function (...args) {
    puts += 1;
    if (puts > 2) return Promise.reject(new DOMException("Quota exceeded", "QuotaExceededError"));
    return put.apply(this, args);
  };
})();
"""


def test_a_full_storage_is_told_in_vietnamese_and_leaves_no_half_download(live_server, page):
    course, _lessons, _people = course_with_media()
    log_in(page, live_server, "hocvien_offline")
    page.goto(live_server.url + course.url)
    wait_for_worker(page)
    page.add_init_script(FULL_STORAGE)
    page.reload()

    page.get_by_role("button", name="Tải về để học offline").click()
    expect(page.get_by_role("button", name="Bắt đầu tải về")).to_be_visible()
    expect(page.get_by_role("button", name="Xóa bản tải về")).to_be_hidden()
    expect(page.locator(".offline-status")).to_contain_text("Khóa học chiếm khoảng")
    page.get_by_role("button", name="Bắt đầu tải về").click()

    expect(page.locator(".offline-status")).to_have_text(
        "Máy không còn đủ dung lượng để tải khóa học về. Hãy xóa bớt các bản tải về khác hoặc giải phóng "
        "dung lượng rồi thử lại.",
        timeout=30_000,
    )
    assert f"swl-course-{course.pk}" not in cache_names(page)
    expect(page.get_by_role("button", name="Tải về để học offline")).to_be_visible()


def test_a_first_install_cut_by_the_connection_is_tried_again_while_the_page_stays_open(live_server, page):
    """The connection drops while the worker stores the files every page needs: the install fails and the
    browser forgets the worker. The open page registers it again a few seconds later, with no reload."""
    _course, lessons, _people = course_with_media()
    log_in(page, live_server, "hocvien_offline")
    context = page.context.browser.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN")
    try:
        context.add_cookies(page.context.cookies())
        cut = []

        def cut_the_first(route):
            if cut:
                route.continue_()
            else:
                cut.append(route.request.url)
                route.abort("internetdisconnected")

        context.route("**/ngoai-tuyen/", cut_the_first)
        learner = context.new_page()
        learner.goto(live_server.url + lessons[0].url)
        wait_for_worker(learner)
        assert cut == [live_server.url + "/ngoai-tuyen/"]  # the first install's copy of the offline page
        assert learner.url.endswith(lessons[0].url)  # the same page, never reloaded
    finally:
        context.close()
