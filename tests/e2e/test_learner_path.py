import re

from django.core.management import call_command
from playwright.sync_api import expect

from lms.demo.accounts import DEMO_PASSWORD
from lms.learning.models import Enrolment

COURSE_TITLE = "Chuyển đổi số cho cán bộ phường, xã"


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
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)

    page.get_by_role("button", name="Ghi danh vào khóa học").click()
    expect(page.get_by_text("Bạn đã ghi danh khóa học")).to_be_visible()
    screenshot("02-enrolled")
    page.get_by_role("link", name="Tiếp tục từ chỗ đã dừng").click()

    lessons_done = 0
    while True:
        expect(page.locator(".lesson-body")).to_be_visible()
        expect(page.locator(".lesson-body h2").first).to_be_visible()
        if lessons_done == 0:
            screenshot("03-lesson")
        page.get_by_role("button", name="Đánh dấu hoàn thành").click()
        lessons_done += 1
        if page.get_by_text("Chúc mừng! Bạn đã hoàn thành khóa học.").is_visible():
            break
        assert lessons_done < 20, "the course never completed"

    assert lessons_done == 9
    expect(page.get_by_text(re.compile(r"Hoàn thành ngày \d\d/\d\d/\d{4}"))).to_be_visible()
    enrolment = Enrolment.objects.get(user__username="hocvien")
    assert enrolment.completed_at is not None

    page.get_by_role("link", name="Học tập của tôi").click()
    completed = page.locator("section", has=page.get_by_role("heading", name="Đã hoàn thành"))
    expect(completed.get_by_role("link", name=COURSE_TITLE)).to_be_visible()
    expect(page.get_by_text("Bạn chưa có khóa học nào đang học.")).to_be_visible()
    screenshot("04-my-learning")
