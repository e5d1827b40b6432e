"""A person's model permissions, kept in Django's cache between requests.

Django reads them with two queries (the person's own, their groups') the first time a request asks
(`user.has_perm`: the site header's "Administration" link, every admin page). Here the set is kept in the
cache under the person's id and whether they are a superuser, with a version: a change of a person's groups
or own permissions forgets that person's entry, a change of a group's permissions or the deletion of a
group or permission replaces the version for everyone (`m2m_changed` and `post_delete` below), so a change
counts from the next request. Whether the account is active is read from the account itself on every
request, as Django does. With the cache empty or down the permissions are read from the database.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete

from lms.cache import version_bump, versioned_get

VERSION_KEY = "people:permissions-version"
TIMEOUT = 60 * 60


def _key(user_id, superuser: bool) -> str:
    return f"people:permissions:{user_id}:{int(superuser)}"


def permissions_cached(user, read) -> set[str]:
    """The person's permissions ("app_label.codename"), from the cache (one round trip) or from `read()`."""
    return versioned_get(
        version_key=VERSION_KEY,
        key=_key(user.pk, user.is_superuser),
        build=lambda version: set(read()),
        timeout=TIMEOUT,
    )[1]


def read_ahead_keys(user) -> list[str]:
    """The cache keys of the person's permissions, for a page that reads them with its own values in one
    round trip (`permissions_read_ahead`); none for an anonymous visitor."""
    if not user.is_authenticated:
        return []
    return [VERSION_KEY, _key(user.pk, user.is_superuser)]


def permissions_read_ahead(user, found: dict) -> None:
    """Give the person the permissions that `found` (what a `get_many` of `read_ahead_keys` found) holds for
    the current version, as the login backend keeps them for the request (`_perm_cache`); when it holds
    none, or of another version, leave them to be read as usual."""
    if not user.is_authenticated or hasattr(user, "_perm_cache"):
        return
    version = found.get(VERSION_KEY)
    entry = found.get(_key(user.pk, user.is_superuser))
    if version is not None and entry is not None and entry[0] == version:
        user._perm_cache = entry[1]


def permissions_changed(**kwargs) -> None:
    """Every person's cached permissions are read again at their next request (a group's permissions
    changed, a group or a permission was deleted)."""
    version_bump(VERSION_KEY)


def people_permissions_changed(user_ids) -> None:
    """These people's cached permissions are read again at their next request (their groups or own
    permissions changed); now and after the commit, as `version_bump` does."""
    keys = [_key(user_id, superuser) for user_id in user_ids for superuser in (False, True)]

    def forget():
        cache.delete_many(keys)

    forget()
    transaction.on_commit(forget)


def _membership_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A person's groups or own permissions changed, from either side of the relation."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        people_permissions_changed([instance.pk])
    elif pk_set is not None:
        people_permissions_changed(pk_set)
    else:  # a group (or permission) cleared of all its people: who they were is gone
        permissions_changed()


def _group_permissions_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        permissions_changed()


def connect() -> None:
    user_model = get_user_model()
    for through in (user_model.groups.through, user_model.user_permissions.through):
        m2m_changed.connect(
            _membership_changed, sender=through, dispatch_uid=f"permission-cache-{through._meta.label}"
        )
    m2m_changed.connect(
        _group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid="permission-cache-group-permissions",
    )
    for model in (Group, Permission):
        post_delete.connect(
            permissions_changed, sender=model, dispatch_uid=f"permission-cache-{model._meta.label}"
        )
