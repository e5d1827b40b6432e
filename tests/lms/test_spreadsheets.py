"""Shared spreadsheet helpers: safe cells for exports, reading CSV in the encodings Vietnamese offices use."""

import codecs
import csv

import pytest
from django.utils import translation

from lms.spreadsheets import SpreadsheetError, cell_text, csv_lines, csv_rows, decode_csv_bytes, safe_cell


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
