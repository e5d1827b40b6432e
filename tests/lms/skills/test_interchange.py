import json

import pytest
from django.utils.translation import override

from lms.skills.interchange import framework_csv_lines, framework_json, framework_parse
from lms.skills.models import Competency, Framework
from lms.skills.services import framework_import

from .moodle_frameworks import WARD_FRAMEWORK, competency_row, framework_file

pytestmark = pytest.mark.django_db


def parse(data: bytes, filename="khung.csv"):
    return framework_parse(data, filename=filename)


def codes(data) -> list[tuple[int | None, str]]:
    return [(error.row, error.code) for error in data.errors]


def test_a_file_made_by_hand_in_moodles_format_becomes_the_framework_it_describes():
    data = parse(WARD_FRAMEWORK.encode("utf-8-sig"))
    assert data.ok, [e.display for e in data.errors]

    framework = framework_import(data=data)

    assert framework.id_number == "NLS-PHUONG"
    assert framework.description == "Khung năng lực số cho cán bộ phường"
    assert framework.taxonomy == "domain,competency"
    levels = [(lv.number, lv.name, lv.is_default, lv.is_proficient) for lv in framework.levels.all()]
    assert levels == [
        (1, "Cơ bản", True, False),
        (2, "Trung bình", False, False),
        (3, "Khá", False, True),
        (4, "Thành thạo", False, True),
    ]
    assert framework.proficient_level().number == 3
    by_id = {c.id_number: c for c in framework.competencies.all()}
    assert set(by_id) == {"1", "1.1", "1.3", "4", "4.2"}
    assert by_id["1.1"].parent == by_id["1"]
    assert by_id["4.2"].parent == by_id["4"]
    assert by_id["1"].parent is None
    assert by_id["1"].description == "Khai thác & quản lý dữ liệu"
    assert {c.id_number for c in by_id["1.3"].related.all()} == {"1.1", "4.2"}
    assert {c.id_number for c in by_id["1.1"].related.all()} == {"1.3"}
    assert by_id["1.3"].moodle_rule_type == "core_competency\\competency_rule_all"


def test_an_export_reads_back_as_the_same_framework():
    framework = framework_import(data=parse(WARD_FRAMEWORK.encode()))
    before = framework_json(framework)
    exported = "".join(framework_csv_lines(framework)).encode("utf-8")
    framework.delete()

    again = framework_import(data=parse(exported))

    assert framework_json(again) == before
    assert again.competencies.get(id_number="1.3").moodle_rule_outcome == "1"


def test_the_json_export_is_the_tree_with_its_scale():
    framework = framework_import(data=parse(WARD_FRAMEWORK.encode()))
    exported = json.loads(json.dumps(framework_json(framework)))
    assert [c["id_number"] for c in exported["competencies"]] == ["1", "4"]
    assert [c["id_number"] for c in exported["competencies"][0]["children"]] == ["1.1", "1.3"]
    assert [s["proficient"] for s in exported["scale"]] == [False, False, True, True]


def test_a_cycle_of_parents_is_refused_on_each_of_its_rows_and_nothing_is_saved():
    data = parse(
        framework_file(
            competency_row("", "A", "Gốc"),
            competency_row("C", "B", "Một"),
            competency_row("B", "C", "Hai"),
        )
    )
    assert codes(data) == [(4, "parent_cycle"), (5, "parent_cycle")]
    with override("vi"):
        assert "tạo thành một vòng" in data.errors[0].display


def test_a_competence_that_is_its_own_parent_is_a_cycle():
    data = parse(framework_file(competency_row("A", "A", "Tự thân")))
    assert codes(data) == [(3, "parent_cycle")]


def test_duplicate_id_numbers_name_the_first_row():
    data = parse(framework_file(competency_row("", "1", "Một"), competency_row("", "1", "Lại một")))
    assert codes(data) == [(4, "duplicate_id")]
    assert "3" in data.errors[0].message


def test_unknown_scale_values_in_the_configuration_are_refused():
    framework_row = (
        '"","TEST","Khung thử","","2","Chưa đạt,Đạt",'
        '"[{""scaleid"":""1""},{""id"":5,""scaledefault"":0,""proficient"":1}]","","","","","","1",""\n'
    )
    data = parse(framework_file(competency_row("", "1", "Một"), framework_row=framework_row))
    assert codes(data) == [(2, "scale_unknown_value"), (2, "scale_configuration")]


def test_parents_and_cross_references_must_be_in_the_file():
    data = parse(framework_file(competency_row("9", "1", "Một", related="8")))
    assert codes(data) == [(3, "unknown_parent"), (3, "unknown_related")]


def test_a_file_not_in_utf8_names_its_broken_lines_and_saves_nothing():
    good = framework_file(competency_row("", "1", "Một"))
    broken = good + competency_row("", "2", "Bao mat").encode().replace(
        b"Bao", b"B\xe1o"
    )  # Windows-1258 "Bá"
    data = parse(broken)
    assert (4, "encoding") in codes(data)
    assert codes(data)[0] == (None, "encoding")


def test_a_framework_already_on_the_site_is_not_imported_twice():
    framework_import(data=parse(WARD_FRAMEWORK.encode()))
    data = parse(WARD_FRAMEWORK.encode())
    assert codes(data) == [(2, "framework_exists")]
    assert Framework.objects.count() == 1


def test_a_file_without_a_framework_row_or_with_two_is_refused():
    assert codes(parse(framework_file(framework_row=competency_row("", "1", "Một")))) == [
        (None, "no_framework")
    ]
    second = '"","TWO","Hai","","2","A,B","","","","","","","1",""\n'
    assert (3, "two_frameworks") in codes(parse(framework_file(second)))


def test_an_older_export_without_the_cross_reference_column_is_accepted():
    text = WARD_FRAMEWORK.encode().decode()
    lines = [line.split('","') for line in text.splitlines()]
    without = "\n".join('","'.join(cells[:10] + cells[11:]) for cells in lines) + "\n"
    data = parse(without.encode())
    assert data.ok, [e.display for e in data.errors]
    assert Competency.objects.count() == 0


def test_hostile_scale_configurations_and_long_names_are_row_errors_not_crashes():
    nested = "[" * 5000 + "]" * 5000
    for configuration, code in (
        ('[{""id"":""²"",""proficient"":1}]', "scale_unknown_value"),
        (nested, "scale_configuration"),
    ):
        framework_row = f'"","T","Khung","","2","A,B","{configuration}","","","","","","1",""\n'
        assert code in {c for _row, c in codes(parse(framework_file(framework_row=framework_row)))}
    long_name = "Năng lực " * 40
    assert (3, "too_long") in codes(parse(framework_file(competency_row("", "1", long_name))))


def test_plain_text_descriptions_keep_their_angle_brackets():
    row = '"","1","Một","Điểm < 5 là chưa đạt","2","","","","","","","","0",""\n'
    data = parse(framework_file(row))
    assert data.competencies[0].description == "Điểm < 5 là chưa đạt"
