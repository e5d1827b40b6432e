"""The unread count in the site header: one COUNT query, and only when a template uses it."""

from . import selectors

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class UnreadCount:
    """Templates call a callable context value; the count is queried on the first call and remembered."""

    def __init__(self, user):
        self.user = user
        self.value: int | None = None

    def __call__(self) -> int:
        if self.value is None:
            self.value = selectors.unread_count(self.user)
        return self.value


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith(ADMIN_PREFIXES):
        return {}
    return {"unread_notifications": UnreadCount(user)}
