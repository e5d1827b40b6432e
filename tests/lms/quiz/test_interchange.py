"""Question-bank interchange services: spreadsheet import/export and H5P content.json."""

import codecs
import csv
import io
import json
import unicodedata
import uuid
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from lms.quiz import interchange
from lms.quiz.interchange import (
    COLUMNS,
    H5PContentError,
    ImportRejected,
    h5p_content_import,
    h5p_content_load,
    h5p_question_set,
    questions_export_csv,
    questions_export_xlsx,
    questions_import,
    questions_parse,
    questions_template_csv,
    questions_template_xlsx,
    quiz_to_h5p_question_set,
    sheet_import,
    split_answers,
)
from lms.quiz.models import Answer, Category, Question, Quiz, QuizQuestion, SubCategory
from lms.spreadsheets import safe_cell

pytestmark = pytest.mark.django_db

HEADER = list(COLUMNS)


def row(**values) -> list[str]:
    cells = {"category": "An toàn thông tin", "points": "", "partial_credit": "", **values}
    return [str(cells.get(column, "")) for column in COLUMNS]


EVERY_KIND = [
    row(kind="single", question="Mật khẩu nào an toàn nhất?", answers="123456 | *T@m#2025!xQ | matkhau"),
    row(
        kind="multiple",
        sub_category="Thư điện tử",
        question="Dấu hiệu của thư lừa đảo?",
        answers="*Người gửi lạ | *Đòi mật khẩu gấp | Có chữ ký số",
        points="2,5",
        partial_credit="yes",
    ),
    row(
        kind="true_false", question="Chữ ký số có giá trị pháp lý.", correct="đúng", explanation="Luật GDĐT."
    ),
    row(kind="short", question="Viết tắt của Cổng Dịch vụ công quốc gia?", answers="DVCQG | Cổng DVCQG"),
    row(kind="essay", question="Nêu ba cách phổ biến dịch vụ công trực tuyến.", points="5"),
]


