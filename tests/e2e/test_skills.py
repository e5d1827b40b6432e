"""Skills in the browser: an official sees a gap and follows the lesson that closes it; an HR officer opens
the map, drills into a ward, opens a cell and assigns the suggested course; a trainer rates a learner of
their course."""

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from lms.compliance.models import Assignment
from lms.learning.services import enrolment_create, progress_record
from lms.people import roles
from lms.skills.levels import person_levels_recompute
from lms.skills.models import Competency, Evidence, ExpectedLevel, Framework, PersonLevel, Rating, ScaleLevel
from tests.builders import lessons_of, make_catalogue, make_course
from tests.org_builders import make_hr, make_official, make_org

PASSWORD = "MatKhau@123"


def log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/tai-khoan/login/" not in url)


def skills_world():
    org = make_org()
    framework = Framework.objects.create(id_number="NLS-E2E", short_name="Năng lực số")
    for number, name in enumerate(["Cơ bản", "Trung bình", "Khá", "Thành thạo"], start=1):
        ScaleLevel.objects.create(framework=framework, number=number, name=name, is_proficient=number >= 3)
    area = Competency.objects.create(framework=framework, id_number="4", short_name="An toàn và bảo mật")
    security = Competency.objects.create(
        framework=framework, parent=area, id_number="4.2", short_name="Bảo vệ dữ liệu cá nhân"
    )
    ExpectedLevel.objects.create(position=org.chair, competency=security, level=3)
    course = make_course(make_catalogue(), title="Bảo vệ dữ liệu cá nhân của người dân")
    first, second = lessons_of(course)[:2]
    Evidence.objects.create(competency=security, level=1, kind="lesson", page=first, label=first.title)
    Evidence.objects.create(competency=security, level=3, kind="lesson", page=second, label=second.title)
    Evidence.objects.create(
        competency=security, level=3, kind="course", page=course.page_ptr, label=course.title
    )
    official = make_official(org.office_a, name="Nguyễn Thị Chủ Tịch", position=org.chair)
    official.user.set_password(PASSWORD)
    official.user.save(update_fields=["password"])
    enrolment_create(user=official.user, course=course)
    progress_record(user=official.user, lesson=first, source="manual")
    person_levels_recompute(user_id=official.user_id)
    return org, security, course, second, official


def test_an_official_sees_the_gap_and_opens_the_lesson_that_closes_it(
    live_server, transactional_db, page, screenshot
):
    _org, security, _course, second, official = skills_world()
    log_in(page, live_server, official.user.username)

    page.goto(live_server.url + "/hoc-tap-cua-toi/")
    page.locator("#my-skills-link").click()
    card = page.locator(f"#skill-{security.pk}")
    expect(card).to_contain_text("Mức 1 — Cơ bản")
    expect(card).to_contain_text("Mức 3 — Khá")
    expect(card.locator(".skill-gap")).to_have_text("còn 2 mức")
    expect(card.locator(".skill-evidence")).to_contain_text("hoàn thành bài học")
    screenshot("skills-01-official")

    card.locator(".skill-closing a", has_text=second.title).click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith(second.url.rstrip("/")))
    expect(page.locator("h1")).to_contain_text(second.title)


def test_hr_drills_into_a_ward_opens_a_cell_and_assigns_the_suggested_course(
    live_server, transactional_db, page, screenshot
):
    org, security, course, _second, _official = skills_world()
    hr = make_hr(org.city)
    log_in(page, live_server, hr.username)

    page.goto(live_server.url + "/admin/ban-do-ky-nang/")
    page.locator("#skills-map tbody th a", has_text=org.city.name).click()
    page.locator("#skills-map tbody th a", has_text=org.ward_a.name).click()
    expect(page.locator("[aria-current=page]", has_text=org.ward_a.name)).to_be_visible()
    total = page.locator("#skills-map tr.sw-total td").first
    expect(total).to_have_attribute("data-expected", "1")
    expect(total).to_have_attribute("data-reached", "0")
    screenshot("skills-02-ward-map")

    total.locator("a").click()
    expect(page.locator("#cell-people")).to_contain_text("Nguyễn Thị Chủ Tịch")
    expect(page.locator("#cell-people")).to_contain_text("hoàn thành bài học")
    page.go_back()

    suggestion = page.locator(f"#suggestions li[data-competency='{security.pk}']")
    expect(suggestion).to_contain_text(course.title)
    suggestion.locator("a.sw-assign").first.click()
    page.get_by_label("Số ngày kể từ khi được giao").check()
    page.get_by_label("Số ngày để hoàn thành").fill("30")
    page.get_by_role("button", name="Tiếp tục").click()
    confirm = page.get_by_role("button", name="Giao khóa học")
    expect(confirm).to_be_visible(timeout=60_000)  # the confirmation counts the people reached
    confirm.click()
    expect(page.locator(".messages")).to_be_visible()

    assignment = Assignment.objects.get()
    assert (assignment.course_id, assignment.unit_id) == (course.pk, org.ward_a.pk)


def test_a_trainer_rates_a_learner_of_their_course(live_server, transactional_db, page, screenshot):
    org, security, course, _second, official = skills_world()
    trainer = make_official(org.ward_a, name="Đỗ Văn Giảng Viên").user
    trainer.groups.add(Group.objects.get(name=roles.TRAINER))
    trainer.set_password(PASSWORD)
    trainer.save(update_fields=["password"])
    course.trainer = trainer
    course.save()
    log_in(page, live_server, trainer.username)

    page.goto(live_server.url + "/admin/danh-gia-hoc-vien/")
    row = page.locator("#learners tbody tr", has_text="Nguyễn Thị Chủ Tịch")
    row.get_by_role("link", name="Đánh giá kỹ năng").click()
    page.get_by_label("Năng lực").select_option(str(security.pk))
    page.get_by_label("Mức").select_option("3")
    page.get_by_label("Ghi chú").fill("Tự mã hóa hồ sơ và hướng dẫn đồng nghiệp")
    screenshot("skills-03-trainer-rating")
    page.get_by_role("button", name="Lưu đánh giá").click()

    expect(page.locator(".messages")).to_contain_text("Nguyễn Thị Chủ Tịch")
    expect(page.locator("#learners")).to_be_visible()
    assert Rating.objects.get().rated_as == Rating.RatedAs.TRAINER
    assert PersonLevel.objects.get(user=official.user, competency=security).level == 3
