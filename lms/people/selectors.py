"""Reads of the organisation for the admin pages, always through the viewer's scope."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from . import roles
from .models import Official, OrgUnit, User
from .scope import officials_visible, scope_for


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


def officials_list(*, viewer) -> QuerySet[Official]:
    """Officials of the viewer's units, ordered by unit then name, with what a list row shows joined in.

    Nobody's for a non-manager (not even their own record: this is HR's list). The officials page filters
    it further (official_views.OfficialFilterSet).
    """
    scope = scope_for(viewer)
    if not scope.manages_units:
        return Official.objects.none()
    return (
        officials_visible(viewer)
        .select_related("user", "unit", "position")
        .order_by("unit__path", "user__full_name", "employee_code")
    )


def user_role_labels(*, user: User) -> list[str]:
    names = [g.name for g in user.groups.all()]
    return [str(roles.ROLE_LABELS.get(n, n)) for n in names]
