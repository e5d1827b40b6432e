"""What a person may do in the admin: the one place that answers it.

Two questions, answered apart and always together:

- *what* a person may do is a Django model permission, declared on the model it is about
  (`Meta.permissions`: `compliance.view_reports`, `certificates.revoke_certificate`, …), granted through
  the role groups (`roles.MODEL_PERMISSIONS`, applied by `sync_roles`) and read with `user.has_perm`;
- *on which units* is `scope.scope_for`, and nothing else.

An HR feature needs both: the permission and at least one unit in scope. So a person in the HR group who
manages no unit, and a person given managed units without the HR role, see nothing of HR, in every view,
menu and service alike. Features that are not about units (an administrator's operations pages) pass
`units=False`.

Views call `require`; menus use `PermissionMenuItem`; Wagtail's generic views use `ScopedPermissionPolicy`;
services call `allows` and raise their own error.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.base import ModelPermissionPolicy

from .scope import Scope, scope_for

# The permissions of the people app (declared on OrgUnit and Official).
MANAGE_ORGANISATION = "people.manage_organisation"
CHANGE_UNITS = "people.change_orgunit"  # adding and moving units: administrators only
IMPORT_OFFICIALS = "people.import_officials"


def allows(user, permission: str, *, units: bool = True) -> bool:
    """May `user` use the feature guarded by `permission` (and, with `units`, do they manage a unit)?"""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not user.has_perm(permission):
        return False
    return not units or scope_for(user).manages_units


def require(user, permission: str, *, units: bool = True) -> Scope:
    """`allows` or PermissionDenied (403); returns the user's scope, the units every query starts from."""
    if not allows(user, permission, units=units):
        raise PermissionDenied
    return scope_for(user)


def permission_required(permission: str, *, units: bool = True):
    """A view decorator: `require` before the view runs."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, permission, units=units)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class PermissionMenuItem(MenuItem):
    """A menu item shown to the people `allows` lets through."""

    def __init__(self, *args, permission: str, units: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission
        self.units = units

    def is_shown(self, request):
        return allows(request.user, self.permission, units=self.units)


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """Wagtail's permission policy for an HR list: every action is `permission` (with a unit in scope).

    The rows a person sees are the view's business (`get_queryset` starts from `scope_for`); this policy
    decides only whether the page opens at all, so Wagtail's own checks and ours cannot disagree.
    `change_permission`, when given, guards adding, changing and deleting instead (a change that is not
    about units, such as adding a position: administrators only).
    """

    def __init__(
        self, model, *, permission: str, units: bool = True, change_permission: str | None = None, **kwargs
    ):
        super().__init__(model, **kwargs)
        self.permission = permission
        self.units = units
        self.change_permission = change_permission

    def user_has_permission(self, user, action):
        if self.change_permission and action != "view":
            return allows(user, self.change_permission, units=False)
        return allows(user, self.permission, units=self.units)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)
