"""Competency frameworks in and out: Moodle's competency-framework CSV (tool_lpimportcsv) and JSON.

Moodle's file has one row for the framework (`Is framework` = 1: its ID number, name, scale values and scale
configuration, taxonomy) and one row per competency (`Parent ID number`, `ID number`, `Short name`,
`Description`, …, `Cross-referenced competency ID numbers`). `framework_parse` reads such a file whole and
checks everything before anything is saved: every problem is a `RowError` with the file's row number and a
translated message, and a file with any problem saves nothing (`services.framework_import`).
`framework_csv_lines` and `framework_json` write a framework back out, in the same CSV layout.
"""

import codecs
import json
from dataclasses import dataclass, field
from html import unescape

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.spreadsheets import Column, RowError, SheetLayout, csv_lines, read_sheet

from .models import ID_NUMBER_LENGTH, Competency, Framework

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_LEVELS = 20
NAME_LENGTH = 255  # a framework's or competence's name, the taxonomy (the models' lengths)
LEVEL_NAME_LENGTH = 100

# Moodle's description formats: 0 Moodle auto-format, 1 HTML, 2 plain text, 4 Markdown.
FORMAT_HTML = "1"
FORMAT_PLAIN = "2"

# The columns in the order Moodle writes them; the headers are Moodle's own (English in every Moodle).
COLUMNS = (
    Column("parent", "Parent ID number", aliases=("Mã năng lực cha",)),
    Column("id_number", "ID number", aliases=("idnumber", "Mã"), required=True),
    Column("short_name", "Short name", aliases=("shortname", "Tên"), required=True),
    Column("description", "Description", aliases=("Mô tả",)),
    Column("description_format", "Description format"),
    Column("scale_values", "Scale values", aliases=("Các mức của thang đo",)),
    Column("scale_configuration", "Scale configuration"),
    Column("rule_type", "Rule type (optional)", aliases=("Rule type",)),
    Column("rule_outcome", "Rule outcome (optional)", aliases=("Rule outcome",)),
    Column("rule_config", "Rule config (optional)", aliases=("Rule config",)),
    Column("related", "Cross-referenced competency ID numbers", aliases=("Related competencies",)),
    Column("exported_id", "Exported ID (optional)", aliases=("Exported ID",)),
    Column("is_framework", "Is framework", required=True),
    Column("taxonomy", "Taxonomy"),
)
LAYOUT = SheetLayout(
    columns=COLUMNS,
    no_rows=gettext_lazy("The file has no framework and no competence."),
    too_many_rows=gettext_lazy(
        "The file has more than %(max)d rows. A framework of this size cannot be imported."
    ),
)
TAXONOMY_TERMS = {
    "competency",
    "domain",
    "behaviour",
    "indicator",
    "outcome",
    "level",
    "concept",
    "value",
    "practice",
    "skill",
    "proficiency",
}


@dataclass
class LevelData:
    number: int
    name: str
    is_default: bool = False
    is_proficient: bool = False


@dataclass
class CompetencyData:
    row: int
    id_number: str
    short_name: str
    description: str
    parent: str
    related: list[str]
    rule_type: str = ""
    rule_outcome: str = ""
    rule_config: str = ""


@dataclass
class FrameworkData:
    """What a file describes, once checked; `errors` empty means it can be saved as it is."""

    id_number: str = ""
    short_name: str = ""
    description: str = ""
    taxonomy: str = ""
    levels: list[LevelData] = field(default_factory=list)
    competencies: list[CompetencyData] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int | None, code: str, message: str) -> None:
        self.errors.append(RowError(row, code, message))


# --- Reading -------------------------------------------------------------------------------------------


