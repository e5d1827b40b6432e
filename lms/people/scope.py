"""Who may see whom. Every HR selector, view, export and API starts from `Scope`.

A scope is a set of unit subtrees (materialised-path prefixes). Administrators see the whole tree; an HR
manager sees the subtrees of the units they manage; everyone else sees no unit, only their own records.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from . import roles
from .models import ManagedUnit, Official, OrgUnit


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    everything: bool
    paths: tuple[str, ...]  # minimal prefixes: none is below another

    @property
    def manages_units(self) -> bool:
        return self.everything or bool(self.paths)

    def unit_q(self, field: str = "path") -> Q:
        """A filter on units (or on a unit path reached through `field`) inside this scope."""
        if self.everything:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in self.paths))

    def covers_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.paths)

    def covers(self, unit: OrgUnit) -> bool:
        return self.covers_path(unit.path)


def is_administrator(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=roles.ADMINISTRATOR).exists()


# Roles beyond learner: the login data (email, active flag) of such an account is an administrator's
# to change.
PRIVILEGED_GROUPS = (roles.TRAINER, roles.HR_MANAGER, roles.ADMINISTRATOR)


def privileged_q(prefix: str = "") -> Q:
    """Accounts (or accounts reached through `prefix`, e.g. "user__") holding a role beyond learner."""
    return (
        Q(**{f"{prefix}is_superuser": True})
        | Q(**{f"{prefix}is_staff": True})
        | Q(**{f"{prefix}groups__name__in": PRIVILEGED_GROUPS})
    )


def privileged_user_ids(user_ids) -> set[int]:
    from django.contrib.auth import get_user_model  # models of the user app load after this module

    if not user_ids:
        return set()
    found = get_user_model().objects.filter(privileged_q(), pk__in=list(user_ids))
    return set(found.values_list("pk", flat=True))


def may_change_login_data(viewer, user) -> bool:
    """May `viewer` change the email or active flag of `user`'s account?

    Administrators (and the command line: viewer None) may; HR managers only for accounts that hold no
    role beyond learner, so they can never take over a trainer's, another HR manager's or an
    administrator's account through its email.
    """
    if viewer is None or is_administrator(viewer):
        return True
    return not privileged_user_ids([user.pk])


def scope_for(user) -> Scope:
    """The units this person manages; cached on the user object for the request."""
    cached = getattr(user, "_smartward_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        scope = Scope(user_id=None, everything=False, paths=())
    elif is_administrator(user):
        scope = Scope(user_id=user.pk, everything=True, paths=())
    else:
        paths = sorted(
            ManagedUnit.objects.filter(user=user, unit__is_active=True).values_list("unit__path", flat=True)
        )
        if paths and not user.groups.filter(name=roles.HR_MANAGER).exists():
            paths = []  # a scope without the HR role grants nothing
        minimal: list[str] = []
        for path in paths:
            if not any(path.startswith(m) for m in minimal):
                minimal.append(path)
        scope = Scope(user_id=user.pk, everything=False, paths=tuple(minimal))
    user._smartward_scope = scope
    return scope


def units_visible(viewer) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(scope_for(viewer).unit_q())


def scope_roots(viewer) -> QuerySet[OrgUnit]:
    """The top units of the viewer's scope, where a dashboard starts."""
    scope = scope_for(viewer)
    if scope.everything:
        return OrgUnit.get_root_nodes()
    return OrgUnit.objects.filter(path__in=scope.paths)


def officials_visible(viewer) -> QuerySet[Official]:
    """Officials the viewer may see: those in their scope, or only themselves."""
    scope = scope_for(viewer)
    if scope.manages_units:
        return Official.objects.filter(scope.unit_q("unit__path"))
    if scope.user_id is None:
        return Official.objects.none()
    return Official.objects.filter(user_id=scope.user_id)


def can_see_user(viewer, user_id: int) -> bool:
    if not viewer.is_authenticated:
        return False
    if viewer.pk == user_id:
        return True
    scope = scope_for(viewer)
    if scope.everything:
        return True
    return scope.manages_units and officials_visible(viewer).filter(user_id=user_id).exists()