def csv_bytes(rows, *, encoding="utf-8", delimiter=",", header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_file(rows, fmt: str, **kwargs) -> tuple[bytes, str]:
    data = csv_bytes(rows, **kwargs) if fmt == "csv" else xlsx_bytes(rows)
    return data, f"cau-hoi.{fmt}"


def snapshot(question: Question) -> tuple:
    """Everything the interchange carries, to compare questions regardless of ids."""
    return (
        question.category.name,
        question.sub_category.name if question.sub_category else "",
        question.kind,
        question.text,
        question.points,
        tuple((a.text, a.correct) for a in question.answers.order_by("sort_order", "pk")),
        question.correct_is_true,
        question.partial_credit,
        question.explanation,
    )


def make_question(kind, text, *, category=None, answers=(), sub_category=None, **fields) -> Question:
    category = category or Category.objects.get_or_create(name="Chuyển đổi số")[0]
    question = Question.objects.create(
        kind=kind, text=text, category=category, sub_category=sub_category, **fields
    )
    for index, (answer_text, correct) in enumerate(answers):
        Answer.objects.create(question=question, text=answer_text, correct=correct, sort_order=index)
    return question


def error_codes(parsed) -> list[tuple[int | None, str]]:
    return [(e.row, e.code) for e in parsed.errors]


# --- Spreadsheet import ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_kind_is_parsed_and_imported(fmt):
    data, name = as_file(EVERY_KIND, fmt)

    parsed = questions_parse(file=data, filename=name)
    created = questions_import(parsed=parsed)

    assert parsed.errors == []
    assert [r.row for r in parsed.rows] == [2, 3, 4, 5, 6]
    assert [q.kind for q in created] == ["single", "multiple", "true_false", "short", "essay"]
    single, multiple, true_false, short, essay = (Question.objects.get(pk=q.pk) for q in created)
    assert [(a.text, a.correct) for a in single.answers.order_by("sort_order")] == [
        ("123456", False),
        ("T@m#2025!xQ", True),
        ("matkhau", False),
    ]
    assert multiple.points == Decimal("2.5")
    assert multiple.partial_credit is True
    assert multiple.sub_category.name == "Thư điện tử"
    assert multiple.sub_category.category == multiple.category
    assert [a.correct for a in multiple.answers.all()] == [True, True, False]
    assert true_false.correct_is_true is True
    assert true_false.explanation == "Luật GDĐT."
    assert true_false.answers.count() == 0
    assert [(a.text, a.correct) for a in short.answers.all()] == [("DVCQG", True), ("Cổng DVCQG", True)]
    assert essay.points == Decimal("5")
    assert essay.answers.count() == 0
    assert Category.objects.filter(name="An toàn thông tin").count() == 1


def test_vietnamese_kind_labels_and_true_false_words_are_accepted():
    rows = [
        row(kind="Một đáp án", question="Câu 1", answers="*A | B"),
        row(kind="nhiều đáp án", question="Câu 2", answers="*A | *B | C"),
        row(kind="Đúng/Sai", question="Câu 3", correct="Sai"),
        row(kind="trả lời ngắn", question="Câu 4", answers="abc"),
        row(kind="TỰ LUẬN", question="Câu 5"),
        row(kind="true_false", question="Câu 6", correct="TRUE"),
        row(kind="đúng/sai", question="Câu 7", answers="Đúng | *Sai"),
    ]

    parsed = questions_parse(file=csv_bytes(rows), filename="a.csv")

    assert parsed.errors == []
    assert [r.draft.kind for r in parsed.rows] == [
        "single",
        "multiple",
        "true_false",
        "short",
        "essay",
        "true_false",
        "true_false",
    ]
    assert [r.draft.correct_is_true for r in parsed.rows if r.draft.kind == "true_false"] == [
        False,
        True,
        False,
    ]


def test_the_templates_parse_cleanly_with_one_question_of_each_kind():
    csv_data = "".join(questions_template_csv()).encode("utf-8")
    for data, name in ((csv_data, "mau.csv"), (questions_template_xlsx(), "mau.xlsx")):
        parsed = questions_parse(file=data, filename=name)

        assert parsed.errors == []
        assert sorted(r.draft.kind for r in parsed.rows) == sorted(Question.Kind.values)

    created = questions_import(parsed=parsed)
    assert len(created) == 5
    workbook = openpyxl.load_workbook(io.BytesIO(questions_template_xlsx()))
    assert len(workbook.worksheets) == 2  # the questions, then the guide to the columns


def test_new_categories_are_announced_and_existing_ones_matched_without_case():
    Category.objects.create(name="An toàn thông tin")
    rows = [
        row(category="an toàn THÔNG TIN", kind="essay", question="Câu 1"),
        row(category="Dữ liệu mở", sub_category="Công khai", kind="essay", question="Câu 2"),
        row(category="dữ liệu mở", sub_category="công khai", kind="essay", question="Câu 3"),
    ]

    parsed = questions_parse(file=csv_bytes(rows), filename="a.csv")
    questions_import(parsed=parsed)

    assert [r.new_category for r in parsed.rows] == [False, True, True]
    assert parsed.new_categories == ["Dữ liệu mở"]
    assert parsed.new_sub_categories == ["Dữ liệu mở › Công khai"]
    assert sorted(Category.objects.values_list("name", flat=True)) == ["An toàn thông tin", "Dữ liệu mở"]
    assert SubCategory.objects.count() == 1
    assert Question.objects.filter(category__name="An toàn thông tin").count() == 1


BAD_ROWS = [
    (row(kind="single", question="", answers="*A | B"), "missing_question"),
    (row(category="", kind="essay", question="Câu hỏi"), "missing_category"),
    (row(kind="trắc nghiệm", question="Câu hỏi"), "unknown_kind"),
    (row(kind="", question="Câu hỏi"), "unknown_kind"),
    (row(kind="single", question="Câu hỏi", answers="A | B"), "single_needs_one_correct"),
    (row(kind="single", question="Câu hỏi", answers="*A | *B"), "single_needs_one_correct"),
    (row(kind="multiple", question="Câu hỏi", answers="A | B | C"), "multiple_needs_correct"),
    (row(kind="single", question="Câu hỏi", answers="*A"), "too_few_choices"),
    (row(kind="multiple", question="Câu hỏi", answers=""), "too_few_choices"),
    (row(kind="single", question="Câu hỏi", answers="*A | a"), "duplicate_choice"),
    (row(kind="multiple", question="Câu hỏi", answers="*A | * | B"), "empty_choice"),
    (row(kind="essay", question="Câu hỏi", points="0"), "bad_points"),
    (row(kind="essay", question="Câu hỏi", points="-1"), "bad_points"),
    (row(kind="essay", question="Câu hỏi", points="một"), "bad_points"),
    (row(kind="essay", question="Câu hỏi", points="1.255"), "bad_points"),
    (row(kind="essay", question="Câu hỏi", points="1000"), "bad_points"),
    (row(kind="true_false", question="Câu hỏi", correct="có lẽ"), "true_false_value"),
    (row(kind="true_false", question="Câu hỏi"), "true_false_value"),
    (row(kind="short", question="Câu hỏi"), "short_needs_answer"),
    (row(kind="essay", question="Câu hỏi", answers="A"), "essay_has_answers"),
    (row(kind="single", question="Câu hỏi", answers="*A | B", correct="A"), "correct_not_applicable"),
    (row(kind="essay", question="Câu hỏi", partial_credit="maybe"), "bad_partial_credit"),
    (row(kind="essay", question="x" * 5001), "too_long"),
    (row(kind="essay", category="c" * 121, question="Câu hỏi"), "too_long"),
    (row(kind="single", question="Câu hỏi", answers="*" + "a" * 1001 + " | B"), "too_long"),
    (
        row(kind="single", question="Câu hỏi", answers=" | ".join(["*0", *map(str, range(1, 21))])),
        "too_many_choices",
    ),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("bad", "code"), BAD_ROWS, ids=[code for _row, code in BAD_ROWS])
def test_a_bad_row_is_reported_with_its_row_number_and_nothing_is_imported(fmt, bad, code):
    good = row(kind="essay", question="Câu hỏi hợp lệ")
    data, name = as_file([good, bad, good], fmt)

    parsed = questions_parse(file=data, filename=name)

    assert error_codes(parsed) == [(3, code)]
    assert [r.is_valid for r in parsed.rows] == [True, False, True]
    assert all(e.message for e in parsed.errors)
    with pytest.raises(ImportRejected) as rejected:
        questions_import(parsed=parsed)
    assert [e.row for e in rejected.value.errors] == [3]
    assert Question.objects.count() == 0
    assert Category.objects.count() == 0


def test_several_errors_of_several_rows_are_all_reported():
    rows = [
        row(kind="single", question="", answers="A | B"),
        row(kind="essay", question="Câu hỏi"),
        row(kind="foo", question="Câu hỏi", points="0"),
    ]

    parsed = questions_parse(file=csv_bytes(rows), filename="a.csv")

    assert error_codes(parsed) == [
        (2, "missing_question"),
        (2, "single_needs_one_correct"),
        (4, "unknown_kind"),
        (4, "bad_points"),
    ]


def test_blank_rows_are_skipped_but_keep_the_numbering():
    rows = [row(kind="essay", question="Câu 1"), [""] * len(COLUMNS), row(kind="essay", question="")]

    parsed = questions_parse(file=csv_bytes(rows), filename="a.csv")

    assert [r.row for r in parsed.rows] == [2, 4]
    assert error_codes(parsed) == [(4, "missing_question")]


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing():
    data = csv_bytes(
        [["Câu hỏi?", "tự luận", "Pháp luật", "?"]], header=["Question", "KIND", "Category", "explaination"]
    )

    parsed = questions_parse(file=data, filename="a.csv")

    assert parsed.errors == []
    assert parsed.ignored_columns == ["explaination"]
    assert parsed.rows[0].draft.points == Decimal("1")
    assert parsed.rows[0].category == "Pháp luật"


def test_the_template_names_its_columns_in_vietnamese():
    header = next(csv.reader(io.StringIO("".join(questions_template_csv()).lstrip("\ufeff"))))
    workbook = openpyxl.load_workbook(io.BytesIO(questions_template_xlsx()))

    assert header == [
        "Danh mục",
        "Danh mục con",
        "Loại câu hỏi",
        "Câu hỏi",
        "Điểm",
        "Các lựa chọn",
        "Đúng/sai",
        "Tính điểm từng phần",
        "Giải thích",
    ]
    assert [c.value for c in next(workbook.worksheets[0].iter_rows(max_row=1))] == header
    assert workbook.worksheets[1]["A1"].value == "Danh mục (category)"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_vietnamese_english_and_mixed_headers_import_the_same(fmt):
    """Bad input (issue 17): a sheet whose header mixes both languages, without accents here and there."""
    vietnamese = ["Danh mục", "Danh mục con", "Loại câu hỏi", "Câu hỏi", "Điểm", "Các lựa chọn", "Đúng/sai"]
    vietnamese += ["Tính điểm từng phần", "Giải thích"]
    mixed = ["category", "danh muc con", "KIND", "Câu hỏi", "points", "cac lua chon", "correct"]
    mixed += ["Tính điểm từng phần", "explanation"]
    results = []
    for header in (HEADER, vietnamese, mixed):
        data = csv_bytes(EVERY_KIND, header=header) if fmt == "csv" else xlsx_bytes(EVERY_KIND, header=header)
        parsed = questions_parse(file=data, filename=f"cau-hoi.{fmt}")
        assert parsed.errors == []
        assert parsed.ignored_columns == []
        results.append([(r.category, r.draft.kind, r.draft.text) for r in parsed.rows])

    assert results[0] == results[1] == results[2]
    assert len(results[0]) == 5


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_header_in_another_order_with_extra_columns_imports_the_same(fmt):
    order = list(reversed(range(len(COLUMNS))))
    header = ["STT", *(COLUMNS[i] for i in order), "Ghi chú"]
    rows = [[str(n), *(r[i] for i in order), "xem lại"] for n, r in enumerate(EVERY_KIND, start=1)]
    data = csv_bytes(rows, header=header) if fmt == "csv" else xlsx_bytes(rows, header=header)

    parsed = questions_parse(file=data, filename=f"cau-hoi.{fmt}")
    reordered = [snapshot(q) for q in questions_import(parsed=parsed)]
    as_template = questions_import(parsed=questions_parse(file=csv_bytes(EVERY_KIND), filename="a.csv"))

    assert parsed.errors == []
    assert parsed.ignored_columns == ["STT", "Ghi chú"]
    assert [r.row for r in parsed.rows] == [2, 3, 4, 5, 6]
    assert reordered == [snapshot(q) for q in as_template]


def test_a_header_without_the_required_columns_is_refused():
    data = csv_bytes([["x", "y"]], header=["category", "cau hoi"])

    parsed = questions_parse(file=data, filename="a.csv")

    assert error_codes(parsed) == [(1, "missing_columns")]
    assert parsed.rows == []


# --- Encodings and file types -----------------------------------------------------------------------------

VIETNAMESE = "Chữ ký số giúp xác thực văn bản điện tử của UBND phường"
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258_bytes(text: str) -> bytes:
    """Text as Vietnamese Windows writes it: base letters precomposed, tone marks as combining bytes."""
    out = []
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES)))
        out.append("".join(c for c in decomposed if c in TONES))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("utf-8"), id="utf-8"),
        pytest.param(lambda text: text.encode("utf-8-sig"), id="utf-8-bom"),
        pytest.param(lambda text: text.encode("utf-16"), id="utf-16-bom"),
        pytest.param(lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"), id="utf-16-be-bom"),
        pytest.param(cp1258_bytes, id="cp1258"),
    ],
)
def test_csv_encodings_are_detected_and_vietnamese_text_decoded(encode):
    text = csv_bytes([row(category="Chuyển đổi số", kind="tự luận", question=VIETNAMESE)]).decode("utf-8")
    data = encode(text)

    parsed = questions_parse(file=data, filename="a.csv")

    assert parsed.errors == []
    assert parsed.rows[0].draft.text == VIETNAMESE
    assert parsed.rows[0].category == "Chuyển đổi số"
    assert parsed.rows[0].draft.kind == "essay"


