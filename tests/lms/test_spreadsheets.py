"""Shared spreadsheet helpers: safe cells for exports, reading CSV in the encodings Vietnamese offices use,
and the one reader of the imports (columns by name, file errors)."""

import codecs
import csv
import io
from dataclasses import replace

import openpyxl
import pytest
from django.utils import translation

from lms.spreadsheets import (
    Column,
    SheetLayout,
    SpreadsheetError,
    cell_text,
    csv_lines,
    csv_rows,
    decode_csv_bytes,
    read_sheet,
    safe_cell,
)


@pytest.mark.parametrize("value", ["=1+1", "+84901234567", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Nguyễn Văn An", "", "a=b", None, 12, -5, 2.5, True])
def test_other_values_are_left_alone(value):
    assert safe_cell(value) == value


def test_reading_back_an_exported_cell_gives_the_original_text():
    assert cell_text(safe_cell("=SUM(A1)")) == "=SUM(A1)"
    assert cell_text("'quoted") == "'quoted"
    assert cell_text(12.0) == "12"


def test_csv_lines_start_with_a_bom_and_neutralise_every_cell():
    text = "".join(csv_lines([["Họ tên", "Ghi chú"], ["=cmd|'/C calc'!A0", None]]))

    assert text.startswith("\ufeff")
    assert text.splitlines()[1] == "'=cmd|'/C calc'!A0,"


def test_utf16_without_a_bom_is_recognised():
    assert (
        decode_csv_bytes("Mã,Tên\r\nA1,Lê Văn Tám\r\n".encode("utf-16-le")) == "Mã,Tên\r\nA1,Lê Văn Tám\r\n"
    )


def test_cp1258_combining_tone_marks_are_composed():
    # "Hồ" as Vietnamese Windows writes it: ô (0xF4), then the combining grave accent (0xCC).
    assert decode_csv_bytes(b"H\xf4\xcc,1") == "Hồ,1"
    assert decode_csv_bytes(codecs.BOM_UTF8 + "Hồ".encode()) == "Hồ"


@pytest.mark.parametrize("data", [b"a,b\x00\x01\x02,c", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"])
def test_binary_data_is_not_taken_for_text(data):
    with pytest.raises(SpreadsheetError):
        decode_csv_bytes(data)


def test_a_cell_beyond_the_csv_field_limit_is_explained_in_vietnamese():
    # Row 3 opens a quotation mark and never closes it: the rest of the file becomes one huge cell.
    data = ('Mã,Họ tên\nA1,Lê Văn Tám\nA2,"Trần Thị Bé\n' + "x" * (csv.field_size_limit() + 1)).encode()

    with translation.override("vi"), pytest.raises(SpreadsheetError) as caught:
        list(csv_rows(data))

    assert caught.value.messages == [
        'Từ dòng 3 trở đi, có một ô dài hơn 131.072 ký tự. Lỗi này thường do một dấu ngoặc kép (") mở đầu '
        "một ô mà không được đóng lại: hãy kiểm tra các dấu ngoặc kép từ dòng đó trở đi, hoặc lưu lại tệp "
        "dưới dạng CSV (UTF-8) hoặc .xlsx."
    ]


# --- read_sheet: the imports' reader ----------------------------------------------------------------------

LAYOUT = SheetLayout(
    columns=(
        Column("code", header="Mã cán bộ", aliases=("ma nhan vien",), required=True),
        Column("name", header="Họ và tên", required=True),
        Column("phone", header="Số điện thoại"),
    ),
    no_rows="The file has no people.",
    too_many_rows="The file has more than %(max)d people.",
)


def read(data: bytes, filename: str = "a.csv", *, layout=LAYOUT, max_rows: int = 10):
    return read_sheet(data, filename=filename, layout=layout, max_bytes=10_000, max_rows=max_rows)


def workbook_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for values in rows:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_columns_are_read_by_name_in_any_order_with_other_columns_ignored():
    sheet = read("Ghi chú,SỐ ĐIỆN THOẠI,ho va ten,Mã nhân viên\nx,0901,Lê Văn Tám,A1\n".encode())

    assert sheet.errors == []
    assert [(r.number, r.cells) for r in sheet.rows] == [
        (2, {"phone": "0901", "name": "Lê Văn Tám", "code": "A1"})
    ]
    assert sheet.columns == ["code", "name", "phone"]
    assert sheet.ignored_columns == ["Ghi chú"]


@pytest.mark.parametrize("header", ["code,name", "CODE,Name", "Code*,  Họ   và tên", "ma-can-bo,ho_va_ten"])
def test_keys_template_headers_and_aliases_match_without_case_diacritics_or_punctuation(header):
    sheet = read(f"{header}\nA1,An\n".encode())

    assert [r.cells for r in sheet.rows] == [{"code": "A1", "name": "An"}]


def test_blank_rows_are_skipped_and_rows_keep_the_spreadsheets_numbers():
    sheet = read(b"\n,,\ncode,name\nA1,An\n,\nA2,Binh\n")

    assert [r.number for r in sheet.rows] == [4, 6]


def test_a_workbook_row_keeps_its_values_as_read_next_to_their_text():
    sheet = read(workbook_bytes([["name", "phone", "code"], ["An", 901234567, "A1"]]), "a.xlsx")

    (row,) = sheet.rows
    assert row.cells["phone"] == "901234567" and row.values["phone"] == 901234567


def test_a_layout_that_reads_formulas_sees_their_text():
    data = workbook_bytes([["code", "name"], ["A1", '=UPPER("an")']])

    with_formulas = read(data, "a.xlsx", layout=replace(LAYOUT, read_formulas=True))
    values_only = read(data, "a.xlsx")

    assert with_formulas.rows[0].cells["name"] == '=UPPER("an")'
    assert values_only.rows[0].cells["name"] == ""  # openpyxl wrote no computed value


def test_missing_required_columns_are_named_by_their_template_headers_on_the_header_row():
    with translation.override("vi"):
        sheet = read(b"\nphone,ghi chu\n0901,x\n")

    assert [(e.row, e.code) for e in sheet.errors] == [(2, "missing_columns")]
    assert "Mã cán bộ, Họ và tên" in sheet.errors[0].message
    assert sheet.rows == []


def test_a_column_named_twice_by_any_of_its_names_is_refused():
    sheet = read("code,name,Mã nhân viên\nA1,An,A2\n".encode())

    assert [(e.row, e.code) for e in sheet.errors] == [(1, "duplicate_column")]
    assert "Mã cán bộ" in sheet.errors[0].message
    assert sheet.rows == []


def test_more_rows_than_the_limit_are_refused_whole():
    sheet = read(b"code,name\nA1,An\nA2,Binh\nA3,Chi\n", max_rows=2)

    assert [(e.row, e.code, e.message) for e in sheet.errors] == [
        (None, "too_many_rows", "The file has more than 2 people.")
    ]
    assert sheet.rows == []


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", "empty", "Tệp trống."),
        (b"\xef\xbb\xbfcode,name\r\n,\r\n", "empty", "The file has no people."),
        (b"\x00\x01\x02", "bad_file", "Tệp này không phải tệp CSV dạng văn bản."),
    ],
    ids=["no-bytes", "header-only", "binary"],
)
def test_file_errors_have_a_code_and_a_message_in_vietnamese(data, code, message):
    with translation.override("vi"):
        sheet = read(data)

    assert [(e.row, e.code) for e in sheet.errors] == [(None, code)]
    assert sheet.errors[0].message.startswith(message)
    assert not sheet.ok and sheet.rows == []


def test_an_upload_is_read_from_its_start_and_a_file_too_large_is_refused():
    upload = io.BytesIO(b"code,name\nA1,An\n")
    upload.read(5)

    assert read_sheet(upload, filename="a.csv", layout=LAYOUT, max_bytes=100, max_rows=5).rows
    too_large = read_sheet(upload, filename="a.csv", layout=LAYOUT, max_bytes=10, max_rows=5)
    assert [e.code for e in too_large.errors] == ["bad_file"]
