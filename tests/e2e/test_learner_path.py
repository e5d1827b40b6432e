import re

from django.core.management import call_command
from playwright.sync_api import expect

from lms.demo.accounts import DEMO_PASSWORD
from lms.learning.models import Enrolment
from lms.quiz.models import Attempt
from tests.e2e.menu_helpers import open_menu
from tests.e2e.quiz_helpers import answer_all, submit

COURSE_TITLE = "Kỹ năng an toàn thông tin cơ bản"


def log_in(page, live_server, username="hocvien"):
    page.goto(live_server.url + "/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()


def test_demo_learner_enrols_studies_and_completes_the_course(
    live_server, transactional_db, page, screenshot
):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Khóa học")
    screenshot("01-catalogue")
    page.get_by_role("link", name=COURSE_TITLE).click()
    page.get_by_role("link", name="Đăng nhập").last.click()
    page.get_by_label("Tên đăng nhập").fill("hocvien")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)

    page.get_by_role("button", name="Ghi danh vào khóa học").click()
    expect(page.get_by_text("Bạn đã ghi danh khóa học")).to_be_visible()
    screenshot("02-enrolled")
    page.get_by_role("link", name="Tiếp tục khóa học").click()

    steps = 0
    while not page.get_by_text("Chúc mừng! Bạn đã hoàn thành khóa học.").is_visible():
        steps += 1
        assert steps < 12, "the course never completed"
        expect(page.locator(".lesson-body")).to_be_visible()
        if steps == 1:
            screenshot("03-lesson")
        if page.get_by_role("button", name="Bắt đầu làm bài").count():
            lesson_url = page.url
            page.get_by_role("button", name="Bắt đầu làm bài").click()
            attempt = Attempt.objects.filter(user__username="hocvien").latest("started_at")
            answer_all(page, attempt)
            submit(page)
            expect(page.locator(".result-verdict")).to_contain_text("Đạt")
            if page.get_by_text("Chúc mừng! Bạn đã hoàn thành khóa học.").is_visible():
                page.goto(lesson_url)
                break
            page.goto(lesson_url)
            expect(page.get_by_text("Bạn đã hoàn thành bài học này.")).to_be_visible()
            next_link = page.locator("a[rel=next]")
            if next_link.count():
                next_link.click()
            else:
                page.locator(".breadcrumb a").first.click()
        else:
            # Sent through the outbox (static/js/outbox.js), which opens the next page once the server has it.
            with page.expect_navigation():
                page.get_by_role("button", name="Đánh dấu hoàn thành").click()

    expect(page.get_by_text("Bạn đã hoàn thành bài học này.")).to_be_visible()
    page.locator(".breadcrumb a").last.click()
    expect(page.get_by_text(re.compile(r"Hoàn thành ngày \d\d/\d\d/\d{4}"))).to_be_visible()
    assert Enrolment.objects.get(user__username="hocvien").completed_at is not None

    open_menu(page)
    page.get_by_role("link", name="Học tập của tôi").click()
    completed = page.locator("section", has=page.get_by_role("heading", name="Đã hoàn thành"))
    expect(completed.get_by_role("link", name=COURSE_TITLE)).to_be_visible()
    expect(page.get_by_text("Bạn chưa có khóa học nào đang học.")).to_be_visible()
    screenshot("04-my-learning")
