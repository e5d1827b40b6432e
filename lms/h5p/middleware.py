"""On the H5P player's own origin (setting H5P_PLAYER_ORIGIN) only the player and its files answer.

That origin runs uploaded packages' JavaScript with allow-same-origin: no other page of the site (login,
learning, admin) may ever be served there, or a package could use it in the learner's name."""

from django.http import HttpResponseNotFound

from .player import origin_of, player_origin

ALLOWED_PREFIXES = ("/h5p/choi/", "/h5p/tep/", "/h5p/nguon/", "/static/")


class PlayerOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        own = player_origin()
        on_player_origin = own and origin_of(f"{request.scheme}://{request.get_host()}") == own
        if on_player_origin and not request.path_info.startswith(ALLOWED_PREFIXES):
            response = HttpResponseNotFound(b"", content_type="text/plain")
            response["X-Content-Type-Options"] = "nosniff"
            response["Content-Security-Policy"] = "sandbox; default-src 'none'"
            return response
        return self.get_response(request)