def test_cp1258_helper_really_writes_combining_tone_marks():
    assert cp1258_bytes("ỏ") == b"o\xd2"  # "o", then the combining hook above
    assert unicodedata.normalize("NFC", cp1258_bytes("ỏ").decode("cp1258")) == "ỏ"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_read(delimiter):
    data = csv_bytes([row(kind="single", question="Câu hỏi", answers="*A | B")], delimiter=delimiter)

    parsed = questions_parse(file=data, filename="a.csv")

    assert parsed.errors == []
    assert [(a.text, a.correct) for a in parsed.rows[0].draft.answers] == [("A", True), ("B", False)]


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"%PDF-1.7 not a spreadsheet", "cau-hoi.pdf"),
        (b"category,kind,question\nA,essay,B\n", "cau-hoi.txt"),
        (b"category,kind,question\nA,essay,B\n", "cau-hoi.xlsx"),  # named .xlsx, not a zip
        (b"PK\x03\x04 broken zip", "cau-hoi.xlsx"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "cau-hoi.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "cau-hoi.xls"),
        (b"", "cau-hoi.csv"),
    ],
    ids=["pdf", "txt", "xlsx-not-zip", "xlsx-broken-zip", "png-as-csv", "xls", "empty"],
)
def test_files_that_are_not_spreadsheets_are_rejected(data, filename):
    parsed = questions_parse(file=data, filename=filename)

    assert parsed.rows == []
    assert len(parsed.errors) == 1
    assert parsed.errors[0].row is None
    assert not parsed.ok
    with pytest.raises(ImportRejected):
        questions_import(parsed=parsed)


