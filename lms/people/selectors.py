"""Reads of the organisation for the admin pages, always through the viewer's scope."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .models import Official, OrgUnit
from .scope import scope_for


@dataclass(frozen=True)
class UnitRow:
    unit: OrgUnit
    level: int  # 0 for a top unit of the viewer's tree
    officials: int  # active officials placed directly in the unit
    officials_in_subtree: int  # … in the unit and every unit below it


def unit_tree(*, viewer) -> list[UnitRow]:
    """The units the viewer may see, in tree order, with active officials counted. Two queries."""
    scope = scope_for(viewer)
    units = list(OrgUnit.objects.filter(scope.unit_q()).order_by("path"))
    direct = dict(
        Official.objects.filter(scope.unit_q("unit__path"), user__is_active=True)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    totals = {u.pk: 0 for u in units}
    levels: dict[int, int] = {}
    ancestors: list[OrgUnit] = []  # the visible units above the current one, top first
    for unit in units:
        while ancestors and not unit.path.startswith(ancestors[-1].path):
            ancestors.pop()
        levels[unit.pk] = len(ancestors)
        ancestors.append(unit)
        for ancestor in ancestors:
            totals[ancestor.pk] += direct.get(unit.pk, 0)
    return [
        UnitRow(unit=u, level=levels[u.pk], officials=direct.get(u.pk, 0), officials_in_subtree=totals[u.pk])
        for u in units
    ]


def officials_list(
    *, viewer, search: str = "", unit: OrgUnit | None = None, status: str = "active"
) -> QuerySet[Official]:
    """Officials of the viewer's units, filtered; ordered by unit then name. Nobody's for a non-manager."""
    scope = scope_for(viewer)
    if not scope.manages_units:
        return Official.objects.none()
    officials = Official.objects.filter(scope.unit_q("unit__path"))
    if unit is not None:
        officials = officials.filter(unit__path__startswith=unit.path)
    if status == "active":
        officials = officials.filter(user__is_active=True)
    elif status == "inactive":
        officials = officials.filter(user__is_active=False)
    search = search.strip()
    if search:
        officials = officials.filter(
            Q(user__full_name__icontains=search)
            | Q(employee_code__icontains=search)
            | Q(user__email__icontains=search)
        )
    return officials.select_related("user", "unit", "position").order_by(
        "unit__path", "user__full_name", "employee_code"
    )
