"""Issue 15 in the browser, on a 360 × 740 phone: the ward's HR officer opens the dashboard, scrolls a table
sideways to its status column, opens the overdue list, reminds two people and exempts one, and the figures
change accordingly."""

import pytest
from playwright.sync_api import expect

from lms.compliance.models import Obligation
from lms.reminders.models import Kind, Reminder
from tests.builders import make_catalogue
from tests.lms.compliance.report_data import build_city

from .conftest import ARTIFACTS
from .test_hr_dashboard import log_in


def shot(page, name: str, selector: str = "main") -> None:
    """The page content: the admin scrolls inside its own container, so a full-page shot shows one screen."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(selector).first.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def figures(page) -> dict:
    return {
        name: page.locator(f"#figure-{name}").get_attribute("data-value")
        for name in ("total", "completed", "percent", "late", "exempt")
    }


def test_ward_hr_on_a_phone_reminds_two_people_and_exempts_one(live_server, transactional_db, phone):
    page = phone
    city = build_city(make_catalogue())
    ward = city.org.ward_a
    log_in(page, live_server, city.hr_a.username)  # manages ward A only

    page.goto(live_server.url + "/admin/bao-cao/")
    expect(page.locator("[aria-current=page]", has_text=ward.name)).to_be_visible()
    before = figures(page)
    assert before == {"total": "4", "completed": "1", "percent": "33.3", "late": "2", "exempt": "1"}
    # Nothing makes the page itself wider than the phone: wide tables scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1

    # The people table scrolls sideways, within the page, to its status column.
    scroller = page.locator("#people").locator("xpath=..")
    status = page.locator("#people tbody tr").first.locator(".status-label")
    assert page.evaluate("el => el.scrollWidth > el.clientWidth", scroller.element_handle())
    status.scroll_into_view_if_needed()
    assert scroller.evaluate("el => el.scrollLeft") > 0
    box = status.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    expect(status).to_be_visible()
    shot(page, "hr-phone-01-dashboard")

    page.locator("#overdue-link").click()
    expect(page.locator("#overdue")).to_be_visible()
    rows = page.locator("#overdue tbody tr")
    expect(rows).to_have_count(2)
    names = [row.locator(".person-name").inner_text().strip() for row in rows.all()]
    assert sorted(names) == ["Lê Văn Trễ", "Phạm Thị Văn Phòng"]
    shot(page, "hr-phone-02-overdue", "#overdue-form")

    # Remind both: select, review, send.
    for row in rows.all():
        row.locator("input[name=obligations]").check()
    page.locator("#act-remind").click()
    expect(page.locator("#nudge-confirm-list tbody tr")).to_have_count(2)
    page.locator("#nudge-confirm button[type=submit]").click()
    expect(page.locator("#overdue")).to_be_visible()  # back on the overdue list
    assert Reminder.objects.filter(kind=Kind.NUDGE, created_by=city.hr_a).count() == 2

    # Exempt one ("Miễn học") with a reason.
    late = page.locator("#overdue tbody tr", has_text="Lê Văn Trễ")
    late.locator("input[name=obligations]").check()
    page.locator("#act-exempt").click()
    expect(page.locator("#exempt-confirm-list tbody tr")).to_have_count(1)
    shot(page, "hr-phone-03-exempt")
    page.locator("#exempt-confirm textarea[name=reason]").fill("Đã học tại Sở Nội vụ")
    page.locator("#exempt-confirm button[type=submit]", has_text="Miễn học").click()
    expect(page.locator("#overdue tbody tr")).to_have_count(1)
    assert Obligation.objects.filter(user=city.people["a_late"].user, exempt_at__isnull=False).exists()

    page.locator("#back-to-dashboard").click()
    after = figures(page)
    assert after == {"total": "4", "completed": "1", "percent": "50.0", "late": "1", "exempt": "2"}