def test_an_xlsx_saved_as_csv_is_rejected_with_a_clear_code():
    parsed = questions_parse(file=xlsx_bytes(EVERY_KIND), filename="cau-hoi.csv")

    assert error_codes(parsed) == [(None, "bad_file")]


def test_a_file_over_the_size_cap_is_rejected(monkeypatch):
    monkeypatch.setattr(sheet_import, "MAX_FILE_BYTES", 100)
    data = csv_bytes([row(kind="essay", question="x" * 200)])

    parsed = questions_parse(file=data, filename="a.csv")

    assert error_codes(parsed) == [(None, "bad_file")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_over_the_row_cap_is_rejected(monkeypatch, fmt):
    monkeypatch.setattr(sheet_import, "MAX_ROWS", 3)
    data, name = as_file([row(kind="essay", question=f"Câu {i}") for i in range(4)], fmt)

    parsed = questions_parse(file=data, filename=name)

    assert (None, "too_many_rows") in error_codes(parsed)
    assert not parsed.ok


def test_an_uploaded_file_object_is_read_from_the_start():
    upload = io.BytesIO(csv_bytes([row(kind="essay", question="Câu hỏi")]))
    upload.read(10)

    parsed = questions_parse(file=upload, filename="a.csv")

    assert parsed.ok


# --- Spreadsheet export -------------------------------------------------------------------------------------


@pytest.fixture
def bank():
    safety = Category.objects.create(name="An toàn thông tin")
    mail = SubCategory.objects.create(category=safety, name="Thư điện tử")
    return [
        make_question(
            "single",
            "Mật khẩu nào an toàn nhất?\nChọn một.",
            category=safety,
            answers=[("123456", False), ("*sao | gạch", True), ("C:\\temp\\|x", False)],
            explanation="=1+1 không phải công thức",
        ),
        make_question(
            "multiple",
            "Dấu hiệu lừa đảo?",
            category=safety,
            sub_category=mail,
            answers=[("-Người gửi lạ", True), ("@Đòi mật khẩu", True), ("+Có chữ ký số", False)],
            points=Decimal("2.50"),
            partial_credit=True,
        ),
        make_question("true_false", "Chữ ký số có giá trị pháp lý.", correct_is_true=True),
        make_question("true_false", "Mật khẩu nên dùng chung.", correct_is_true=False, explanation="Không."),
        make_question("short", "Viết tắt?", answers=[("DVCQG", True), ("Cổng DVCQG", True)]),
        make_question("essay", '=HYPERLINK("http://x")', points=Decimal("5")),
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_identical_questions(bank, fmt):
    before = [snapshot(q) for q in bank]
    queryset = Question.objects.order_by("pk")
    if fmt == "csv":
        data = "".join(questions_export_csv(questions=queryset)).encode("utf-8")
    else:
        data = questions_export_xlsx(questions=queryset)

    parsed = questions_parse(file=data, filename=f"export.{fmt}")
    created = questions_import(parsed=parsed)

    assert parsed.errors == []
    assert [snapshot(Question.objects.get(pk=q.pk)) for q in created] == before
    assert Category.objects.count() == 2
    assert SubCategory.objects.count() == 1


def test_csv_export_is_a_generator_of_lines_starting_with_a_bom(bank):
    chunks = questions_export_csv(questions=Question.objects.all())

    assert iter(chunks) is chunks  # lazy: usable with StreamingHttpResponse
    assert next(chunks) == "\ufeff"
    assert next(chunks).strip() == ",".join(COLUMNS)
    assert len(list(chunks)) == len(bank)


def test_csv_export_neutralises_formula_injection(bank):
    text = "".join(questions_export_csv(questions=Question.objects.order_by("pk")))
    cells = [cell for line in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in line]

    assert "'=1+1 không phải công thức" in cells
    assert '\'=HYPERLINK("http://x")' in cells
    assert "*-Người gửi lạ | *@Đòi mật khẩu | +Có chữ ký số" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_xlsx_export_neutralises_formula_injection(bank):
    workbook = openpyxl.load_workbook(io.BytesIO(questions_export_xlsx(questions=Question.objects.all())))
    sheet = workbook.worksheets[0]
    cells = [cell for row_ in sheet.iter_rows() for cell in row_]

    assert not [c for c in cells if c.data_type == "f"]
    assert '\'=HYPERLINK("http://x")' in [c.value for c in cells]
    assert not [c for c in cells if isinstance(c.value, str) and c.value[:1] in ("=", "+", "-", "@")]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.cell(row=3, column=5).value == 2.5  # points stay numbers


def test_a_formula_cell_in_a_question_is_neutralised_even_without_export():
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell("Bình thường") == "Bình thường"


def test_answers_cells_escape_pipes_stars_and_backslashes():
    pairs = [("a|b", True), ("*c", False), ("d\\", False), ("\\|", True)]

    cell = interchange.join_answers(pairs)

    assert split_answers(cell) == pairs
    assert split_answers("*Đúng | Sai |") == [("Đúng", True), ("Sai", False)]


# --- H5P ----------------------------------------------------------------------------------------------------


@pytest.fixture
def quiz_with_every_kind():
    quiz = Quiz.objects.create(
        title="Kiểm tra an toàn", slug="kiem-tra-an-toan", random_order=True, max_questions=3, pass_mark=70
    )
    questions = [
        make_question("single", "Chọn <một> & đúng", answers=[("A < B", True), ("B & C", False)]),
        make_question(
            "multiple",
            "Chọn nhiều\ndòng hai",
            answers=[("X", True), ("Y", True), ("Z", False)],
            partial_credit=True,
        ),
        make_question("multiple", "Không chia điểm", answers=[("X", True), ("Y", False)]),
        make_question("true_false", "Đúng hay sai?", correct_is_true=False),
        make_question("short", "Ngắn?", answers=[("abc", True)]),
        make_question("essay", "Tự luận?"),
    ]
    for index, question in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=index)
    return quiz, questions


def test_quiz_to_h5p_question_set_maps_the_quiz_and_skips_text_answers(quiz_with_every_kind):
    quiz, questions = quiz_with_every_kind

    result = quiz_to_h5p_question_set(quiz=quiz)
    content = json.loads(json.dumps(result.content))  # plain JSON all the way down

    assert result.skipped_question_ids == [questions[4].pk, questions[5].pk]
    assert content["randomQuestions"] is True
    assert content["poolSize"] == 3
    assert content["passPercentage"] == 70
    items = content["questions"]
    assert [i["library"] for i in items] == ["H5P.MultiChoice 1.16"] * 3 + ["H5P.TrueFalse 1.8"]
    assert all(str(uuid.UUID(i["subContentId"])) == i["subContentId"] for i in items)
    assert len({i["subContentId"] for i in items}) == 4
    assert items[0]["params"]["question"] == "<p>Chọn &lt;một&gt; &amp; đúng</p>"
    assert items[0]["params"]["behaviour"]["type"] == "single"
    assert items[0]["params"]["answers"][0]["tipsAndFeedback"] == {
        "tip": "",
        "chosenFeedback": "",
        "notChosenFeedback": "",
    }
    assert items[1]["params"]["behaviour"] == {
        **items[1]["params"]["behaviour"],
        "type": "multi",
        "singlePoint": False,
    }
    assert items[2]["params"]["behaviour"]["singlePoint"] is True
    assert items[3]["params"]["correct"] == "false"
    assert items[3]["metadata"]["title"] == "Đúng hay sai?"


def test_quiz_without_max_questions_has_no_pool_size():
    quiz = Quiz.objects.create(title="Q", slug="q")

    assert "poolSize" not in quiz_to_h5p_question_set(quiz=quiz).content


def test_h5p_round_trip_keeps_texts_kinds_answers_and_correct_flags(quiz_with_every_kind):
    quiz, questions = quiz_with_every_kind
    content = json.loads(json.dumps(quiz_to_h5p_question_set(quiz=quiz).content))
    target = Category.objects.create(name="Từ H5P")

    created = h5p_content_import(content=content, category=target)

    def essence(question):
        answers = tuple((a.text, a.correct) for a in question.answers.order_by("sort_order", "pk"))
        return (question.text, question.kind, answers, question.correct_is_true, question.partial_credit)

    assert [essence(q) for q in created] == [essence(q) for q in questions[:4]]
    assert {q.category_id for q in created} == {target.pk}


def test_a_single_multichoice_content_json_is_imported():
    content = {
        "question": "<p>Ai ký&nbsp;văn bản?</p>\n<p>Chọn <strong>hai</strong>.</p>",
        "answers": [
            {"text": "<div>Chủ tịch</div>", "correct": True},
            {"text": "<div>Phó Chủ tịch</div>", "correct": True},
            {"text": "<div>Văn thư</div>", "correct": False},
        ],
        "behaviour": {"type": "auto", "singlePoint": True, "randomAnswers": True},
        "overallFeedback": [{"from": 0, "to": 100, "feedback": "Theo quy chế &amp; luật."}],
    }

    (question,) = h5p_content_import(content=content, category="Văn thư – Lưu trữ")

    assert question.text == "Ai ký văn bản?\nChọn hai."
    assert question.kind == "multiple"
    assert question.partial_credit is False
    assert question.answer_order == Question.AnswerOrder.RANDOM
    assert question.explanation == "Theo quy chế & luật."
    assert question.category.name == "Văn thư – Lưu trữ"
    assert [(a.text, a.correct) for a in question.answers.order_by("sort_order")] == [
        ("Chủ tịch", True),
        ("Phó Chủ tịch", True),
        ("Văn thư", False),
    ]


def test_multichoice_type_multi_with_one_correct_answer_is_multiple_with_partial_credit():
    content = {
        "question": "Q",
        "answers": [{"text": "A", "correct": True}, {"text": "B", "correct": False}],
        "behaviour": {"type": "multi", "singlePoint": False},
    }

    (question,) = h5p_content_import(content=content, category=Category.objects.create(name="C"))

    assert question.kind == "multiple"
    assert question.partial_credit is True


def test_a_true_false_content_json_is_imported():
    content = {
        "question": "<p>Is this false?</p>",
        "correct": "false",
        "behaviour": {"feedbackOnWrong": "Sai", "feedbackOnCorrect": "Sai"},
    }

    (question,) = h5p_content_import(content=content, category=Category.objects.create(name="C"))

    assert (question.kind, question.text, question.correct_is_true) == ("true_false", "Is this false?", False)
    assert question.explanation == "Sai"  # one text for both outcomes: an explanation for everyone


def test_true_false_feedback_for_one_outcome_is_not_an_explanation_for_everyone():
    content = {"question": "Q", "correct": "false", "behaviour": {"feedbackOnWrong": "Sai"}}

    (question,) = h5p_content_import(content=content, category=Category.objects.create(name="C"))

    assert question.explanation == ""


def test_the_real_fixture_content_json_is_imported(h5p_fixture_path):
    import zipfile

    with zipfile.ZipFile(h5p_fixture_path) as archive:
        data = archive.read("content/content.json")

    (question,) = h5p_content_import(content=h5p_content_load(file=data), category="H5P")

    assert question.kind == "true_false"
    assert question.text


GOOD_MC = {
    "library": "H5P.MultiChoice 1.16",
    "params": {"question": "Q", "answers": [{"text": "A", "correct": True}, {"text": "B", "correct": False}]},
}

MALFORMED = [
    pytest.param([GOOD_MC], id="not-a-dict"),
    pytest.param({}, id="unrecognised-shape"),
    pytest.param({"questions": []}, id="empty-question-set"),
    pytest.param({"questions": [{"library": "H5P.DragText 1.10", "params": {}}]}, id="unknown-library"),
    pytest.param({"questions": [{"library": "H5P.MultiChoice 1.16"}]}, id="no-params"),
    pytest.param({"questions": ["text"]}, id="item-not-object"),
    pytest.param({"question": "Q", "answers": []}, id="no-answers"),
    pytest.param({"question": "<p> </p>", "answers": GOOD_MC["params"]["answers"]}, id="no-question-text"),
    pytest.param(
        {"question": "Q", "answers": [{"text": "A", "correct": False}, {"text": "B"}]}, id="no-correct"
    ),
    pytest.param({"question": "Q", "answers": [{"text": "A", "correct": True}]}, id="one-answer"),
    pytest.param({"question": "Q", "correct": "maybe"}, id="true-false-value"),
    pytest.param({"question": "", "correct": "true"}, id="true-false-no-question"),
]


@pytest.mark.parametrize("content", MALFORMED)
def test_malformed_h5p_content_is_rejected_and_nothing_is_written(content):
    with pytest.raises(H5PContentError) as rejected:
        h5p_content_import(content=content, category="Mới")

    assert rejected.value.messages
    assert Question.objects.count() == 0
    assert Category.objects.count() == 0


@pytest.mark.parametrize(
    "other",
    [{"library": "H5P.DragText 1.10", "params": {}}, {"library": "H5P.MultiChoice 1.16"}, "text"],
    ids=["unknown-library", "no-params", "item-not-object"],
)
def test_a_question_set_imports_what_it_can_and_skips_the_rest(other):
    (question,) = h5p_content_import(content={"questions": [GOOD_MC, other]}, category="Mới")

    assert question.text == "Q"


def test_every_problem_of_a_question_set_is_reported_with_its_number():
    content = {
        "questions": [
            {"library": "H5P.Blanks 1.14", "params": {}},
            {"library": "H5P.MultiChoice 1.16"},
            {"library": "x", "metadata": {"title": "Kéo thả"}},
        ]
    }

    with pytest.raises(H5PContentError) as rejected, translation.override("en"):
        h5p_content_import(content=content, category="Mới")

    # The refusal, then each reason once with its count, naming the questions with their type and title.
    refusal, other_types, malformed = rejected.value.messages
    assert "3 questions" in refusal
    assert other_types.startswith("2 questions: only Multiple Choice and True/False")
    assert "question 1 (H5P.Blanks 1.14)" in other_types
    assert "question 3 (x, “Kéo thả”)" in other_types
    assert malformed.startswith("1 question: the item is malformed")
    assert "question 2 (H5P.MultiChoice 1.16)" in malformed
    assert Question.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [b"{not json", b"PK\x03\x04zip", b"[1, 2]", b"\xff\xfe\x00", b"[" * 100_000 + b"]" * 100_000],
    ids=["invalid", "zip", "array", "binary", "deeply-nested"],
)
def test_h5p_content_load_rejects_what_is_not_a_json_object(data):
    with pytest.raises(H5PContentError):
        h5p_content_load(file=data)


