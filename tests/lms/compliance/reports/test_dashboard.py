"""The HR dashboard: figures, drill-down, filters, scope and permissions, the overdue list, a person."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from lms.compliance.models import Obligation
from lms.compliance.reports.selectors import (
    NO_FILTERS,
    ReportFilters,
    completion_over_time,
    dashboard_summary,
)
from lms.compliance.status import Status
from lms.people import roles
from lms.people.services import managed_unit_add
from tests.builders import UserFactory, make_course
from tests.lms.compliance.report_data import build_city
from tests.org_builders import make_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(catalogue):
    return build_city(catalogue)


def unit_url(unit, name="unit"):
    return reverse(f"compliance_reports:{name}", args=[unit.pk])


def figure(html: str, name: str) -> str:
    match = re.search(rf'id="figure-{name}" data-value="([^"]*)"', html)
    assert match, f"figure {name} missing"
    return match.group(1)


def subunit_rows(html: str) -> dict[str, dict[str, str]]:
    table = html.split('id="subunits"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr data-unit-id=\"\d+\">(.*?)</tr>", table, re.S):
        name = re.search(r'class="unit-link"[^>]*>([^<]+)<', row).group(1)
        cells = dict(re.findall(r'<td class="(total|completed|percent|late|exempt)">(.*?)</td>', row, re.S))
        rows[name] = {k: re.sub(r"<[^>]+>", "", v).strip() for k, v in cells.items()}
    return rows


def people_names(html: str, table_id: str = "people") -> list[str]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'class="person-name"[^>]*>([^<]+)<', table)


def test_the_urls_are_under_admin_bao_cao():
    assert reverse("compliance_reports:index") == "/admin/bao-cao/"
    assert reverse("compliance_reports:unit", args=[7]) == "/admin/bao-cao/don-vi/7/"
    assert reverse("compliance_reports:overdue", args=[7]) == "/admin/bao-cao/don-vi/7/qua-han/"
    assert reverse("compliance_reports:export_xlsx", args=[7]) == "/admin/bao-cao/don-vi/7/xuat.xlsx"
    assert reverse("compliance_reports:export_csv", args=[7]) == "/admin/bao-cao/don-vi/7/xuat.csv"
    assert reverse("compliance_reports:person", args=[3]) == "/admin/bao-cao/nguoi/3/"
    assert reverse("compliance_reports:person_pdf", args=[3]) == "/admin/bao-cao/nguoi/3/ho-so.pdf"
    assert reverse("compliance_record:my_record") == "/dao-tao/ho-so-dao-tao.pdf"


# --- Figures and drill-down


def test_hr_of_one_unit_starts_at_their_unit(client, city):
    client.force_login(city.hr)

    response = client.get(reverse("compliance_reports:index"))

    assert response.status_code == 302
    assert response["Location"] == unit_url(city.org.city)


def test_city_page_shows_the_figures_and_each_ward(client, city):
    client.force_login(city.hr)

    response = client.get(unit_url(city.org.city))

    assert response.status_code == 200
    html = response.content.decode()
    assert figure(html, "total") == "10"
    assert figure(html, "completed") == "2"
    assert figure(html, "percent") == "22.2"
    assert figure(html, "late") == "5"
    assert figure(html, "exempt") == "1"
    rows = subunit_rows(html)
    own = f"Cán bộ trực thuộc {city.org.city.name}"  # the two HR managers, both overdue (issue 15)
    assert set(rows) == {own, city.org.ward_a.name, city.org.ward_b.name}
    assert rows[own]["total"] == "2" and rows[own]["late"] == "2"
    assert sum(int(row["total"]) for row in rows.values()) == 10  # the rows add up to the headline
    assert rows[city.org.ward_a.name]["total"] == "4"
    assert rows[city.org.ward_a.name]["completed"] == "1"
    assert rows[city.org.ward_a.name]["late"] == "2"
    assert rows[city.org.ward_a.name]["exempt"] == "1"
    assert rows[city.org.ward_b.name]["total"] == "4"
    assert rows[city.org.ward_b.name]["late"] == "1"
    assert response.context["page"].paginator.count == 10
    assert 'id="chart-by-unit"' in html and 'id="chart-over-time"' in html
    assert "<svg" in html and "<script" not in html.split('id="chart-by-unit"')[1].split("</figure>")[0]


def test_drill_down_to_a_ward_keeps_the_filters_and_shows_its_people(client, city):
    client.force_login(city.hr)
    html = client.get(unit_url(city.org.city), {"course": city.course.pk}).content.decode()
    ward_link = re.search(rf'href="({re.escape(unit_url(city.org.ward_a))}[^"]*)"', html).group(1)
    assert f"course={city.course.pk}" in ward_link

    response = client.get(ward_link.replace("&amp;", "&"))

    html = response.content.decode()
    assert figure(html, "total") == "4"
    assert figure(html, "percent") == "33.3"
    assert sorted(people_names(html)) == sorted(
        ["Lê Văn Trễ", "Nguyễn Văn Hoàn", "Phạm Thị Văn Phòng", "Trần Thị Miễn"]
    )
    assert 'aria-current="page">' + city.org.ward_a.name in html  # breadcrumbs end at the ward
    assert f'href="{unit_url(city.org.city)}?course={city.course.pk}"' in html  # ... and lead back up
    rows = subunit_rows(html)
    assert rows.keys() == {f"Cán bộ trực thuộc {city.org.ward_a.name}", city.org.office_a.name}
    assert sum(int(row["total"]) for row in rows.values()) == 4


def test_people_table_shows_status_and_dates(client, city):
    client.force_login(city.hr)

    response = client.get(unit_url(city.org.ward_b))

    rows = {(r["name"], r["course_title"]): r for r in response.context["rows"]}
    assert rows[("Võ Văn Bê", "An toàn thông tin")]["status"] == Status.COMPLETED
    assert rows[("Võ Văn Bê", "An toàn thông tin")]["completed_day"] == timezone.localdate()
    assert rows[("Đỗ Thị Chậm", "An toàn thông tin")]["status"] == Status.OVERDUE
    assert rows[("Đỗ Thị Chậm", "Cải cách hành chính")]["status"] == Status.NOT_STARTED
    due = rows[("Đỗ Thị Chậm", "Cải cách hành chính")]["due_day"]
    assert due == timezone.localdate() + timedelta(days=30)
    assert 'data-status="overdue"' in response.content.decode()


def test_several_managed_units_show_as_one_top(client, city):
    managed_unit_add(user=city.hr_a, unit=city.org.ward_b)
    client.force_login(city.hr_a)

    response = client.get(reverse("compliance_reports:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert set(subunit_rows(html)) == {city.org.ward_a.name, city.org.ward_b.name}
    assert figure(html, "total") == "8"  # both wards, not the city's own people
    assert response.context["page"].paginator.count == 8


def test_the_summary_matches_the_people_table_and_the_database(city):
    top, children = dashboard_summary(viewer=city.hr, unit=city.org.city)
    assert (top.total, top.completed, top.late, top.percent) == (10, 2, 5, 22.2)
    assert sum(child.total for child in children) == 10  # the city's own staff are a row (issue 15)
    assert children[0].unit.pk == city.org.city.pk and children[0].total == 2
    top, children = dashboard_summary(viewer=city.hr_a, unit=None)
    assert [child.unit for child in children] == [city.org.ward_a]
    assert top.total == 4


# --- Filters


def test_course_status_and_period_filters(client, city):
    client.force_login(city.hr)
    url = unit_url(city.org.city)

    by_course = client.get(url, {"course": city.course_b.pk})
    assert figure(by_course.content.decode(), "total") == "2"
    assert by_course.context["page"].paginator.count == 2

    by_status = client.get(url, {"status": "overdue"})
    assert figure(by_status.content.decode(), "total") == "10"  # the figures stay counts per status
    assert sorted(people_names(by_status.content.decode())) == sorted(
        ["Lê Thị Nhân Sự", "Lê Thị Nhân Sự Phường", "Lê Văn Trễ", "Phạm Thị Văn Phòng", "Đỗ Thị Chậm"]
    )

    late = client.get(url, {"status": "late"})
    assert late.context["page"].paginator.count == 5

    soon = timezone.localdate() + timedelta(days=10)
    later = timezone.localdate() + timedelta(days=40)
    by_period = client.get(url, {"due_from": soon.isoformat(), "due_to": later.isoformat()})
    assert figure(by_period.content.decode(), "total") == "2"  # only course 2, due in 30 days
    assert by_period.context["page"].paginator.count == 2


def test_bad_filters_are_explained_not_crashed(client, city):
    client.force_login(city.hr)
    url = unit_url(city.org.city)

    response = client.get(url, {"due_from": "31/02/2025", "course": "abc", "status": "nonsense", "p": "zz"})

    assert response.status_code == 200
    form = response.context["form"]
    assert {"due_from", "course", "status"} <= set(form.errors)
    assert figure(response.content.decode(), "total") == "10"  # invalid filters are ignored

    response = client.get(url, {"due_from": "2025-05-10", "due_to": "2025-05-01"})
    assert "due_to" in response.context["form"].errors


def test_choosing_another_unit_goes_to_its_page_with_the_filters(client, city):
    client.force_login(city.hr)

    response = client.get(unit_url(city.org.city), {"unit": city.org.ward_b.pk, "status": "overdue"})

    assert response.status_code == 302
    assert response["Location"] == unit_url(city.org.ward_b) + "?status=overdue"


def test_a_unit_outside_the_scope_cannot_be_chosen(client, city):
    client.force_login(city.hr_a)

    response = client.get(unit_url(city.org.ward_a), {"unit": city.org.ward_b.pk})

    assert response.status_code == 200
    assert "unit" in response.context["form"].errors


# --- Scope and permissions


@pytest.mark.parametrize("name", ["unit", "overdue", "export_csv", "export_xlsx"])
def test_a_unit_of_another_ward_answers_404(client, city, name):
    client.force_login(city.hr_a)

    assert client.get(unit_url(city.org.ward_b, name)).status_code == 404
    assert client.get(unit_url(city.org.city, name)).status_code == 404  # above the scope
    assert client.get(unit_url(city.org.office_a, name)).status_code == 200  # below it


def test_a_person_of_another_ward_answers_404(client, city):
    client.force_login(city.hr_a)
    other = city.people["b_late"].user

    assert client.get(reverse("compliance_reports:person", args=[other.pk])).status_code == 404
    assert client.get(reverse("compliance_reports:person_pdf", args=[other.pk])).status_code == 404
    mine = city.people["a_late"].user
    assert client.get(reverse("compliance_reports:person", args=[mine.pk])).status_code == 200


def test_learners_and_anonymous_are_turned_away(client, city):
    learner = city.people["a_late"].user
    urls = [
        reverse("compliance_reports:index"),
        unit_url(city.org.ward_a),
        unit_url(city.org.ward_a, "export_xlsx"),
        reverse("compliance_reports:person", args=[learner.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    client.force_login(learner)
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b'id="figures"' not in response.content


def test_admin_access_without_units_is_refused(client, city):
    trainer = UserFactory(username="giangvien_bc")
    trainer.groups.add(Group.objects.get(name=roles.TRAINER))
    client.force_login(trainer)

    response = client.get(unit_url(city.org.ward_a))

    assert response.status_code in (302, 403)
    assert response.status_code != 200
    admin_home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("compliance_reports:index") not in admin_home


def test_the_menu_item_is_shown_to_hr(client, city):
    client.force_login(city.hr_a)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert reverse("compliance_reports:index") in html


def test_an_administrator_sees_everything(client, city):
    client.force_login(city.admin)

    response = client.get(reverse("compliance_reports:index"))

    assert response.status_code == 302 and response["Location"] == unit_url(city.org.city)
    assert client.get(unit_url(city.org.ward_b)).status_code == 200


# --- The overdue list and a person's page


def test_overdue_list_has_contacts_and_only_late_people(client, city):
    client.force_login(city.hr)

    response = client.get(unit_url(city.org.ward_b, "overdue"))

    assert response.status_code == 200
    html = response.content.decode()
    assert people_names(html, "overdue") == ["Đỗ Thị Chậm"]
    person = city.people["b_late"].user
    assert f'href="mailto:{person.email}"' in html
    assert 'href="tel:0912 000 111"' in html
    # The overdue list's exports are its own (only late rows, their own columns; test_overdue_actions.py).
    late_xlsx = reverse("compliance_reports:overdue_export_xlsx", args=[city.org.ward_b.pk])
    assert response.context["xlsx_url"] == late_xlsx


def test_overdue_list_empty_state(client, city):
    client.force_login(city.hr)

    response = client.get(unit_url(city.org.ward_a, "overdue"), {"course": city.course_b.pk})

    assert 'id="no-people"' in response.content.decode()


def test_person_page_shows_status_reason_and_pdf_link(client, city):
    client.force_login(city.hr)
    person = city.people["a_exempt"].user

    response = client.get(reverse("compliance_reports:person", args=[person.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã học tại Sở Nội vụ" in html  # the exemption's reason
    assert 'data-status="exempt"' in html
    assert reverse("compliance_reports:person_pdf", args=[person.pk]) in html


def test_empty_unit_says_so(client, city):
    client.force_login(city.hr)

    response = client.get(unit_url(city.org.office_a), {"course": city.course_b.pk})

    html = response.content.decode()
    assert 'id="no-figures"' in html and 'id="no-people"' in html and 'id="no-subunits"' in html


# --- Completion over time


def test_completion_over_time_by_month_ends_at_the_headline(city):
    now = timezone.now()
    three_months_ago = now - timedelta(days=92)
    Obligation.objects.filter(user=city.people["a_done"].user, course=city.course).update(
        completed_at=three_months_ago
    )
    Obligation.objects.filter(user=city.people["b_done"].user, course=city.course).update(
        completed_at=now - timedelta(days=800)  # before the window: counts from the first month on
    )

    points = completion_over_time(viewer=city.hr, unit=city.org.city, now=now)

    assert len(points) == 12
    assert points[-1].month == timezone.localdate(now).replace(day=1)
    assert [p.completed for p in points].count(1) == 1 and sum(p.completed for p in points) == 1
    assert points[0].cumulative == 1
    assert points[-1].cumulative == 2
    top, _children = dashboard_summary(viewer=city.hr, unit=city.org.city, now=now)
    assert points[-1].percent == top.percent == 22.2
    month_of_completion = timezone.localtime(three_months_ago).date().replace(day=1)
    assert next(p for p in points if p.month == month_of_completion).completed == 1


def test_completion_over_time_respects_filters_and_scope(city):
    points = completion_over_time(viewer=city.hr_a, unit=city.org.ward_b)
    assert all(p.percent is None and p.cumulative == 0 for p in points)
    only_b = ReportFilters(course_id=city.course_b.pk)
    points = completion_over_time(viewer=city.hr, unit=None, filters=only_b)
    assert points[-1].percent == 0.0
    learner = city.people["a_done"].user
    assert completion_over_time(viewer=learner, unit=None, filters=NO_FILTERS)[-1].percent is None


def test_hr_sees_new_courses_in_the_course_filter(client, city, catalogue):
    make_course(catalogue, title="Khóa chưa giao")
    client.force_login(city.hr)

    response = client.get(unit_url(city.org.city))

    choices = dict(response.context["form"].fields["course"].choices)
    assert city.course.pk in choices and city.course_b.pk in choices
    assert "Khóa chưa giao" not in choices.values()  # only courses that were assigned


def test_a_newcomer_appears_after_joining(client, city):
    make_official(city.org.ward_b, name="Người Mới Đến")
    client.force_login(city.hr)

    html = client.get(unit_url(city.org.ward_b)).content.decode()

    assert "Người Mới Đến" in people_names(html)
