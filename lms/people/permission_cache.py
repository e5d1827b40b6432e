"""A person's model permissions, kept in Django's cache between requests.

Django reads them with two queries (the person's own, their groups') the first time a request asks
(`user.has_perm`: the site header's "Administration" link, every admin page). Here the set is kept in the
cache under the person's id, whether they are a superuser, and a version that any change of a group's
permissions, of anyone's groups or own permissions, or the deletion of a group or permission replaces
(`m2m_changed` and `post_delete` below), so a change counts from the next request. Whether the account is
active is read from the account itself on every request, as Django does. With the cache empty or down the
permissions are read from the database.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete

from lms.cache import version_bump, versioned_get

VERSION_KEY = "people:permissions-version"
TIMEOUT = 60 * 60


def permissions_cached(user, read) -> set[str]:
    """The person's permissions ("app_label.codename"), from the cache (one round trip) or from `read()`."""
    return versioned_get(
        version_key=VERSION_KEY,
        key=f"people:permissions:{user.pk}:{int(user.is_superuser)}",
        build=lambda version: set(read()),
        timeout=TIMEOUT,
    )[1]


def permissions_changed(**kwargs) -> None:
    """Every person's cached permissions are read again at their next request."""
    version_bump(VERSION_KEY)


def _m2m_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        permissions_changed()


def connect() -> None:
    user_model = get_user_model()
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            _m2m_changed, sender=through, dispatch_uid=f"permission-cache-{through._meta.label}"
        )
    for model in (Group, Permission):
        post_delete.connect(
            permissions_changed, sender=model, dispatch_uid=f"permission-cache-{model._meta.label}"
        )
