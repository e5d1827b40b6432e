"""What each H5P content type reports, and so which completion rules a lesson can put on it.

One row per content type and major version (minor versions of one major keep their xAPI behaviour; the
minors we played are listed in `checked`). Recorded from real packages played in h5p-standalone 3.8
(../shared/fixtures/h5p/thirdparty/, tests/lms/h5p/test_compatibility.py); docs/h5p.md shows the table.

A content type without a row gets `UNKNOWN`: it may report anything or nothing, so only the rules that
do not depend on what it reports are offered ("completes it" still is, with a warning), and administrators
see it flagged (lesson rules report, docs/h5p.md).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# What a content type reports in its final, top-level statement.
ANSWERED = "answered"  # an "answered" statement
COMPLETED = "completed"  # a "completed" statement
SCORE = "score"  # result.score
SUCCESS = "success"  # result.success

REPORT_LABELS = {
    ANSWERED: _("answered statement"),
    COMPLETED: _("completed statement"),
    SCORE: _("score"),
    SUCCESS: _("passed / failed"),
}

RULE_COMPLETED = "completed"
RULE_PASSED = "passed"
RULE_SCALED = "scaled"
RULE_VIEWED = "viewed"

# "passes it" on content that sends a score but no result.success: passed when the score reaches the
# package's own pass mark, or this threshold when the package has none (H5P's own convention for those
# types: success is full marks).
DEFAULT_PASS_PERCENT = 100


@dataclass(frozen=True)
class ContentTypeBehaviour:
    machine_name: str
    major: int
    reports: frozenset[str]
    checked: tuple[str, ...] = ()  # "major.minor" versions played
    pass_mark_path: tuple[str, ...] = ()  # where content.json keeps the package's pass mark (%)
    known: bool = True

    @property
    def key(self) -> str:
        return f"{self.machine_name} {self.major}"

    @property
    def sends_result(self) -> bool:
        return bool(self.reports & {ANSWERED, COMPLETED})

    @property
    def rules(self) -> tuple[str, ...]:
        """The rules a learner can meet on this content type, in the order the editor lists them."""
        if not self.known:
            return (RULE_VIEWED, RULE_COMPLETED)
        rules = []
        if self.sends_result:
            rules.append(RULE_COMPLETED)
            if SCORE in self.reports or SUCCESS in self.reports:
                rules.append(RULE_PASSED)
            if SCORE in self.reports:
                rules.append(RULE_SCALED)
        rules.append(RULE_VIEWED)  # recorded by the lesson page, whatever the content reports
        return tuple(rules)

    @property
    def default_rule(self) -> str:
        return RULE_COMPLETED if self.known and self.sends_result else RULE_VIEWED

    @property
    def infers_success(self) -> bool:
        """Whether "passes it" is decided by us from the score (the content sends no result.success)."""
        return SCORE in self.reports and SUCCESS not in self.reports


def _row(machine_name, major, reports, checked, pass_mark_path=()):
    return ContentTypeBehaviour(
        machine_name, major, frozenset(reports), tuple(checked), tuple(pass_mark_path)
    )


_BEHAVIOUR_PASS = ("behaviour", "passPercentage")

TABLE: dict[tuple[str, int], ContentTypeBehaviour] = {
    (row.machine_name, row.major): row
    for row in (
        _row("H5P.Accordion", 1, (), ["1.0"]),
        _row("H5P.Blanks", 1, (ANSWERED, SCORE), ["1.12", "1.14"]),
        _row("H5P.CoursePresentation", 1, (COMPLETED, SCORE), ["1.22"]),
        _row("H5P.Dialogcards", 1, (), ["1.8"]),
        _row("H5P.DragQuestion", 1, (ANSWERED, SCORE, SUCCESS), ["1.13"]),
        _row("H5P.DragText", 1, (ANSWERED, SCORE), ["1.8"]),
        _row("H5P.Essay", 1, (ANSWERED, SCORE, SUCCESS), ["1.2"], ("behaviour", "percentagePassing")),
        _row("H5P.ImageHotspots", 1, (), ["1.9"]),
        _row("H5P.InteractiveVideo", 1, (COMPLETED, SCORE), ["1.22", "1.24"]),
        _row("H5P.MarkTheWords", 1, (ANSWERED, SCORE, SUCCESS), ["1.9"]),
        _row("H5P.MultiChoice", 1, (ANSWERED, SCORE, SUCCESS), ["1.14", "1.16"], _BEHAVIOUR_PASS),
        _row("H5P.QuestionSet", 1, (COMPLETED, SCORE, SUCCESS), ["1.17", "1.20"], ("passPercentage",)),
        _row("H5P.SingleChoiceSet", 1, (ANSWERED, SCORE, SUCCESS), ["1.11"], _BEHAVIOUR_PASS),
        _row("H5P.TrueFalse", 1, (ANSWERED, SCORE, SUCCESS), ["1.6"]),
    )
}


def behaviour_of(machine_name: str, major: int) -> ContentTypeBehaviour:
    """The table's row for a content type, or the default for one we have not recorded (`known` False)."""
    row = TABLE.get((machine_name, major))
    if row is not None:
        return row
    return ContentTypeBehaviour(machine_name, major, frozenset(), known=False)


def behaviour_of_version(version) -> ContentTypeBehaviour:
    """The row for a stored content version's main library (from its h5p.json)."""
    h5p_json = version.h5p_json or {}
    main = str(h5p_json.get("mainLibrary") or "")
    major = None
    for dependency in h5p_json.get("preloadedDependencies") or []:
        if isinstance(dependency, dict) and dependency.get("machineName") == main:
            try:
                major = int(dependency.get("majorVersion"))
            except (TypeError, ValueError):
                major = None
            break
    if major is None:
        return behaviour_of(main, -1)
    return behaviour_of(main, major)


# Where content types we have no row for usually keep a pass mark.
_COMMON_PASS_MARK_PATHS = (("passPercentage",), ("behaviour", "passPercentage"))


def pass_mark(behaviour: ContentTypeBehaviour, content: dict | None) -> Decimal:
    """The pass mark (0–1) for "passes it" without result.success: the package's own, else the default."""
    paths = (behaviour.pass_mark_path,) if behaviour.known else _COMMON_PASS_MARK_PATHS
    for path in paths:
        value = content
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if path and isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100:
            return Decimal(str(value)) / 100
    return Decimal(DEFAULT_PASS_PERCENT) / 100


def needs_content(behaviour: ContentTypeBehaviour) -> bool:
    """Whether `pass_mark` reads content.json for this content type."""
    return bool(behaviour.pass_mark_path) or not behaviour.known