def _utf8_errors(data: bytes) -> list[RowError]:
    """Moodle writes UTF-8: name the lines that are not (a file saved in another encoding, or damaged)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        data.decode("utf-8")
        return []
    except UnicodeDecodeError:
        pass
    errors = [
        RowError(None, "encoding", _("Save the file again as CSV UTF-8 (Moodle's export is always UTF-8)."))
    ]
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            errors.append(
                RowError(
                    number,
                    "encoding",
                    _("This line is not UTF-8 text (the file was saved in another encoding, or is damaged)."),
                )
            )
    return errors


def _description(text: str, text_format: str) -> str:
    if text_format.strip() == FORMAT_HTML:
        return unescape(strip_tags(text)).strip()
    return text.strip()


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "có"}


def _scale(data: FrameworkData, row: int, values: str, configuration: str) -> None:
    names = [name.strip() for name in values.split(",")]
    if not values.strip() or any(not name for name in names):
        data.error(row, "scale_values", _("The scale values must be the levels' names, comma-separated."))
        return
    if len(set(names)) != len(names):
        data.error(row, "scale_values", _("A scale value is written twice."))
        return
    if any(len(name) > LEVEL_NAME_LENGTH for name in names):
        data.error(
            row,
            "too_long",
            _("A scale value is longer than %(max)d characters.") % {"max": LEVEL_NAME_LENGTH},
        )
        return
    if len(names) > MAX_LEVELS:
        data.error(row, "scale_values", _("A scale has at most %(max)d values.") % {"max": MAX_LEVELS})
        return
    data.levels = [LevelData(number=i, name=name) for i, name in enumerate(names, start=1)]
    if not configuration.strip():
        data.levels[-1].is_proficient = True  # Moodle's own default: the highest value is proficient
        data.levels[0].is_default = True
        return
    try:
        items = json.loads(configuration)
    except (ValueError, RecursionError):
        data.error(row, "scale_configuration", _("The scale configuration is not valid JSON."))
        return
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        data.error(row, "scale_configuration", _("The scale configuration must be a JSON list of objects."))
        return
    for item in items[1:] if items and "scaleid" in items[0] else items:
        number = item.get("id")
        if (
            not isinstance(number, int | str)
            or not str(number).isdecimal()
            or not 1 <= int(number) <= len(names)
        ):
            data.error(
                row,
                "scale_unknown_value",
                _("The scale configuration names value %(value)s; the scale has values 1 to %(count)d.")
                % {"value": json.dumps(number, ensure_ascii=False), "count": len(names)},
            )
            continue
        level = data.levels[int(number) - 1]
        level.is_default = level.is_default or _flag(str(item.get("scaledefault", 0)))
        level.is_proficient = level.is_proficient or _flag(str(item.get("proficient", 0)))
    if not any(level.is_proficient for level in data.levels):
        data.error(row, "scale_configuration", _("The scale configuration marks no value as proficient."))


def _framework_row(data: FrameworkData, row: int, cells: dict) -> None:
    data.id_number = cells.get("id_number", "")
    data.short_name = cells.get("short_name", "")
    data.description = _description(cells.get("description", ""), cells.get("description_format", ""))
    taxonomy = [term.strip() for term in cells.get("taxonomy", "").split(",") if term.strip()]
    unknown = [term for term in taxonomy if term not in TAXONOMY_TERMS]
    if unknown:
        data.error(row, "taxonomy", _("Unknown taxonomy terms: %(terms)s.") % {"terms": ", ".join(unknown)})
    data.taxonomy = ",".join(taxonomy)
    if not data.id_number:
        data.error(row, "required", _("The framework has no ID number."))
    elif len(data.id_number) > ID_NUMBER_LENGTH:
        data.error(
            row, "too_long", _("The ID number is longer than %(max)d characters.") % {"max": ID_NUMBER_LENGTH}
        )
    elif Framework.objects.filter(id_number__iexact=data.id_number).exists():
        data.error(
            row,
            "framework_exists",
            _("A framework with the ID number “%(id)s” already exists. Change the ID number in the file.")
            % {"id": data.id_number},
        )
    if not data.short_name:
        data.error(row, "required", _("The framework has no short name."))
    elif len(data.short_name) > NAME_LENGTH:
        data.error(row, "too_long", _("The name is longer than %(max)d characters.") % {"max": NAME_LENGTH})
    if len(data.taxonomy) > NAME_LENGTH:
        data.error(
            row, "too_long", _("The taxonomy is longer than %(max)d characters.") % {"max": NAME_LENGTH}
        )
    _scale(data, row, cells.get("scale_values", ""), cells.get("scale_configuration", ""))


def _competency_row(data: FrameworkData, row: int, cells: dict) -> None:
    competency = CompetencyData(
        row=row,
        id_number=cells.get("id_number", ""),
        short_name=cells.get("short_name", ""),
        description=_description(cells.get("description", ""), cells.get("description_format", "")),
        parent=cells.get("parent", ""),
        related=[ref.strip() for ref in cells.get("related", "").split(",") if ref.strip()],
        rule_type=cells.get("rule_type", "")[:255],  # Moodle's own values are short class names
        rule_outcome=cells.get("rule_outcome", "")[:20],
        rule_config=cells.get("rule_config", ""),
    )
    if not competency.id_number:
        data.error(row, "required", _("The competence has no ID number."))
    elif len(competency.id_number) > ID_NUMBER_LENGTH:
        data.error(
            row, "too_long", _("The ID number is longer than %(max)d characters.") % {"max": ID_NUMBER_LENGTH}
        )
    if not competency.short_name:
        data.error(row, "required", _("The competence has no short name."))
    elif len(competency.short_name) > NAME_LENGTH:
        data.error(row, "too_long", _("The name is longer than %(max)d characters.") % {"max": NAME_LENGTH})
    data.competencies.append(competency)


def _check_tree(data: FrameworkData) -> None:
    """Unique ID numbers, parents and cross-references that exist in the file, and no cycle of parents."""
    by_id: dict[str, CompetencyData] = {}
    for competency in data.competencies:
        if not competency.id_number:
            continue
        first = by_id.setdefault(competency.id_number.casefold(), competency)
        if first is not competency:
            data.error(
                competency.row,
                "duplicate_id",
                _("The ID number “%(id)s” is already used on row %(row)d.")
                % {"id": competency.id_number, "row": first.row},
            )
    for competency in data.competencies:
        if competency.parent and competency.parent.casefold() not in by_id:
            data.error(
                competency.row,
                "unknown_parent",
                _("The parent “%(id)s” is not a competence of this file.") % {"id": competency.parent},
            )
        for ref in competency.related:
            if ref.casefold() not in by_id:
                data.error(
                    competency.row,
                    "unknown_related",
                    _("The cross-referenced competence “%(id)s” is not in this file.") % {"id": ref},
                )
    in_cycle: set[int] = set()
    for competency in data.competencies:
        seen: list[CompetencyData] = []
        current = competency
        while current is not None and current.parent:
            if current in seen:
                cycle = seen[seen.index(current) :]
                in_cycle.update(id(c) for c in cycle)
                break
            seen.append(current)
            current = by_id.get(current.parent.casefold())
    for competency in data.competencies:
        if id(competency) in in_cycle:
            data.error(
                competency.row,
                "parent_cycle",
                _("The parents of “%(id)s” go round in a circle: a competence cannot be below itself.")
                % {"id": competency.id_number},
            )


def framework_parse(file, *, filename: str) -> FrameworkData:
    """A framework file checked whole; nothing is saved here."""
    data = FrameworkData()
    raw = file.read(MAX_FILE_BYTES + 1) if hasattr(file, "read") else bytes(file)
    if len(raw) > MAX_FILE_BYTES:
        data.error(
            None, "too_large", _("The file is larger than %(max)d MB.") % {"max": MAX_FILE_BYTES // 2**20}
        )
        return data
    if not filename.lower().endswith(".csv"):
        data.error(None, "bad_file", _("Upload the CSV file exported by Moodle or by this site (.csv)."))
        return data
    data.errors.extend(_utf8_errors(raw))
    if data.errors:
        return data
    sheet = read_sheet(raw, filename=filename, layout=LAYOUT, max_bytes=MAX_FILE_BYTES, max_rows=MAX_ROWS)
    if not sheet.ok:
        data.errors.extend(sheet.errors)
        return data
    framework_rows = [row for row in sheet.rows if _flag(row.cells.get("is_framework", ""))]
    if not framework_rows:
        data.error(None, "no_framework", _("No row describes the framework (“Is framework” = 1)."))
    for extra in framework_rows[1:]:
        data.error(extra.number, "two_frameworks", _("A file holds one framework: this is a second one."))
    if framework_rows:
        _framework_row(data, framework_rows[0].number, framework_rows[0].cells)
    for row in sheet.rows:
        if row not in framework_rows:
            _competency_row(data, row.number, row.cells)
    _check_tree(data)
    data.errors.sort(key=lambda e: (e.row is not None, e.row or 0))
    return data


# --- Writing -------------------------------------------------------------------------------------------


def _scale_configuration(framework: Framework) -> str:
    items = [{"scaleid": str(framework.pk)}]
    items += [
        {"id": level.number, "scaledefault": int(level.is_default), "proficient": int(level.is_proficient)}
        for level in framework.levels.all()
    ]
    return json.dumps(items, separators=(",", ":"))


def _competencies_in_tree_order(framework: Framework) -> list[Competency]:
    """Every competence, archived ones included, parents before their children (Moodle reads it so)."""
    competencies = list(framework.competencies.prefetch_related("related").order_by("sort_order", "id"))
    children: dict[int | None, list[Competency]] = {}
    for competency in competencies:
        children.setdefault(competency.parent_id, []).append(competency)
    ordered: list[Competency] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        competency = stack.pop()
        ordered.append(competency)
        stack.extend(reversed(children.get(competency.pk, [])))
    return ordered


def framework_rows(framework: Framework):
    """The rows of Moodle's CSV for a framework, header first."""
    yield [column.header for column in COLUMNS]
    levels = list(framework.levels.all())
    yield [
        "",
        framework.id_number,
        framework.short_name,
        framework.description,
        FORMAT_PLAIN,
        ",".join(level.name for level in levels),
        _scale_configuration(framework),
        "",
        "",
        "",
        "",
        "",
        "1",
        framework.taxonomy,
    ]
    competencies = _competencies_in_tree_order(framework)
    id_numbers = {c.pk: c.id_number for c in competencies}
    for competency in competencies:
        yield [
            id_numbers.get(competency.parent_id, ""),
            competency.id_number,
            competency.short_name,
            competency.description,
            FORMAT_PLAIN,
            "",
            "",
            competency.moodle_rule_type,
            competency.moodle_rule_outcome,
            competency.moodle_rule_config,
            ",".join(sorted(r.id_number for r in competency.related.all())),
            str(competency.pk),
            "0",
            "",
        ]


def framework_csv_lines(framework: Framework):
    """Moodle's CSV, streamed (UTF-8 with BOM; cells a spreadsheet would run as formulas made plain)."""
    return csv_lines(framework_rows(framework))


def framework_json(framework: Framework) -> dict:
    """The framework as nested JSON: its scale and its tree, archived competences marked."""
    competencies = _competencies_in_tree_order(framework)
    nodes = {
        c.pk: {
            "id_number": c.id_number,
            "short_name": c.short_name,
            "description": c.description,
            "archived": c.is_archived,
            "related": sorted(r.id_number for r in c.related.all()),
            "children": [],
        }
        for c in competencies
    }
    roots = []
    for competency in competencies:
        parent = nodes.get(competency.parent_id)
        (parent["children"] if parent else roots).append(nodes[competency.pk])
    return {
        "id_number": framework.id_number,
        "short_name": framework.short_name,
        "description": framework.description,
        "taxonomy": framework.taxonomy.split(",") if framework.taxonomy else [],
        "scale": [
            {
                "level": level.number,
                "name": level.name,
                "description": level.description,
                "default": level.is_default,
                "proficient": level.is_proficient,
            }
            for level in framework.levels.all()
        ],
        "competencies": roots,
    }
