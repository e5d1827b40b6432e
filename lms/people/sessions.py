"""Sessions on shared office PCs: "remember me" at login, and an idle timeout for sessions not remembered.

A login without "remember me" (the site's, the Wagtail admin's, the Django admin's, which has no such box)
gets a session cookie that dies with the browser (SESSION_EXPIRE_AT_BROWSER_CLOSE, `set_expiry(0)`); with it
the session lasts SESSION_COOKIE_AGE. The idle timeout applies only to the former: a person who ticked
"remember me" said this computer is theirs, and a long session that ends after an hour of idleness would
contradict the box they ticked.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "lms_last_activity"


def _refresh_seconds(timeout: int) -> int:
    """The stored time is refreshed at most this often (5 minutes for a 60-minute timeout), so that not
    every request writes the session; a session may therefore end up to that much before the timeout."""
    return max(1, min(300, timeout // 12))


def _now() -> int:
    return int(timezone.now().timestamp())


@receiver(user_logged_in)
def start_idle_clock(sender, request, user, **kwargs):
    """Every login (site, Wagtail admin, Django admin, the test client's) starts the idle clock."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_ACTIVITY_KEY] = _now()


def remember_login(request, *, remember: bool) -> None:
    """After a successful login: a long session when the person asked for it, else one that ends with the
    browser."""
    request.session.set_expiry(settings.SESSION_COOKIE_AGE if remember else 0)


def _login_url(path: str) -> str:
    if path.startswith(reverse("wagtailadmin_home")):
        return reverse("wagtailadmin_login")
    if path.startswith(reverse("admin:index")):
        return reverse("admin:login")
    return settings.LOGIN_URL


class IdleTimeoutMiddleware:
    """Logs out a session that is not remembered after SESSION_IDLE_TIMEOUT seconds without a request, and
    sends the person to the login page of the area they were in, with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.SESSION_IDLE_TIMEOUT
        user = getattr(request, "user", None)
        if (
            timeout
            and user is not None
            and user.is_authenticated
            and request.session.get_expire_at_browser_close()
        ):
            now = _now()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > timeout:
                logout(request)
                messages.info(
                    request,
                    _(
                        "You were signed out because you were inactive for more than %(minutes)s minutes. "
                        "Please log in again."
                    )
                    % {"minutes": timeout // 60},
                )
                return redirect_to_login(request.get_full_path(), _login_url(request.path))
            if not isinstance(last, int) or now - last >= _refresh_seconds(timeout):
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)
