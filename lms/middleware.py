from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the person chose another language with the switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, and many office PCs run an
    English browser; officials should still get Vietnamese unless they ask otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with two additions: under the admin's URL prefixes the directives of
    `CONTENT_SECURITY_POLICY_ADMIN` replace the site's (Wagtail's admin needs inline scripts and styles); and
    a view that lets the site frame it (`X-Frame-Options: SAMEORIGIN`, as Wagtail's preview sets) gets
    `frame-ancestors 'self'` instead of 'none', since browsers follow frame-ancestors over X-Frame-Options.

    A response that already carries a Content-Security-Policy (the H5P player's sandbox, Wagtail's image and
    document files) keeps it: django-csp never overwrites one. Wagtail's preview runs the previewed page
    through the middleware again inside the admin's request, as a "dummy" request for the page's own URL:
    that inner pass sets nothing, so the preview gets the policy of its admin URL."""

    def process_response(self, request, response):
        if getattr(request, "is_dummy", False):
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        admin = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None)
        if admin and parts.config is None and request.path_info.startswith(tuple(admin["URL_PREFIXES"])):
            parts.replace = {**admin["DIRECTIVES"], **(parts.replace or {})}
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        player = getattr(settings, "H5P_PLAYER_ORIGIN", "")
        if player:  # the H5P player's origin of its own (lms/h5p/player.py) may be framed by lesson pages
            parts.update = {**(parts.update or {}), "frame-src": [player]}
        return parts
