from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.middleware.gzip import GZipMiddleware
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


# What compression shrinks: text. Images, PDFs, XLSX and ZIP files are compressed already.
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "image/svg+xml",
)
# Sec-Fetch-Site values of requests that no other site can have started: the site's own pages and scripts
# ("same-origin") and the person typing the address or opening a bookmark or an app link ("none").
FIRST_PARTY_FETCHES = ("same-origin", "none")


class CompressionMiddleware(GZipMiddleware):
    """Django's gzip compression, only where a BREACH attack cannot measure it (docs/performance.md,
    Compressed pages and BREACH).

    BREACH guesses a secret in a compressed page from the page's size, over many requests whose reflected
    input the attacker chooses, made by the victim's browser from the attacker's site. So a response is
    compressed only for a request of the site itself or of the person (`Sec-Fetch-Site: same-origin` or
    `none`, which every current browser sends and no page can forge); a request started by another site, or
    from a client that does not say, is answered uncompressed. On top of that, Django's compression adds up to
    100 random bytes to each response (Heal The BREACH) and Django masks the CSRF token afresh in every
    response. Only text types are compressed, never a partial (range) response nor one that forbids
    transformation; the response varies on Sec-Fetch-Site as well as on Accept-Encoding. A compressed whole
    drops `Accept-Ranges`: ranges are of the uncompressed bytes."""

    def process_response(self, request, response):
        if getattr(request, "is_dummy", False) or not self.compressible(response):
            return response
        patch_vary_headers(response, ("Accept-Encoding", "Sec-Fetch-Site"))
        if request.headers.get("Sec-Fetch-Site") not in FIRST_PARTY_FETCHES:
            return response
        response = super().process_response(request, response)
        if response.get("Content-Encoding") == "gzip" and response.has_header("Accept-Ranges"):
            # Byte ranges of this file are ranges of the uncompressed bytes (a range request is answered
            # uncompressed, above): the gzipped whole must not invite them.
            del response.headers["Accept-Ranges"]
        return response

    @staticmethod
    def compressible(response) -> bool:
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        return (
            content_type.startswith(COMPRESSIBLE_TYPES)
            and response.status_code != 206
            and not response.has_header("Content-Range")
            and "no-transform" not in response.get("Cache-Control", "").lower()
        )
