"""Signing in: usernames are compared ignoring letter case ("bt-004" is the account "BT-004"); permissions are
kept in the cache between requests (permission_cache)."""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .permission_cache import permissions_cached


class CaseInsensitiveModelBackend(ModelBackend):
    """Django's ModelBackend, finding the account with `username__iexact`.

    Usernames are unique ignoring case (a database constraint on people.User), so at most one account
    matches; should two old ones still match, only the exact spelling signs in.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        field = user_model.USERNAME_FIELD
        candidates = list(user_model._default_manager.filter(**{f"{field}__iexact": username})[:2])
        if len(candidates) > 1:
            candidates = [u for u in candidates if u.get_username() == username]
        if len(candidates) != 1:
            user_model().set_password(password)  # as long as a real check, like ModelBackend
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_all_permissions(self, user_obj, obj=None):
        """As ModelBackend, read from the cache between requests (permission_cache)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = permissions_cached(
                user_obj, lambda: super(CaseInsensitiveModelBackend, self).get_all_permissions(user_obj)
            )
        return user_obj._perm_cache

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        return await sync_to_async(self.authenticate)(request, username=username, password=password, **kwargs)