def test_h5p_content_load_accepts_a_bom():
    assert (
        h5p_content_load(file=codecs.BOM_UTF8 + b'{"question": "Q", "correct": "true"}')["correct"] == "true"
    )


def test_a_failure_while_writing_rolls_everything_back(monkeypatch):
    def failing(items):
        Question.objects.create(kind="essay", text="half-written", category=items[0][1])
        raise RuntimeError("disk full")

    monkeypatch.setattr(h5p_question_set, "questions_create", failing)
    monkeypatch.setattr(sheet_import, "questions_create", failing)

    with pytest.raises(RuntimeError):
        h5p_content_import(content={"questions": [GOOD_MC, GOOD_MC]}, category="Mới")
    with pytest.raises(RuntimeError):
        questions_import(parsed=questions_parse(file=csv_bytes(EVERY_KIND), filename="a.csv"))

    assert Question.objects.count() == 0
    assert Category.objects.count() == 0


def test_imported_questions_are_recorded_in_the_reference_index(django_capture_on_commit_callbacks):
    from wagtail.models import ReferenceIndex

    with django_capture_on_commit_callbacks(execute=True):
        (question,) = questions_import(
            parsed=questions_parse(file=csv_bytes(EVERY_KIND[:1]), filename="a.csv")
        )

    assert ReferenceIndex.get_references_for_object(question).filter(to_object_id=str(question.category_id))
