"""Bulk import of officials: reading files, row checks, scope, re-import, leavers, emails, all-or-nothing."""

import codecs
import io
import unicodedata
import zipfile

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.utils import translation

from lms.people import importing
from lms.people.importing import (
    COLUMNS,
    Action,
    ImportRejected,
    applying,
    officials_import,
    officials_parse,
    reading,
)
from lms.people.models import Official
from tests.lms.people.org_builders import (
    attach_official,
    csv_bytes,
    make_administrator,
    make_hr_manager,
    make_official,
    make_org,
    row,
    xlsx_bytes,
    xlsx_from_dicts,
)

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def org():
    return make_org()


def parse(data: bytes, filename: str = "can-bo.csv", **options):
    return officials_parse(file=data, filename=filename, **options)


def error_codes(parsed) -> list[str]:
    return [e.code for e in parsed.errors]


TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode as Vietnamese Windows does: letters with their vowel marks (ê, ơ, ă…), tone marks combining."""
    clusters: list[list[str]] = []
    for ch in unicodedata.normalize("NFD", text):
        if clusters and unicodedata.combining(ch):
            clusters[-1].append(ch)
        else:
            clusters.append([ch])
    out = []
    for base, *marks in clusters:
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in TONE_MARKS))
        out.append(letter + "".join(m for m in marks if m in TONE_MARKS))
    return "".join(out).encode("cp1258")


# --- Reading files ---------------------------------------------------------------------------------------


def test_a_utf8_csv_creates_officials_with_accounts_that_have_no_password_yet(org):
    data = csv_bytes(
        [row(), row(employee_code="CB002", full_name="Trần Thị Bích", email="bich@phuong.example")]
    )

    parsed = parse(data)
    result = officials_import(parsed=parsed)

    assert parsed.ok and parsed.counts[Action.NEW] == 2
    assert len(result.created) == 2
    official = Official.objects.select_related("user", "unit").get(employee_code="CB001")
    assert official.user.full_name == "Nguyễn Văn An"
    assert official.user.username == "CB001"
    assert official.user.email == "an.nguyen@phuong.example"
    assert not official.user.has_usable_password()
    assert official.unit == org.ben_thanh
    assert official.phone == "0901234567"
    assert official.user.groups.filter(name="Learner").exists()


def test_an_xlsx_workbook_is_read_like_a_csv(org):
    data = xlsx_from_dicts([row(position_code="TP-HT", is_unit_head="x")])

    parsed = parse(data, "can-bo.xlsx")
    officials_import(parsed=parsed)

    official = Official.objects.get(employee_code="CB001")
    assert official.position == org.civil_status
    assert official.is_unit_head is True


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_header_in_another_order_with_extra_columns_imports_the_same(org, fmt):
    people = [row(), row(employee_code="CB002", full_name="Trần Thị Bích", email="b@phuong.example")]
    people = [{**values, "stt": str(n), "note": "đã kiểm tra"} for n, values in enumerate(people, start=1)]
    columns = ("stt", *reversed(COLUMNS), "note")
    header = ["STT", *(importing.HEADERS_VI[c] for c in reversed(COLUMNS)), "Ghi chú"]
    if fmt == "csv":
        data = csv_bytes(people, columns=columns, header=header)
    else:
        data = xlsx_bytes([[values[c] for c in columns] for values in people], header=header)

    parsed = parse(data, f"can-bo.{fmt}")
    as_template = parse(csv_bytes(people))

    assert parsed.ok, parsed.errors
    assert parsed.ignored_columns == ["STT", "Ghi chú"]
    assert [(r.number, r.cells, r.action) for r in parsed.rows] == [
        (r.number, r.cells, r.action) for r in as_template.rows
    ]
    officials_import(parsed=parsed)
    officials = Official.objects.select_related("user", "unit").order_by("employee_code")
    assert [(o.employee_code, o.user.full_name, o.user.email, o.unit, o.phone) for o in officials] == [
        ("CB001", "Nguyễn Văn An", "an.nguyen@phuong.example", org.ben_thanh, "0901234567"),
        ("CB002", "Trần Thị Bích", "b@phuong.example", org.ben_thanh, "0901234567"),
    ]
    assert officials_parse(file=csv_bytes(people), filename="can-bo.csv").counts[Action.UNCHANGED] == 2


def test_a_cp1258_csv_gives_composed_vietnamese_names(org):
    name = "Nguyễn Thị Hồng Nhung"
    header = ",".join(importing.HEADERS_VI[c] for c in COLUMNS)
    text = f"{header}\r\nCB010,{name},P-BENTHANH,,nhung@phuong.example,,,\r\n"
    data = to_cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    parsed = parse(data)

    assert parsed.ok, parsed.errors
    assert parsed.rows[0].full_name == name
    assert unicodedata.is_normalized("NFC", parsed.rows[0].full_name)


def test_a_utf16_tab_separated_csv_is_read(org):
    data = csv_bytes([row(full_name="Lê Thị Ngọc Ánh")], encoding="utf-16", delimiter="\t")
    assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))

    parsed = parse(data)

    assert parsed.ok, parsed.errors
    assert parsed.rows[0].full_name == "Lê Thị Ngọc Ánh"


def test_a_semicolon_csv_without_bom_is_read(org):
    parsed = parse(csv_bytes([row()], encoding="utf-8", delimiter=";"))

    assert parsed.ok, parsed.errors
    assert parsed.rows[0].unit_code == "P-BENTHANH"


def test_english_column_names_are_accepted(org):
    parsed = parse(csv_bytes([row()], header=list(COLUMNS)))

    assert parsed.ok, parsed.errors


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("danh-sach.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
        ("danh-sach.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"),
        ("danh-sach.csv", b"PK\x03\x04 an xlsx renamed to csv"),
        ("danh-sach.xlsx", "Mã cán bộ,Họ và tên\n".encode()),
        ("danh-sach.xlsx", b"PK\x03\x04 not really a zip"),
        ("danh-sach.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        ("danh-sach", b"employee_code,full_name,unit_code\n"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_nothing_read(org, filename, data):
    parsed = parse(data, filename)

    assert not parsed.ok
    assert parsed.rows == []
    assert error_codes(parsed) == ["bad_file"]
    assert all(e.row is None and e.message for e in parsed.errors)


def test_a_zip_that_is_not_a_workbook_is_refused(org):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")

    parsed = parse(buffer.getvalue(), "danh-sach.xlsx")

    assert error_codes(parsed) == ["bad_file"]


def test_a_file_over_the_size_limit_is_refused_before_reading(org, monkeypatch):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 100)

    parsed = parse(csv_bytes([row()] * 5))

    assert error_codes(parsed) == ["bad_file"]


@pytest.mark.parametrize("data", [b"", "\ufeff".encode(), csv_bytes([])])
def test_an_empty_file_says_so(org, data):
    parsed = parse(data)

    assert not parsed.ok
    assert error_codes(parsed) == ["empty"]


def test_missing_required_columns_are_named(org):
    parsed = parse(csv_bytes([row()], columns=("employee_code", "email")))

    assert error_codes(parsed) == ["missing_columns"]
    assert "Họ và tên" in parsed.errors[0].message and "Mã đơn vị" in parsed.errors[0].message


def test_a_column_twice_is_refused(org):
    parsed = parse(csv_bytes([row()], header=[*(importing.HEADERS_VI[c] for c in COLUMNS[:-1]), "full_name"]))

    assert error_codes(parsed) == ["duplicate_column"]


def test_unknown_columns_are_listed_and_ignored(org):
    data = csv_bytes([{**row(), "note": "x"}], columns=(*COLUMNS, "note"), header=[*COLUMNS, "Ghi chú"])

    parsed = parse(data)

    assert parsed.ok
    assert parsed.ignored_columns == ["Ghi chú"]


def test_too_many_rows_are_refused(org, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 2)

    parsed = parse(csv_bytes([row(employee_code=f"CB{i}", email=f"cb{i}@phuong.example") for i in range(3)]))

    assert error_codes(parsed) == ["too_many_rows"]
    assert parsed.rows == []


# --- Row errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"employee_code": ""}, "missing_employee_code"),
        ({"full_name": ""}, "missing_full_name"),
        ({"unit_code": ""}, "missing_unit_code"),
        ({"unit_code": "P-KHONG-CO"}, "unknown_unit"),
        ({"position_code": "KHONG-CO"}, "unknown_position"),
        ({"email": "an.nguyen@"}, "bad_email"),
        ({"email": "an nguyen@phuong.example"}, "bad_email"),
        ({"full_name": '=HYPERLINK("http://x","An")'}, "formula"),
        ({"full_name": "+84 Nguyễn"}, "formula"),
        ({"full_name": "@SUM(A1)"}, "formula"),
        ({"employee_code": "-CB001"}, "formula"),
        ({"unit_code": "=A1"}, "formula"),
        ({"employee_code": "CB 001"}, "bad_employee_code"),
        ({"employee_code": "CBĐ01"}, "bad_employee_code"),
        ({"full_name": "A" * 151}, "too_long"),
        ({"phone": "gọi sau"}, "bad_phone"),
        ({"is_unit_head": "có lẽ"}, "bad_yes_no"),
        ({"active": "?"}, "bad_yes_no"),
        ({"employee_code": importing.EXAMPLE_CODE, "full_name": importing.EXAMPLE_NAME}, "example_row"),
    ],
)
def test_each_bad_row_gets_its_error_with_the_spreadsheet_row_number(org, values, code):
    parsed = parse(csv_bytes([row(employee_code="CB100", email="ok@phuong.example"), row(**values)]))

    assert not parsed.ok
    assert error_codes(parsed) == [code]
    assert parsed.errors[0].row == 3  # header is row 1
    assert parsed.errors[0].display.startswith(("Row 3", "Dòng 3"))
    assert parsed.rows[0].is_valid and not parsed.rows[1].is_valid


def test_several_errors_of_one_row_are_all_reported(org):
    parsed = parse(csv_bytes([row(full_name="", unit_code="P-KHONG-CO", email="sai")]))

    assert sorted(error_codes(parsed)) == ["bad_email", "missing_full_name", "unknown_unit"]


def test_a_closed_unit_is_refused(org):
    org.sai_gon.is_active = False
    org.sai_gon.save()

    parsed = parse(csv_bytes([row(unit_code="P-SAIGON")]))

    assert error_codes(parsed) == ["inactive_unit"]


def test_an_email_of_another_persons_account_is_refused(org):
    make_official("CB900", "Phạm Văn Bình", org.sai_gon, email="Binh.Pham@phuong.example")

    parsed = parse(csv_bytes([row(email="binh.pham@PHUONG.example")]))

    assert error_codes(parsed) == ["email_taken"]


def test_a_username_taken_by_an_account_without_official_record_is_refused(org):
    User.objects.create_user(username="cb001", email="khac@phuong.example")

    parsed = parse(csv_bytes([row(employee_code="CB001")]))

    assert error_codes(parsed) == ["username_taken"]


def test_duplicate_employee_codes_in_the_file_are_refused_ignoring_case(org):
    parsed = parse(
        csv_bytes([row(employee_code="CB001"), row(employee_code="cb001", email="khac@phuong.example")])
    )

    assert error_codes(parsed) == ["duplicate_employee_code"]
    assert parsed.errors[0].row == 3
    assert "2" in parsed.errors[0].message


def test_duplicate_emails_in_the_file_are_refused(org):
    parsed = parse(csv_bytes([row(employee_code="CB001"), row(employee_code="CB002")]))

    assert error_codes(parsed) == ["duplicate_email"]


def test_a_formula_in_a_workbook_cell_is_refused(org):
    data = xlsx_bytes(
        [["CB001", '=CONCATENATE("Nguyễn ","An")', "P-BENTHANH", "", "an@phuong.example", "", "", ""]]
    )

    parsed = parse(data, "can-bo.xlsx")

    assert error_codes(parsed) == ["formula"]


def test_a_phone_number_stored_as_a_number_keeps_its_leading_zero(org):
    data = xlsx_bytes([["CB001", "Nguyễn Văn An", "P-BENTHANH", "", "an@phuong.example", 901234567, "", ""]])

    parsed = parse(data, "can-bo.xlsx")
    officials_import(parsed=parsed)

    assert Official.objects.get(employee_code="CB001").phone == "0901234567"


# --- All or nothing ----------------------------------------------------------------------------------------


def test_one_bad_row_blocks_the_whole_file(org):
    parsed = parse(csv_bytes([row(), row(employee_code="CB002", email="b@phuong.example", unit_code="SAI")]))

    with pytest.raises(ImportRejected):
        officials_import(parsed=parsed)

    assert Official.objects.count() == 0
    assert User.objects.filter(username__in=["CB001", "CB002"]).count() == 0


def test_a_failure_while_writing_leaves_nothing_half_written(org, monkeypatch):
    make_official("CB050", "Đặng Văn Cũ", org.ben_thanh)
    parsed = parse(
        csv_bytes(
            [
                row(employee_code="CB050", full_name="Đặng Văn Mới", email="cb050@phuong.example"),
                row(employee_code="CB001"),
                row(employee_code="CB002", email="b@phuong.example"),
            ]
        )
    )
    calls = []
    real_save = applying.official_save

    def failing_save(**kwargs):
        calls.append(kwargs["employee_code"])
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_save(**kwargs)

    monkeypatch.setattr(applying, "official_save", failing_save)

    with pytest.raises(RuntimeError):
        officials_import(parsed=parsed)

    assert Official.objects.count() == 1
    assert Official.objects.get(employee_code="CB050").user.full_name == "Đặng Văn Cũ"


# --- Re-import, updates and leavers -------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing_and_sends_nothing(
    org, django_capture_on_commit_callbacks
):
    data = xlsx_from_dicts(
        [row(), row(employee_code="CB002", full_name="Trần Thị Bích", email="bich@phuong.example")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        officials_import(parsed=parse(data, "can-bo.xlsx"))
    users, sent = User.objects.count(), len(mail.outbox)

    again = parse(data, "can-bo.xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        result = officials_import(parsed=again)

    assert [r.action for r in again.rows] == [Action.UNCHANGED, Action.UNCHANGED]
    assert not again.has_writes
    assert result.created == [] and result.updated == 0 and result.unchanged == 2
    assert User.objects.count() == users
    assert len(mail.outbox) == sent == 2


def test_a_reimport_updates_the_official_found_by_employee_code(org, django_capture_on_commit_callbacks):
    official = make_official("CB001", "Nguyễn Văn An", org.ben_thanh, email="an.nguyen@phuong.example")

    data = csv_bytes(
        [
            row(
                employee_code="cb001",
                full_name="Nguyễn Văn Ân",
                unit_code="BT-VP",
                position_code="CHU-TICH",
                phone="0901234567",
                is_unit_head="có",
            )
        ]
    )
    with translation.override("en"):
        parsed = parse(data)
    with django_capture_on_commit_callbacks(execute=True):
        result = officials_import(parsed=parsed)

    assert parsed.rows[0].action == Action.UPDATE
    assert [(c.label, c.old, c.new) for c in parsed.rows[0].changes] == [
        ("Full name", "Nguyễn Văn An", "Nguyễn Văn Ân"),
        ("Unit", "Phường Bến Thành", "Văn phòng HĐND và UBND phường Bến Thành"),
        ("Position", "—", "Chủ tịch UBND"),
        ("Phone", "—", "0901234567"),
        ("Head of unit", "no", "yes"),
    ]
    assert result.updated == 1 and result.created == []
    official.refresh_from_db()
    official.user.refresh_from_db()
    assert official.user.full_name == "Nguyễn Văn Ân"
    assert (official.unit, official.position, official.is_unit_head) == (
        org.ben_thanh_office,
        org.chairman,
        True,
    )
    assert official.employee_code == "CB001"
    assert mail.outbox == []


def test_columns_absent_from_the_file_keep_their_values(org):
    official = make_official("CB001", "Nguyễn Văn An", org.ben_thanh, position=org.chairman)
    official.phone = "0281234567"
    official.save()

    parsed = parse(
        csv_bytes([row(email="cb001@phuong.example")], columns=("employee_code", "full_name", "unit_code"))
    )
    officials_import(parsed=parsed)

    official.refresh_from_db()
    assert parsed.rows[0].action == Action.UNCHANGED
    assert (official.position, official.phone, official.user.email) == (
        org.chairman,
        "0281234567",
        "cb001@phuong.example",
    )


def test_active_no_deactivates_and_a_later_import_reactivates(org):
    make_official("CB001", "Nguyễn Văn An", org.ben_thanh, email="an.nguyen@phuong.example")

    officials_import(parsed=parse(csv_bytes([row(active="không")])))
    assert not User.objects.get(username="CB001").is_active

    again = parse(csv_bytes([row(active="")]))
    officials_import(parsed=again)
    assert again.rows[0].action == Action.UPDATE
    assert User.objects.get(username="CB001").is_active


def test_leavers_are_deactivated_only_inside_the_uploaders_scope(org):
    hr = make_hr_manager(org.ben_thanh)
    make_official("CB001", "Nguyễn Văn An", org.ben_thanh, email="an.nguyen@phuong.example")
    leaver = make_official("CB002", "Trần Thị Bích", org.ben_thanh_office)
    other_ward = make_official("CB003", "Lý Văn Cường", org.sai_gon)

    parsed = parse(csv_bytes([row()]), viewer=hr, deactivate_missing=True)
    result = officials_import(parsed=parsed)

    assert [o.employee_code for o in parsed.leavers] == ["CB002"]
    assert result.deactivated == 1
    leaver.user.refresh_from_db()
    other_ward.user.refresh_from_db()
    assert not leaver.user.is_active
    assert other_ward.user.is_active
    assert User.objects.get(username="CB001").is_active


def test_without_the_option_nobody_is_deactivated(org):
    make_official("CB002", "Trần Thị Bích", org.ben_thanh)

    parsed = parse(csv_bytes([row()]))

    assert parsed.leavers == []


def test_leavers_can_be_limited_to_one_unit(org):
    make_official("CB002", "Trần Thị Bích", org.ben_thanh_office)
    make_official("CB003", "Lý Văn Cường", org.sai_gon)

    parsed = parse(csv_bytes([row()]), deactivate_missing=True, leavers_under=org.ben_thanh)

    assert [o.employee_code for o in parsed.leavers] == ["CB002"]


def test_an_hr_manager_never_deactivates_themself_or_an_administrator(org):
    hr = make_hr_manager(org.ben_thanh)
    attach_official(hr, "NS001", org.ben_thanh)
    attach_official(make_administrator(), "QT001", org.ben_thanh)

    parsed = parse(csv_bytes([row()]), viewer=hr, deactivate_missing=True)

    assert parsed.leavers == []


def test_an_hr_manager_cannot_import_rows_of_units_they_do_not_manage(org):
    hr = make_hr_manager(org.ben_thanh)
    make_official("CB900", "Phạm Văn Bình", org.sai_gon)

    parsed = parse(
        csv_bytes(
            [
                row(),
                row(employee_code="CB002", email="b@phuong.example", unit_code="P-SAIGON"),
                row(employee_code="CB900", email="cb900@phuong.example", full_name="Phạm Văn Bình"),
            ]
        ),
        viewer=hr,
    )

    assert [e.code for e in parsed.errors] == ["unit_out_of_scope", "official_out_of_scope"]
    assert [e.row for e in parsed.errors] == [3, 4]


def test_an_hr_manager_cannot_change_an_administrators_record(org):
    hr = make_hr_manager(org.ben_thanh)
    attach_official(make_administrator(), "QT001", org.ben_thanh)

    parsed = parse(csv_bytes([row(employee_code="QT001", email="moi@phuong.example")]), viewer=hr)

    assert error_codes(parsed) == ["protected_account"]


def test_an_administrator_imports_into_every_unit(org):
    parsed = parse(csv_bytes([row(unit_code="P-SAIGON")]), viewer=make_administrator())

    assert parsed.ok


# --- Emails ------------------------------------------------------------------------------------------------


def test_new_accounts_with_an_email_get_a_set_password_email_after_commit(
    org, client, django_capture_on_commit_callbacks
):
    make_official("CB050", "Đặng Văn Cũ", org.ben_thanh, email="cu@phuong.example")
    mail.outbox.clear()
    data = csv_bytes(
        [
            row(),
            row(employee_code="CB002", full_name="Không Có Thư", email=""),
            row(employee_code="CB003", full_name="Đã Nghỉ", email="nghi@phuong.example", active="không"),
            row(employee_code="CB050", full_name="Đặng Văn Mới", email="cu@phuong.example"),
        ]
    )
    parsed = parse(data)
    assert parsed.rows[1].warnings

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = officials_import(parsed=parsed)
        assert mail.outbox == []  # nothing before the commit

    # Other callbacks (the new accounts' cached permissions forgotten after the commit) are not emails.
    emails = [callback for callback in callbacks if "welcome_email" in repr(callback)]
    assert len(emails) == 1 and result.emails_queued == 1
    assert [m.to for m in mail.outbox] == [["an.nguyen@phuong.example"]]
    message = mail.outbox[0]
    assert "CB001" in message.body
    link = next(line for line in message.body.splitlines() if "/tai-khoan/reset/" in line).strip()
    assert link.startswith("http://testserver/tai-khoan/reset/")
    assert message.alternatives and link in message.alternatives[0][0]

    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Phuong@2026xyz", "new_password2": "Phuong@2026xyz"})
    assert response.status_code == 302
    # django-axes needs a request to authenticate: the test client passes a blank one.
    assert client.login(request=HttpRequest(), username="CB001", password="Phuong@2026xyz")


# --- Command line ------------------------------------------------------------------------------------------


def test_the_command_imports_a_file(org, tmp_path, capsys):
    path = tmp_path / "can-bo.xlsx"
    path.write_bytes(xlsx_from_dicts([row()]))

    call_command("import_officials", str(path))

    assert Official.objects.filter(employee_code="CB001").exists()


def test_the_command_dry_run_writes_nothing(org, tmp_path):
    make_official("CB002", "Trần Thị Bích", org.ben_thanh)
    path = tmp_path / "can-bo.csv"
    path.write_bytes(csv_bytes([row()]))
    out = io.StringIO()

    call_command("import_officials", str(path), "--dry-run", "--deactivate-missing", stdout=out)

    assert not Official.objects.filter(employee_code="CB001").exists()
    assert User.objects.get(username="CB002").is_active
    assert "CB002" in out.getvalue()


def test_the_command_prints_row_errors_and_fails(org, tmp_path):
    path = tmp_path / "can-bo.csv"
    path.write_bytes(csv_bytes([row(unit_code="SAI"), row(employee_code="CB002", email="sai")]))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_officials", str(path), stderr=err)

    assert len(err.getvalue().strip().splitlines()) == 2
    assert Official.objects.count() == 0


def test_the_template_workbook_lists_the_codes_of_the_viewers_units(org):
    hr = make_hr_manager(org.ben_thanh)

    workbook = openpyxl.load_workbook(io.BytesIO(importing.officials_template_xlsx(viewer=hr)))

    officials_sheet, codes_sheet = workbook.worksheets[0], workbook.worksheets[1]
    assert [c.value for c in officials_sheet[1]] == [importing.HEADERS_VI[c] for c in COLUMNS]
    assert officials_sheet["A2"].value == importing.EXAMPLE_CODE
    unit_codes = [r[0] for r in codes_sheet.iter_rows(min_row=2, values_only=True) if r[0]]
    position_codes = [r[4] for r in codes_sheet.iter_rows(min_row=2, values_only=True) if r[4]]
    assert unit_codes == ["P-BENTHANH", "BT-VP"]
    assert sorted(position_codes) == ["CHU-TICH", "TP-HT"]


def test_the_template_filled_in_imports_but_its_example_row_does_not(org):
    workbook = openpyxl.load_workbook(io.BytesIO(importing.officials_template_xlsx()))
    sheet = workbook.worksheets[0]
    buffer = io.BytesIO()
    workbook.save(buffer)

    parsed = parse(buffer.getvalue(), "mau.xlsx")
    assert error_codes(parsed) == ["example_row"]

    sheet["A2"] = "CB777"
    sheet["B2"] = "Võ Thị Sáu"
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse(buffer.getvalue(), "mau.xlsx")
    assert parsed.ok, parsed.errors
    assert parsed.rows[0].unit.code == "HCM"


def test_everyday_words_for_leaving_and_a_phone_that_lost_its_zero_are_understood(org):
    make_official("CB001", "Nguyễn Văn An", org.ben_thanh, email="an.nguyen@phuong.example")

    parsed = parse(csv_bytes([row(active="Đã nghỉ", phone="901234567", full_name="Nguyễn  Văn   An")]))
    officials_import(parsed=parsed)

    official = Official.objects.select_related("user").get(employee_code="CB001")
    assert not official.user.is_active
    assert official.phone == "0901234567"
    assert official.user.full_name == "Nguyễn Văn An"


# --- Login data of accounts with roles, email changes, audit (issue 11) -----------------------------------


def _with_role(username: str, role: str, code: str, unit) -> Official:
    from django.contrib.auth.models import Group

    from tests.builders import UserFactory

    user = UserFactory(username=username, email=f"{username}@phuong.example")
    user.groups.add(Group.objects.get(name=role))
    return attach_official(user, code, unit)


def test_an_hr_manager_cannot_change_a_trainers_email_and_nothing_in_the_file_is_saved(org):
    hr = make_hr_manager(org.ben_thanh)
    trainer = _with_role("giang_vien", "Trainer", "GV001", org.ben_thanh)

    with translation.override("vi"):
        parsed = parse(
            csv_bytes(
                [
                    row(employee_code="CB002", email="moi@phuong.example"),
                    row(employee_code="GV001", full_name="Giảng Viên", email="ke.gian@evil.example"),
                ]
            ),
            viewer=hr,
        )

    assert error_codes(parsed) == ["protected_login_data"]
    assert parsed.errors[0].row == 3
    assert "chỉ quản trị viên mới được thay đổi email" in parsed.errors[0].message
    with pytest.raises(ImportRejected):
        officials_import(parsed=parsed)
    trainer.user.refresh_from_db()
    assert trainer.user.email == "giang_vien@phuong.example"
    assert not Official.objects.filter(employee_code="CB002").exists()


def test_an_hr_manager_cannot_change_another_hr_managers_email(org):
    hr = make_hr_manager(org.ben_thanh)
    other_hr = make_hr_manager(org.ben_thanh_office, username="nhansu_vanphong")
    attach_official(other_hr, "NS002", org.ben_thanh_office)

    parsed = parse(
        csv_bytes([row(employee_code="NS002", unit_code="BT-VP", email="ke.gian@evil.example")]), viewer=hr
    )

    assert error_codes(parsed) == ["protected_login_data"]


def test_an_hr_manager_cannot_deactivate_a_trainer_nor_list_them_as_a_leaver(org):
    hr = make_hr_manager(org.ben_thanh)
    _with_role("giang_vien", "Trainer", "GV001", org.ben_thanh)

    deactivating = parse(
        csv_bytes([row(employee_code="GV001", email="giang_vien@phuong.example", active="không")]), viewer=hr
    )
    leavers = parse(csv_bytes([row()]), viewer=hr, deactivate_missing=True)

    assert error_codes(deactivating) == ["protected_login_data"]
    assert leavers.leavers == []


def test_an_hr_manager_may_still_move_a_trainer_to_another_unit(org):
    hr = make_hr_manager(org.ben_thanh)
    trainer = _with_role("giang_vien", "Trainer", "GV001", org.ben_thanh)

    parsed = parse(
        csv_bytes([row(employee_code="GV001", unit_code="BT-VP", email="GIANG_VIEN@phuong.example")]),
        viewer=hr,
    )
    officials_import(parsed=parsed)

    trainer.refresh_from_db()
    assert parsed.ok and trainer.unit == org.ben_thanh_office
    assert trainer.user.email == "giang_vien@phuong.example"


def test_an_administrator_may_change_a_trainers_email_after_confirmation(org):
    trainer = _with_role("giang_vien", "Trainer", "GV001", org.ben_thanh)

    parsed = parse(
        csv_bytes([row(employee_code="GV001", email="gv.moi@phuong.example")]), viewer=make_administrator()
    )
    officials_import(parsed=parsed)

    trainer.user.refresh_from_db()
    assert parsed.ok
    assert trainer.user.email == "giang_vien@phuong.example"
    assert trainer.user.email_changes.get().new_email == "gv.moi@phuong.example"


def test_a_learners_new_email_waits_for_confirmation_and_both_addresses_hear_of_it(
    org, django_capture_on_commit_callbacks
):
    hr = make_hr_manager(org.ben_thanh)
    official = make_official("CB001", "Nguyễn Văn An", org.ben_thanh, email="an.cu@phuong.example")

    with translation.override("vi"):
        parsed = parse(csv_bytes([row(email="an.moi@phuong.example")]), viewer=hr)
    with django_capture_on_commit_callbacks(execute=True):
        result = officials_import(parsed=parsed)

    change = parsed.rows[0].changes[0]
    assert (change.field, change.new, change.note) == (
        "email",
        "an.moi@phuong.example",
        "chờ địa chỉ mới xác nhận",
    )
    assert result.email_changes == 1
    official.user.refresh_from_db()
    assert official.user.email == "an.cu@phuong.example"
    assert sorted(m.to[0] for m in mail.outbox) == ["an.cu@phuong.example", "an.moi@phuong.example"]


def test_an_empty_email_or_other_letter_case_keeps_the_address(org):
    make_official("CB001", "Nguyễn Văn An", org.ben_thanh, email="an.nguyen@phuong.example")

    parsed = parse(csv_bytes([row(email="", phone=""), row(employee_code="CB002", email="")]))
    cased = parse(csv_bytes([row(email="An.Nguyen@Phuong.example", phone="")]))

    assert parsed.rows[0].action == Action.UNCHANGED
    assert cased.rows[0].action == Action.UNCHANGED


def test_the_audit_trail_records_the_import_and_each_official_under_their_unit(org):
    from lms.audit.models import AuditEntry

    hr = make_hr_manager(org.ben_thanh)
    make_official("CB001", "Nguyễn Văn An", org.ben_thanh)
    make_official("CB003", "Lý Văn Cường", org.ben_thanh_office)
    before = AuditEntry.objects.count()

    parsed = parse(
        csv_bytes(
            [
                row(full_name="Nguyễn Văn Ân", email="cb001@phuong.example", phone=""),
                row(
                    employee_code="CB002",
                    full_name="Trần Thị Bích",
                    email="bich@phuong.example",
                    unit_code="BT-VP",
                ),
            ]
        ),
        viewer=hr,
        deactivate_missing=True,
    )
    officials_import(parsed=parsed)

    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [(e.action, e.unit_name, e.actor_id) for e in entries] == [
        (AuditEntry.Action.OFFICIAL_UPDATE, "Phường Bến Thành", hr.pk),
        (AuditEntry.Action.OFFICIAL_CREATE, "Văn phòng HĐND và UBND phường Bến Thành", hr.pk),
        (AuditEntry.Action.OFFICIAL_DEACTIVATE, "Văn phòng HĐND và UBND phường Bến Thành", hr.pk),
        (AuditEntry.Action.OFFICIALS_IMPORT, "Phường Bến Thành", hr.pk),
    ]
    assert entries[0].changes == {"full_name": ["Nguyễn Văn An", "Nguyễn Văn Ân"]}
    assert entries[3].changes["created"] == 1 and entries[3].changes["deactivated"] == 1
