"""HR in the browser: from the city to a ward, then the XLSX export, whose rows must be the ones on screen."""

import openpyxl
from playwright.sync_api import expect

from lms.compliance.reports.selectors import PER_PAGE
from lms.spreadsheets import unsafe_cell
from tests.builders import make_catalogue
from tests.lms.compliance.report_data import add_people, build_city

PASSWORD = "MatKhau@123"  # tests.org_builders.make_hr's


def log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/tai-khoan/login/" not in url)


def test_hr_drills_from_the_city_to_a_ward_and_exports_what_the_screen_shows(
    live_server, transactional_db, page, screenshot, tmp_path
):
    city = build_city(make_catalogue())
    add_people(city.org.ward_a, 6, course=city.course_b, by=city.admin, prefix="Cán bộ Bến Thành")
    log_in(page, live_server, city.hr.username)

    page.goto(live_server.url + "/admin/bao-cao/")
    expect(page.locator("#figures")).to_be_visible()
    assert page.locator("h1").first.text_content().find(city.org.city.name) >= 0
    screenshot("hr-01-city")

    page.locator("#subunits a.unit-link", has_text=city.org.ward_a.name).click()
    expect(page.locator("[aria-current=page]", has_text=city.org.ward_a.name)).to_be_visible()
    screenshot("hr-02-ward")

    total = int(page.locator("#figure-total").get_attribute("data-value"))
    completed = int(page.locator("#figure-completed").get_attribute("data-value"))
    late = int(page.locator("#figure-late").get_attribute("data-value"))
    exempt = int(page.locator("#figure-exempt").get_attribute("data-value"))
    # Ward A and its office, ten people. Course 1: Hoàn completed, Miễn exempt, Trễ and Văn Phòng overdue, the
    # six newcomers within their late joiner's time (not started). Course 2: assigned to all ten 20 days ago,
    # due 3 days later: all overdue. Completion rate: 1 / (20 − 1).
    assert (total, completed, exempt, late) == (20, 1, 1, 12)
    assert page.locator("#figure-percent").get_attribute("data-value") == "5.3"

    count = int(page.locator("#people-count").get_attribute("data-count"))
    assert count == total <= PER_PAGE  # the whole list is on this page
    rows = page.locator("#people tbody tr")
    expect(rows).to_have_count(count)
    on_screen = [
        (
            row.locator(".person-name").inner_text().strip(),
            row.locator(".employee-code").inner_text().strip(),
            row.locator(".course-title").inner_text().strip(),
            row.locator(".status-label").text_content().strip(),
            row.locator(".due-date").inner_text().strip(),
        )
        for row in rows.all()
    ]

    with page.expect_download() as download_info:
        page.locator("#export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"bao-cao-dao-tao_{city.org.ward_a.code.lower()}_")
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    sheet = openpyxl.load_workbook(saved).active
    header, *exported = list(sheet.iter_rows(values_only=True))
    assert header[0] and header[6]
    assert len(exported) == count
    in_file = [
        (
            unsafe_cell(name),
            code or "",
            course,
            status,
            due.strftime("%d/%m/%Y"),
        )
        for name, code, _unit_code, _unit, _position, course, status, due, *_rest in exported
    ]
    assert in_file == on_screen
    assert len({status for _name, _code, _course, status, _due in on_screen}) == 4  # done, exempt, late, new
    screenshot("hr-03-exported")


def test_the_report_pages_menu_works_with_their_deferred_scripts(live_server, transactional_db, page):
    """The report pages load only some of the admin's scripts, deferred (templates/lms_admin/reading.html):
    they still run without an error, and the menu they build opens and leads to the overdue list."""
    city = build_city(make_catalogue())
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, city.hr.username)

    page.goto(live_server.url + "/admin/bao-cao/")
    expect(page.locator("#figures")).to_be_visible()
    page.locator(".sidebar-nav-toggle--mobile").click()  # the menu button of a phone's screen
    menu_item = page.locator("#wagtail-sidebar").get_by_role("link", name="Báo cáo đào tạo")
    expect(menu_item).to_be_visible()
    menu_item.click()
    expect(page.locator("#figures")).to_be_visible()

    page.locator("#overdue-link").click()
    expect(page.locator("h1")).to_contain_text("Danh sách quá hạn")
    page.locator(".sidebar-nav-toggle--mobile").click()
    expect(page.locator("#wagtail-sidebar").get_by_role("link", name="Báo cáo đào tạo")).to_be_visible()
    assert errors == []
