"""HR tables on a 360 px phone (issue 14): a wide table scrolls sideways inside its own box, to its last
column, while the page itself stays as wide as the screen."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.builders import make_catalogue
from tests.e2e.test_hr_dashboard import log_in
from tests.lms.compliance.report_data import add_people, build_city

# Wagtail's admin clips what overflows its main column (overflow-x: hidden) rather than letting the page
# scroll: so the main column must not be wider than it shows, nor the page, nor moved sideways.
PAGE_WIDTH = """() => {
    const main = document.querySelector("main");
    return [Math.max(document.documentElement.scrollWidth, main.scrollWidth), window.innerWidth,
            window.scrollX + main.scrollLeft];
}"""


def inside_screen(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.evaluate("window.innerWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


def test_the_people_table_scrolls_sideways_to_its_status_and_last_column_on_a_phone(
    live_server, transactional_db, page, screenshot
):
    city = build_city(make_catalogue())
    add_people(city.org.ward_a, 3, course=city.course_b, by=city.admin, prefix="Cán bộ Bến Thành")
    log_in(page, live_server, city.hr.username)
    assert page.viewport_size["width"] == 360

    page.goto(live_server.url + reverse("compliance_reports:unit", args=[city.org.ward_a.pk]))
    table = page.locator("#people")
    expect(table).to_be_visible()
    box = page.locator(".sw-scroll", has=table)
    last_header = table.locator("thead th").last
    first_status = table.locator("tbody tr").first.locator(".status-label")

    scroll_width, inner_width, _ = page.evaluate(PAGE_WIDTH)
    assert scroll_width <= inner_width  # the page does not scroll sideways, nor hide anything
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the table does, inside its box
    assert not inside_screen(page, last_header)
    screenshot("hr-phone-01-table-start")

    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_function(
        "el => el.scrollLeft > 0 && el.scrollLeft + el.clientWidth >= el.scrollWidth - 1",
        arg=box.element_handle(),
    )
    assert inside_screen(page, last_header)
    assert page.evaluate(PAGE_WIDTH)[2] == 0  # the page itself did not move
    screenshot("hr-phone-02-table-end")

    first_status.scroll_into_view_if_needed()
    assert inside_screen(page, first_status)
    assert page.evaluate(PAGE_WIDTH)[2] == 0

    # The keyboard reaches the box too (focusable region named by its heading).
    assert box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
    expect(page.locator(".sw-scroll", has=page.locator("#subunits"))).to_be_visible()  # ward A's office

    page.goto(live_server.url + reverse("compliance_reports:overdue", args=[city.org.ward_a.pk]))
    overdue = page.locator(".sw-scroll", has=page.locator("#overdue"))
    expect(overdue).to_be_visible()
    assert overdue.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate(PAGE_WIDTH)[0] <= 360
    screenshot("hr-phone-03-overdue")
