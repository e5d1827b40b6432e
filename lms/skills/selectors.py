"""Reads of the skills app: a person's skills against their position, the HR skills map, and the learners a
trainer may rate.

The map is computed in the database: for each unit row (a direct subunit with its subtree) and each
competence a position expects, the number of active officials expected to have it and the number at or
above the expected level. A few queries for the whole map, whatever the number of people; a large map (the
city) reads them from the latest snapshot (`snapshot.py`), "as of" its moment.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from wagtail.models import Page

from lms.collation import vietnamese_key
from lms.learning.models import Enrolment
from lms.learning.selectors import trained_courses
from lms.learning.structure import course_model
from lms.people.models import Official, OrgUnit, Position
from lms.people.scope import scope_for, scope_roots

from . import snapshot as snapshots
from .levels import evidence_text
from .models import Competency, Evidence, ExpectedLevel, PersonLevel, ScaleLevel

# --- A person's skills --------------------------------------------------------------------------------------


@dataclass
class SkillRow:
    competency: Competency
    area: Competency | None
    level: int
    level_name: str
    expected: int | None
    expected_name: str
    reasons: list[str]
    closing: list = field(default_factory=list)  # live pages (courses, lessons) that show the expected level

    @property
    def gap(self) -> int:
        return max(0, (self.expected or 0) - self.level)


def level_names() -> dict[tuple[int, int], str]:
    return {(lv.framework_id, lv.number): lv.name for lv in ScaleLevel.objects.all()}


def _tree_key(competency: Competency) -> tuple:
    """Framework, then area (an area's own row first), then the competence's place in it."""
    area = competency.parent or competency
    own = competency.parent is None
    return (
        competency.framework.short_name,
        area.sort_order,
        area.pk,
        not own,
        competency.sort_order,
        competency.pk,
    )


def _reason(item: dict, names: dict, framework_id: int) -> str:
    """ "Mức 3 — Khá: đạt 8/10 câu về …" """
    level = item.get("level")
    return _("Level %(level)s — %(name)s: %(evidence)s") % {
        "level": level,
        "name": names.get((framework_id, level), ""),
        "evidence": evidence_text(item),
    }


def person_skills(*, user) -> list[SkillRow]:
    """Every active competence the person's position expects or they have a level in, areas first."""
    official = Official.objects.filter(user=user).select_related("position").first()
    expected = {}
    if official is not None and official.position_id:
        expected = dict(
            ExpectedLevel.objects.filter(
                position_id=official.position_id, competency__archived_at__isnull=True
            ).values_list("competency_id", "level")
        )
    levels = {row.competency_id: row for row in PersonLevel.objects.filter(user=user)}
    ids = set(expected) | set(levels)
    competencies = sorted(
        Competency.objects.active().filter(pk__in=ids).select_related("parent", "framework"),
        key=_tree_key,
    )
    names = level_names()
    closing = _closing_pages({c.pk: expected.get(c.pk) for c in competencies})
    rows = []
    for competency in competencies:
        row = levels.get(competency.pk)
        level = row.level if row else 0
        want = expected.get(competency.pk)
        rows.append(
            SkillRow(
                competency=competency,
                area=competency.parent,
                level=level,
                level_name=names.get((competency.framework_id, level), ""),
                expected=want,
                expected_name=names.get((competency.framework_id, want), "") if want else "",
                reasons=[
                    _reason(item, names, competency.framework_id) for item in (row.evidence if row else [])
                ],
                closing=closing.get(competency.pk, []) if want and level < want else [],
            )
        )
    return rows


def _closing_pages(expected: dict[int, int | None]) -> dict[int, list]:
    """competence id → live courses and lessons whose evidence reaches the expected level (one query)."""
    wanted = {pk: level for pk, level in expected.items() if level}
    if not wanted:
        return {}
    links = (
        Evidence.objects.filter(
            competency_id__in=wanted,
            kind__in=[Evidence.Kind.COURSE, Evidence.Kind.LESSON],
            page__live=True,
        )
        .select_related("page")
        .order_by("level", "id")
    )
    found: dict[int, list] = {}
    for link in links:
        if link.level >= wanted[link.competency_id]:
            pages = found.setdefault(link.competency_id, [])
            if all(page.pk != link.page_id for page in pages):
                pages.append(link.page.specific_deferred)
    return found


# --- The HR map ---------------------------------------------------------------------------------------------


@dataclass
class Cell:
    expected: int = 0  # people whose position expects the competence
    reached: int = 0  # of them, at or above the expected level

    @property
    def share(self) -> float | None:
        return self.reached / self.expected if self.expected else None

    @property
    def percent(self) -> int | None:
        return None if self.expected == 0 else round(100 * self.reached / self.expected)

    @property
    def band(self) -> str:
        """A colour class: good (≥ 80 %), fair (≥ 50 %), poor, or none."""
        share = self.share
        if share is None:
            return "none"
        return "good" if share >= 0.8 else "fair" if share >= 0.5 else "poor"


@dataclass
class MapRow:
    unit: OrgUnit | None  # None: the whole unit (or scope) the map is about
    cells: dict[int, Cell]


@dataclass
class SkillsMap:
    competencies: list[Competency]
    total: MapRow
    rows: list[MapRow]
    as_of: datetime | None = None  # the snapshot's moment; None when counted live


def map_competencies(*, position_id: int | None = None) -> list[Competency]:
    """The active competences some position expects (or the chosen one), in framework order."""
    expected = ExpectedLevel.objects.filter(competency__archived_at__isnull=True)
    if position_id:
        expected = expected.filter(position_id=position_id)
    return list(
        Competency.objects.filter(pk__in=expected.values("competency_id"))
        .select_related("framework", "parent")
        .order_by("framework__short_name", "parent__sort_order", "parent_id", "sort_order", "id")
    )


def skills_map(
    *, viewer, unit: OrgUnit | None, position_id: int | None = None, live: bool = False
) -> SkillsMap:
    """The map of a unit (rows: its direct subunits, with their subtrees) or of the viewer's whole scope
    (rows: the scope's top units). Units must be in the viewer's scope (the view checks `unit_in_scope`).

    Counted live in three queries whatever the number of people: the profiles; active officials counted per
    (unit, position), whose expected counts follow from the profiles; and the people at or above their
    expected level counted per (unit, competence). A large map (above `snapshot.live_limit()` expected
    skills) reads the latest fresh snapshot instead, in one query, and gives its moment as `as_of`; `live`
    forces the count. Either way the counts are grouped by unit, then added up into the rows here."""
    scope = scope_for(viewer)
    competencies = map_competencies(position_id=position_id)
    if not scope.manages_units or not competencies:
        return SkillsMap(competencies, MapRow(unit, {}), [])
    fields = ("pk", "path", "depth", "numchild", "name", "code")
    row_units = list((unit.get_children() if unit is not None else scope_roots(viewer)).only(*fields))

    def area(prefix: str) -> Q:
        """The area of the map in the viewer's scope, on unit paths reached through `prefix`."""
        where = scope.unit_q(f"{prefix}unit__path")
        if unit is not None:
            where &= Q(**{f"{prefix}unit__path__startswith": unit.path})
        return where

    counts, as_of = None, None
    snapshot = None if live else snapshots.map_snapshot_fresh()
    if snapshot is not None:
        where = area("") & (Q(position_id=position_id) if position_id else Q())
        counts = snapshots.snapshot_counts(snapshot, where, competencies)
        if sum(expected for _path, _c, expected, _r in counts) > snapshots.live_limit():
            as_of = snapshot.taken_at
        else:
            counts = None  # small enough to count live
    if counts is None:
        counts = _live_counts(area, competencies, position_id)
    rows = {u.path: MapRow(u, {}) for u in row_units}
    lengths = sorted({len(path) for path in rows})
    total = MapRow(unit, {})

    def targets(path: str):
        yield total
        for length in lengths:
            row = rows.get(path[:length])
            if row is not None:
                yield row
                return

    for path, competency_id, expected, reached in counts:
        for target in targets(path):
            cell = target.cells.setdefault(competency_id, Cell())
            cell.expected += expected
            cell.reached += reached
    ordered = sorted(rows.values(), key=lambda r: vietnamese_key(r.unit.name))
    return SkillsMap(competencies, total, ordered, as_of=as_of)


def _live_counts(area, competencies, position_id) -> list[tuple[str, int, int, int]]:
    """(unit path, competence id, expected, reached) counted now, as `snapshot.map_snapshot_take` does."""
    profiles = ExpectedLevel.objects.filter(competency__in=competencies)
    if position_id:
        profiles = profiles.filter(position_id=position_id)
    expected_by_position: dict[int, list[int]] = {}
    for position, competency_id in profiles.values_list("position_id", "competency_id"):
        expected_by_position.setdefault(position, []).append(competency_id)
    positions = list(expected_by_position)
    people = (
        snapshots.officials_counted(area("") & Q(position_id__in=positions))
        .values_list("unit__path", "position_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    reached = (
        snapshots.levels_reached(
            area("user__official__") & Q(user__official__position_id__in=positions), competencies
        )
        .values_list("user__official__unit__path", "competency_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = [
        (path, competency_id, count, 0)
        for path, position, count in people
        for competency_id in expected_by_position[position]
    ]
    return counts + [(path, competency_id, 0, count) for path, competency_id, count in reached]


@dataclass
class PersonInCell:
    user_id: int
    name: str
    employee_code: str
    unit_name: str
    position_name: str
    level: int
    expected: int
    reasons: list[str]

    @property
    def reached(self) -> bool:
        return self.level >= self.expected


def cell_people(
    *, viewer, unit: OrgUnit | None, competency: Competency, position_id: int | None = None
) -> QuerySet:
    """The people of a cell (active officials in scope whose position expects the competence), lowest
    level first; `level` and `evidence` annotated. Paginate it; `cell_person` turns a row into words."""
    scope = scope_for(viewer)
    officials = Official.objects.filter(
        scope.unit_q("unit__path"),
        user__is_active=True,
        position__expected_levels__competency=competency,
    )
    if unit is not None:
        officials = officials.filter(unit__path__startswith=unit.path)
    if position_id:
        officials = officials.filter(position_id=position_id)
    level = PersonLevel.objects.filter(user_id=OuterRef("user_id"), competency=competency)
    return (
        officials.annotate(
            expected=F("position__expected_levels__level"),
            level=Coalesce(Subquery(level.values("level")[:1]), 0),
            evidence=Subquery(level.values("evidence")[:1]),
        )
        .select_related("user", "unit", "position")
        .order_by("level", "user__last_name", "user__first_name", "id")
    )


def cell_person(official, *, competency: Competency, names: dict) -> PersonInCell:
    return PersonInCell(
        user_id=official.user_id,
        name=official.user.get_full_name(),
        employee_code=official.employee_code,
        unit_name=official.unit.name,
        position_name=official.position.name if official.position else "",
        level=official.level,
        expected=official.expected,
        reasons=[_reason(item, names, competency.framework_id) for item in (official.evidence or [])],
    )


@dataclass
class Suggestion:
    competency: Competency
    missing: int  # people below their expected level
    courses: list  # live courses that give evidence for it


def gap_suggestions(*, skills: SkillsMap, limit: int = 3) -> list[Suggestion]:
    """The unit's biggest gaps (most people below the expected level) and the courses that close them."""
    gaps = sorted(
        (
            (cell.expected - cell.reached, competency)
            for competency in skills.competencies
            if (cell := skills.total.cells.get(competency.pk)) and cell.expected > cell.reached
        ),
        key=lambda pair: -pair[0],
    )[:limit]
    if not gaps:
        return []
    wanted = _expected_levels([c.pk for _, c in gaps])
    links = Evidence.objects.filter(
        competency_id__in=wanted, kind__in=[Evidence.Kind.COURSE, Evidence.Kind.LESSON], page__live=True
    ).values_list("competency_id", "level", "page__path")
    paths = {path: (competency_id, level) for competency_id, level, path in links}
    ancestors = {path[:end] for path in paths for end in range(Page.steplen, len(path) + 1, Page.steplen)}
    courses = course_model().objects.live().filter(path__in=ancestors).only("pk", "title", "path", "url_path")
    found: dict[int, list] = {}
    for course in courses:
        for path, (competency_id, level) in paths.items():
            # A course or a lesson in it, showing at least the highest level a position expects.
            if path.startswith(course.path) and level >= wanted[competency_id]:
                listed = found.setdefault(competency_id, [])
                if course not in listed:
                    listed.append(course)
    return [Suggestion(c, missing, found.get(c.pk, [])) for missing, c in gaps]


def _expected_levels(competency_ids: list[int]) -> dict[int, int]:
    """competence id → the highest level any position expects in it."""
    rows = ExpectedLevel.objects.filter(competency_id__in=competency_ids).values("competency_id")
    return dict(rows.annotate(top=Max("level")).values_list("competency_id", "top"))


def positions_for_choice() -> QuerySet[Position]:
    return Position.objects.filter(expected_levels__isnull=False).distinct().order_by("name")


# --- A trainer's learners -------------------------------------------------------------------------------


def learners_to_rate(*, viewer, course_id: int | None = None, query: str = "") -> QuerySet[Enrolment]:
    """The enrolments of active people in the courses the viewer trains (the viewer's own left out: nobody
    rates themselves), by course and name; `course_id` narrows to one course, `query` to names containing
    it. With the person, their unit and the course joined in."""
    enrolments = Enrolment.objects.filter(course_id__in=trained_courses(viewer), user__is_active=True)
    enrolments = enrolments.exclude(user_id=viewer.pk)
    if course_id:
        enrolments = enrolments.filter(course_id=course_id)
    query = (query or "").strip()
    if query:
        enrolments = enrolments.filter(
            Q(user__full_name__icontains=query) | Q(user__username__icontains=query)
        )
    return enrolments.select_related("user__official__unit", "course").order_by(
        "course__title", "user__full_name", "pk"
    )


def learner_to_rate(*, viewer, course_id: int, user_id: int) -> Enrolment | None:
    """The person's enrolment in a course the viewer trains, or None (not theirs to rate)."""
    return (
        Enrolment.objects.filter(course_id__in=trained_courses(viewer), course_id=course_id, user_id=user_id)
        .select_related("user__official__unit", "course")
        .first()
    )


def course_competencies(*, course) -> QuerySet[Competency]:
    """The active competences linked as evidence to the course or to one of its lessons."""
    linked = Evidence.objects.filter(
        Q(kind=Evidence.Kind.COURSE, page_id=course.pk)
        | Q(kind=Evidence.Kind.LESSON, page__path__startswith=course.path)
    )
    return (
        Competency.objects.active()
        .filter(pk__in=linked.values("competency_id"))
        .select_related("framework")
        .order_by("framework__short_name", "sort_order", "id_number", "pk")
    )
