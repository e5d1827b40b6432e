"""Reads of the skills app: a person's skills against their position, and the HR skills map.

The map is computed in the database: for each unit row (a direct subunit with its subtree) and each
competence a position expects, the number of active officials expected to have it and the number at or
above the expected level. Two queries for the whole map, whatever the number of people.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr

from lms.collation import vietnamese_key
from lms.learning.structure import course_model
from lms.people.models import Official, OrgUnit, Position
from lms.people.scope import scope_for, scope_roots

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


def _level_names() -> dict[tuple[int, int], str]:
    return {(lv.framework_id, lv.number): lv.name for lv in ScaleLevel.objects.all()}


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
    competencies = list(
        Competency.objects.active()
        .filter(pk__in=ids)
        .select_related("parent", "framework")
        .order_by("framework__short_name", "parent__sort_order", "parent_id", "sort_order", "id")
    )
    names = _level_names()
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
                reasons=[evidence_text(item) for item in (row.evidence if row else [])],
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
            if link.page not in pages:
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


def _expected_officials(*, viewer, prefixes_q: Q, position_id: int | None) -> QuerySet:
    """One row per (active official in scope, competence their position expects), with `reached`."""
    scope = scope_for(viewer)
    reached = PersonLevel.objects.filter(
        user_id=OuterRef("user_id"),
        competency_id=OuterRef("position__expected_levels__competency_id"),
        level__gte=OuterRef("position__expected_levels__level"),
    )
    officials = Official.objects.filter(
        scope.unit_q("unit__path"),
        prefixes_q,
        user__is_active=True,
        position__expected_levels__competency__archived_at__isnull=True,
    )
    if position_id:
        officials = officials.filter(position_id=position_id)
    return officials.annotate(
        competency_id=F("position__expected_levels__competency_id"), is_reached=Exists(reached)
    )


def skills_map(*, viewer, unit: OrgUnit | None, position_id: int | None = None) -> SkillsMap:
    """The map of a unit (rows: its direct subunits, with their subtrees) or of the viewer's whole scope
    (rows: the scope's top units). Units must be in the viewer's scope (the view checks `unit_in_scope`)."""
    scope = scope_for(viewer)
    competencies = map_competencies(position_id=position_id)
    if not scope.manages_units:
        return SkillsMap(competencies, MapRow(None, {}), [])
    if unit is not None:
        row_units = list(unit.get_children().only("pk", "path", "depth", "name", "code"))
        area_q = Q(unit__path__startswith=unit.path)
    else:
        row_units = list(scope_roots(viewer).only("pk", "path", "depth", "name", "code"))
        area_q = Q()
    length = len(row_units[0].path) if row_units else 0
    by_prefix = {u.path: MapRow(u, {}) for u in row_units}
    total = MapRow(unit, {})
    figures = (
        _expected_officials(viewer=viewer, prefixes_q=area_q, position_id=position_id)
        .annotate(prefix=Substr("unit__path", 1, length) if length else F("unit__path"))
        .values("prefix", "competency_id")
        .annotate(expected=Count("id"), reached=Count("id", filter=Q(is_reached=True)))
        .order_by()
    )
    for figure in figures:
        for target in (total, by_prefix.get(figure["prefix"]) if length else None):
            if target is None:
                continue
            cell = target.cells.setdefault(figure["competency_id"], Cell())
            cell.expected += figure["expected"]
            cell.reached += figure["reached"]
    rows = sorted(by_prefix.values(), key=lambda r: vietnamese_key(r.unit.name))
    return SkillsMap(competencies, total, rows)


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


def cell_person(official) -> PersonInCell:
    return PersonInCell(
        user_id=official.user_id,
        name=official.user.get_full_name(),
        employee_code=official.employee_code,
        unit_name=official.unit.name,
        position_name=official.position.name if official.position else "",
        level=official.level,
        expected=official.expected,
        reasons=[evidence_text(item) for item in (official.evidence or [])],
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
    Course = course_model()
    links = Evidence.objects.filter(
        competency_id__in=[c.pk for _, c in gaps], kind__in=[Evidence.Kind.COURSE, Evidence.Kind.LESSON]
    ).values_list("competency_id", "page__path")
    courses = {c.path: c for c in Course.objects.live().only("pk", "title", "path", "url_path")}
    found: dict[int, list] = {}
    for competency_id, path in links:
        if path is None:
            continue
        course = next((c for p, c in courses.items() if path.startswith(p)), None)
        if course is not None and course not in found.setdefault(competency_id, []):
            found[competency_id].append(course)
    return [Suggestion(c, missing, found.get(c.pk, [])) for missing, c in gaps]


def positions_for_choice() -> QuerySet[Position]:
    return Position.objects.filter(expected_levels__isnull=False).distinct().order_by("name")
