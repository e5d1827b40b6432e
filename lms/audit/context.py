"""Who is acting in this request, for audit entries written deep inside services and signal receivers."""

from contextvars import ContextVar

_current: ContextVar[tuple | None] = ContextVar("smartward_audit_actor", default=None)


def current() -> tuple:
    """(user or None, ip address or None) of the request being served."""
    return _current.get() or (None, None)


def client_ip(request) -> str | None:
    # Behind the reverse proxy the real address is the last hop it appended; REMOTE_ADDR otherwise.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    candidate = forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return candidate or None


class AuditContextMiddleware:
    """Remembers the signed-in person and their address while a request is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        token = _current.set((actor, client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
