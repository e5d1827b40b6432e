from django.utils.crypto import salted_hmac

from . import OFFLINE_USER_HEADER


def user_key(user) -> str:
    """An opaque, stable key for the signed-in person ("" when anonymous): the worker drops every stored
    page when the key of a fresh page differs from the one its pages were stored under."""
    if not user.is_authenticated:
        return ""
    return salted_hmac("lms.offline.user", str(user.pk)).hexdigest()[:20]


class OfflineUserMiddleware:
    """Marks each HTML page with the key of the person it was made for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html") and hasattr(request, "user"):
            response[OFFLINE_USER_HEADER] = user_key(request.user)
        return response
