"""Issue 15, items 3 and 4: the overdue list HR acts on (days late, last activity, progress, contacts; remind,
exempt, open the person; the same on the person's page), its own export, exports that open right in Excel
(autofilter, frozen header, widths, dates; CSV with semicolons and a BOM, or standard), names in Vietnamese
dictionary order, and an export filtered to nothing. Bad input: two HR officers acting on the same person at
once."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from lms.collation import vietnamese_key
from lms.compliance.models import Obligation
from lms.compliance.reports.overdue import UNIT_SEPARATOR, overdue_export_headers
from lms.compliance.services import obligation_exempt
from lms.reminders import delivery, scheduling
from lms.reminders.models import Kind, Reminder
from tests.lms.compliance.report_data import build_city
from tests.org_builders import make_official

pytestmark = pytest.mark.django_db

LATE_DAYS = 35  # course 1 was assigned 40 days ago, due 5 days later


@pytest.fixture
def city(catalogue):
    return build_city(catalogue)


def overdue_url(unit):
    return reverse("compliance_reports:overdue", args=[unit.pk])


def late_obligation(city, key):
    return Obligation.objects.get(user=city.people[key].user, course_id=city.course.pk, is_current=True)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The list ----------------------------------------------------------------------------------------------


def test_the_overdue_list_shows_days_late_activity_progress_and_contacts(client, city):
    client.force_login(city.hr)
    response = client.get(overdue_url(city.org.ward_a))
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.context["rows"]}
    late = rows["Lê Văn Trễ"]
    assert late["days_late"] == LATE_DAYS
    assert late["last_activity"] is None and late["progress"] == 0  # never opened the course
    assert late["phone"] == "0901 234 567" and late["email"]
    html = response.content.decode()
    for column in ('class="days-late" data-value="35"', 'class="progress"', 'href="tel:0901 234 567"'):
        assert column in html
    assert f'name="obligations" value="{late["pk"]}"' in html  # a checkbox per row
    assert 'id="act-remind"' in html and 'id="act-exempt"' in html
    assert reverse("reminders_admin:nudge_confirm") in html and reverse("compliance_reports:exempt") in html
    assert reverse("compliance_reports:person", args=[late["user_id"]]) in html  # open the person


def test_progress_and_last_activity_come_from_the_enrolment(client, city):
    from lms.learning.services import progress_record
    from tests.builders import lessons_of

    person = city.people["a_late"].user
    progress_record(user=person, lesson=lessons_of(city.course)[0], source="manual")  # 1 of 2 lessons
    client.force_login(city.hr)
    rows = {row["name"]: row for row in client.get(overdue_url(city.org.ward_a)).context["rows"]}
    assert rows["Lê Văn Trễ"]["progress"] == 50
    assert rows["Lê Văn Trễ"]["last_activity"] is not None


# --- Exempting ("Miễn học") --------------------------------------------------------------------------------


def test_exempt_asks_for_confirmation_and_a_reason_then_changes_the_figures(client, city):
    client.force_login(city.hr)
    target = late_obligation(city, "a_late")
    back = overdue_url(city.org.ward_a)
    before = client.get(reverse("compliance_reports:unit", args=[city.org.ward_a.pk])).context["top"]

    first = client.post(reverse("compliance_reports:exempt"), {"obligations": [target.pk], "next": back})
    assert first.status_code == 200
    assert [row.pk for row in first.context["rows"]] == [target.pk]
    assert Obligation.objects.get(pk=target.pk).exempt_at is None  # nothing yet

    no_reason = client.post(
        reverse("compliance_reports:exempt"), {"obligations": [target.pk], "next": back, "confirm": "1"}
    )
    assert no_reason.status_code == 400 and no_reason.context["form"].errors["reason"]
    assert Obligation.objects.get(pk=target.pk).exempt_at is None

    done = client.post(
        reverse("compliance_reports:exempt"),
        {"obligations": [target.pk], "next": back, "confirm": "1", "reason": "Đã học tại Sở"},
    )
    assert done.status_code == 302 and done["Location"] == back
    assert Obligation.objects.get(pk=target.pk).exempt_reason == "Đã học tại Sở"
    after = client.get(reverse("compliance_reports:unit", args=[city.org.ward_a.pk])).context["top"]
    assert (after["late"], after["exempt"]) == (before["late"] - 1, before["exempt"] + 1)


def test_exempt_refuses_other_wards_learners_and_foreign_next(client, city):
    ward_b = late_obligation(city, "b_late")
    client.force_login(city.hr_a)  # manages ward A only
    response = client.post(
        reverse("compliance_reports:exempt"),
        {"obligations": [ward_b.pk], "confirm": "1", "reason": "thử", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance_reports:index")  # not the foreign address
    assert Obligation.objects.get(pk=ward_b.pk).exempt_at is None

    client.force_login(city.people["a_late"].user)  # a learner
    response = client.post(
        reverse("compliance_reports:exempt"), {"obligations": [ward_b.pk], "confirm": "1", "reason": "x"}
    )
    assert response.status_code in (302, 403)
    assert Obligation.objects.get(pk=ward_b.pk).exempt_at is None
    assert client.get(reverse("compliance_reports:exempt")).status_code in (302, 403, 405)


def test_nothing_selected_goes_back_with_a_message(client, city):
    client.force_login(city.hr)
    back = overdue_url(city.org.ward_a)
    response = client.post(reverse("compliance_reports:exempt"), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert texts(response)


# --- Reminding ---------------------------------------------------------------------------------------------


def test_remind_from_the_overdue_list_goes_through_the_nudge_and_comes_back(client, city):
    client.force_login(city.hr)
    chosen = [late_obligation(city, "a_late").pk, late_obligation(city, "o_late").pk]
    back = overdue_url(city.org.ward_a) + "?course=" + str(city.course.pk)
    url = reverse("reminders_admin:nudge_confirm")

    confirm = client.post(url, {"obligations": chosen, "next": back})
    assert confirm.status_code == 200 and confirm.context["next_url"] == back
    assert not Reminder.objects.filter(kind=Kind.NUDGE).exists()

    sent = client.post(url, {"obligations": chosen, "next": back, "confirm": "1"})
    assert sent.status_code == 302 and sent["Location"] == back
    assert sorted(Reminder.objects.filter(kind=Kind.NUDGE).values_list("obligation_id", flat=True)) == sorted(
        chosen
    )
    again = client.post(url, {"obligations": chosen, "next": back, "confirm": "1"})  # the nudge's rule
    assert Reminder.objects.filter(kind=Kind.NUDGE).count() == 2
    assert any("2" in text for text in texts(again))  # two refused: already reminded today


# --- Two HR officers on the same person at once ------------------------------------------------------------


def test_exemption_then_reminder_the_reminder_is_refused(city):
    target = late_obligation(city, "a_late")
    obligation_exempt(by=city.hr_a, obligation=target, reason="Đã học")  # officer 1
    sent, refused = scheduling.obligations_nudge(by=city.hr, obligation_ids=[target.pk])  # officer 2
    assert (sent, refused) == ([], 1)
    assert not Reminder.objects.filter(kind=Kind.NUDGE).exists()


def test_reminder_then_exemption_the_reminder_stops_before_sending(city, mailoutbox):
    target = late_obligation(city, "a_late")
    mailoutbox.clear()  # the city's completions were confirmed as they were made
    now = timezone.now().replace(hour=4, minute=0)  # 11:00 in Ho Chi Minh City: outside quiet hours
    sent, refused = scheduling.obligations_nudge(by=city.hr, obligation_ids=[target.pk], now=now)
    assert len(sent) == 1 and refused == 0
    obligation_exempt(by=city.hr_a, obligation=target, reason="Đã học")  # meanwhile, officer 2
    outcome = delivery.reminder_deliver(reminder_id=sent[0], now=now)
    assert outcome.state == Reminder.State.SKIPPED
    assert mailoutbox == []


def test_two_exemptions_at_once_one_wins_the_other_is_told(client, city):
    target = late_obligation(city, "a_late")
    data = {"obligations": [target.pk], "confirm": "1", "reason": "Đã học"}
    client.force_login(city.hr)
    first_page = client.post(reverse("compliance_reports:exempt"), {"obligations": [target.pk]})
    assert len(first_page.context["rows"]) == 1  # officer 1 sees the person on the confirmation
    obligation_exempt(by=city.hr_a, obligation=target, reason="Người khác miễn trước")  # officer 2 first
    response = client.post(reverse("compliance_reports:exempt"), data)
    assert response.status_code == 302
    assert texts(response)  # told that the person was left out
    assert Obligation.objects.get(pk=target.pk).exempt_reason == "Người khác miễn trước"


# --- The person's page -------------------------------------------------------------------------------------


def test_the_person_page_has_the_same_actions_for_open_courses_only(client, city):
    client.force_login(city.hr)
    late = client.get(reverse("compliance_reports:person", args=[city.people["a_late"].user_id]))
    html = late.content.decode()
    target = late_obligation(city, "a_late")
    assert f'name="obligations" value="{target.pk}"' in html
    assert 'id="act-remind"' in html and 'id="act-exempt"' in html
    done = client.get(reverse("compliance_reports:person", args=[city.people["a_done"].user_id]))
    assert (
        'name="obligations"' not in done.content.decode() and 'id="act-remind"' not in done.content.decode()
    )


# --- The overdue export ------------------------------------------------------------------------------------


def test_the_overdue_export_has_its_own_columns_and_file_name(client, city):
    client.force_login(city.hr)
    response = client.get(reverse("compliance_reports:overdue_export_xlsx", args=[city.org.ward_a.pk]))
    assert response.status_code == 200
    assert "danh-sach-qua-han_" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == overdue_export_headers()
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"Lê Văn Trễ", "Phạm Thị Văn Phòng"}  # only the late ones
    late = by_name["Lê Văn Trễ"]
    assert late[8] == LATE_DAYS  # days late, a number
    assert late[7].date() == (timezone.localdate() - timedelta(days=LATE_DAYS))  # due date, a date
    assert late[3] == UNIT_SEPARATOR.join([city.org.city.name, city.org.ward_a.name])  # unit path
    office = by_name["Phạm Thị Văn Phòng"]
    assert office[3].endswith(UNIT_SEPARATOR + city.org.office_a.name)
    assert "35" in late[9] and city.org.city.name in late[9]  # the reason: how late, through which unit
    assert sheet.auto_filter.ref == f"A1:L{len(rows) + 1}"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width > 20


def test_csv_in_two_flavours(client, city):
    client.force_login(city.hr)
    excel = body(client.get(reverse("compliance_reports:export_csv_excel", args=[city.org.ward_a.pk])))
    standard = body(client.get(reverse("compliance_reports:export_csv", args=[city.org.ward_a.pk])))
    for data, delimiter in ((excel, ";"), (standard, ",")):
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))
        assert len(rows[0]) == 11 and len(rows) > 2
        assert all(len(row) == 11 for row in rows)
    assert excel.decode("utf-8-sig").splitlines()[0].count(";") == 10
    late = body(client.get(reverse("compliance_reports:overdue_export_csv_excel", args=[city.org.ward_a.pk])))
    header = next(csv.reader(io.StringIO(late.decode("utf-8-sig")), delimiter=";"))
    assert header == overdue_export_headers()


def test_the_pages_offer_both_csv_flavours(client, city):
    client.force_login(city.hr)
    for url in (reverse("compliance_reports:unit", args=[city.org.ward_a.pk]), overdue_url(city.org.ward_a)):
        html = client.get(url).content.decode()
        assert 'id="export-csv-excel"' in html and 'id="export-csv"' in html and 'id="export-xlsx"' in html


@pytest.mark.parametrize(
    "name",
    ["export_csv", "export_csv_excel", "export_xlsx", "overdue_export_csv", "overdue_export_xlsx"],
)
def test_an_export_filtered_to_nothing_has_its_header_and_a_note(client, city, name):
    client.force_login(city.hr)
    far = (timezone.localdate() + timedelta(days=3000)).isoformat()
    response = client.get(reverse(f"compliance_reports:{name}", args=[city.org.ward_a.pk]), {"due_from": far})
    assert response.status_code == 200
    data = body(response)
    if name.endswith("xlsx"):
        rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    else:
        rows = list(
            csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";" if "excel" in name else ",")
        )
    assert len(rows) == 2
    assert rows[0][0] and rows[1][0]  # the header, then the note
    assert not any(rows[1][1:]) if len(rows[1]) > 1 else True


# --- Vietnamese dictionary order ---------------------------------------------------------------------------


def test_vietnamese_key_orders_letters_then_tones():
    names = ["Đỗ An", "Dương Bình", "Ân Cường", "Ăn Dũng", "An Em", "Ưng Hà", "Uông Hải", "Bùi Khoa"]
    assert sorted(names, key=vietnamese_key) == [
        "An Em", "Ăn Dũng", "Ân Cường", "Bùi Khoa", "Dương Bình", "Đỗ An", "Uông Hải", "Ưng Hà",
    ]  # fmt: skip
    assert sorted(["hà", "hả", "há", "ha", "hạ", "hã", "hà"], key=vietnamese_key)[0] == "ha"


def test_lists_and_exports_sort_names_in_vietnamese_order(client, city):
    for name in ("Đặng Văn Đức", "Dương Thị Dung", "Âu Văn Ất", "Ba Văn Bốn"):
        make_official(city.org.office_a, name=name)
    from lms.compliance.services import assignment_create

    assignment_create(
        by=city.admin, course=city.course_b, unit=city.org.office_a, due_days=3,
        now=timezone.now() - timedelta(days=10),
    )  # fmt: skip
    client.force_login(city.hr)
    params = {"course": city.course_b.pk}
    rows = client.get(reverse("compliance_reports:unit", args=[city.org.office_a.pk]), params).context["rows"]
    names = [row["name"] for row in rows]
    assert names == sorted(names, key=vietnamese_key)
    assert names.index("Dương Thị Dung") < names.index("Đặng Văn Đức")  # d before đ, whatever the byte order
    assert names.index("Âu Văn Ất") < names.index("Ba Văn Bốn")
    data = body(client.get(reverse("compliance_reports:export_csv", args=[city.org.office_a.pk]), params))
    exported = [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))][1:]
    assert exported == names
