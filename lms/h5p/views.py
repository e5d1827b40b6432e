"""The H5P player and its files, served in a sandboxed frame against a signed grant (see player.py).

The player page is sent with `Content-Security-Policy: sandbox allow-scripts` (no allow-same-origin): the
package's JavaScript runs in an opaque origin, so it cannot read the learner's cookies, storage or the
lesson page, and its requests carry no session. Everything here is therefore read with the grant in the
URL alone, never the session; results travel back to the lesson page by postMessage, and the lesson page
sends them to the server with the learner's own session and CSRF token.

These views are the only way to H5P files: they live in the private storage (lms/storage.py), which the web
server never serves, and every file goes out with `Content-Security-Policy: sandbox` and `nosniff`, so a
library's SVG or XML opened on its own runs no script with the site's origin.
"""

import mimetypes
import posixpath
import re
from urllib.parse import urlsplit

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from .external_media import csp_sources
from .mathjax import library_config
from .models import ContentVersion, Library, UserData
from .player import Grant, grant_read
from .storage import h5p_storage

RESTORE_SAVE_FREQ_SECONDS = 3600
_FOLDER = re.compile(r"^([A-Za-z0-9_.\-]{1,200})-(\d{1,5})\.(\d{1,5})$")
_CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".webvtt": "text/vtt; charset=utf-8",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".m4a": "audio/mp4",
    ".gltf": "model/gltf+json",
    ".glb": "model/gltf-binary",
}
# The sandboxed player has an opaque origin: fetch() of h5p.json, content.json and library.json, and the
# fonts its stylesheets load, are cross-origin CORS requests. They carry no cookies; the grant in the URL is
# what allows them, so any origin may read them.
_FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # An SVG or XML file opened on its own must not run script with the site's origin.
    "Content-Security-Policy": "sandbox",
    "Cache-Control": "private, max-age=3600",
    "Referrer-Policy": "no-referrer",
    "Access-Control-Allow-Origin": "*",
    "Cross-Origin-Resource-Policy": "cross-origin",
}


def _grant_or_404(token: str) -> Grant:
    grant = grant_read(token)
    if grant is None:
        raise Http404("No such player.")
    return grant


def _site_origin(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def player_csp(origin: str, external: list[str] | None = None) -> str:
    """The player page's policy. Under `sandbox` without allow-same-origin the document's origin is
    opaque; browsers match 'self' against the page's URL, but the site's origin is named as well so that
    the policy does not depend on that. `external`: the sites this content version names that an
    administrator allowed (external_media.csp_sources), for its media, embeds and their scripts."""
    site = f"'self' {origin}"
    media = " ".join([site, *(external or [])])
    return "; ".join(
        [
            "sandbox allow-scripts",
            "default-src 'none'",
            f"script-src {media} 'unsafe-inline' 'unsafe-eval'",
            f"style-src {site} 'unsafe-inline'",
            f"img-src {media} data: blob:",
            f"media-src {media} blob:",
            f"font-src {site} data:",
            f"connect-src {site}",
            f"frame-src {media}",
            "worker-src 'none'",
            "object-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
            f"frame-ancestors {site}",
        ]
    )


@require_GET
@xframe_options_sameorigin
def player(request, token: str):
    grant = _grant_or_404(token)
    version = (
        ContentVersion.objects.filter(pk=grant.version_id)
        .only("pk", "activity_id", "h5p_json", "external_media")
        .first()
    )
    if version is None:
        raise Http404("No such content.")
    state = (
        UserData.objects.filter(
            user_id=grant.user_id,
            activity_id=version.activity_id,
            version_id=version.pk,
            data_type="state",
            sub_content_id="",
        )
        .values_list("data", flat=True)
        .first()
    )
    base = request.path.rstrip("/")
    origin = _site_origin(request)
    options = {
        "h5pJsonPath": base,
        "contentJsonPath": f"{base}/content",
        "librariesPath": f"{base}/libraries",
        "frame": False,
        "copyright": False,
        "export": False,
        "embed": False,
        "icon": False,
        "fullScreen": False,
        "saveFreq": False,
        # Merged into H5PIntegration by static/js/h5p-player.js: H5P.MathDisplay uses our own MathJax.
        "libraryConfig": library_config(),
    }
    if state:
        # H5P core reads contentUserData[subContentId][dataType] as a JSON string, and hands it to the
        # content as previousState only when saveFreq is set. Its own periodic saving then goes nowhere
        # (no user, no AJAX address): static/js/h5p-player.js reports the state to the lesson page.
        options["contentUserData"] = [{"state": state}]
        options["saveFreq"] = RESTORE_SAVE_FREQ_SECONDS
    external = csp_sources(version.external_media)
    response = render(
        request,
        "h5p/player.html",
        {
            "title": str(version.h5p_json.get("title") or ""),
            "options": options,
            "parent_origin": origin,
            "allowed_hosts": " ".join(sorted({urlsplit(source).hostname for source in external})),
        },
    )
    response["Content-Security-Policy"] = player_csp(origin, external)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _safe_path(path: str) -> str:
    """A relative path inside a package folder, or 404: no empty, dot or hidden segments, no backslashes."""
    if not path or len(path) > 1000 or path.startswith("/") or "\\" in path or "\x00" in path:
        raise Http404("Bad path.")
    parts = path.split("/")
    if any(not part or part.startswith(".") for part in parts):
        raise Http404("Bad path.")
    if posixpath.normpath(path) != path:
        raise Http404("Bad path.")
    return path


def _content_type(path: str) -> str:
    extension = posixpath.splitext(path)[1].lower()
    if extension in _CONTENT_TYPES:
        return _CONTENT_TYPES[extension]
    guessed, _encoding = mimetypes.guess_type(path, strict=False)
    return guessed or "application/octet-stream"


def _serve(name: str):
    try:
        handle = h5p_storage().open(name, "rb")
    except OSError as error:  # missing, a folder, unreadable: the same 404 for all
        raise Http404("No such file.") from error
    response = FileResponse(handle, content_type=_content_type(name))
    for header, value in _FILE_HEADERS.items():
        response[header] = value
    return response


def _version_prefix(grant: Grant) -> str:
    prefix = (
        ContentVersion.objects.filter(pk=grant.version_id).values_list("storage_prefix", flat=True).first()
    )
    if not prefix:
        raise Http404("No such content.")
    return prefix if prefix.endswith("/") else prefix + "/"


@require_GET
def h5p_json(request, token: str):
    grant = _grant_or_404(token)
    return _serve(_version_prefix(grant) + "h5p.json")


@require_GET
def content_file(request, token: str, path: str):
    grant = _grant_or_404(token)
    path = _safe_path(path)
    return _serve(f"{_version_prefix(grant)}content/{path}")


@require_GET
def library_file(request, token: str, folder: str, path: str):
    grant = _grant_or_404(token)
    path = _safe_path(path)
    match = _FOLDER.match(folder)
    if match is None:
        raise Http404("No such library.")
    machine_name, major, minor = match.group(1), int(match.group(2)), int(match.group(3))
    # One query: the library must be one this content version needs. The URL names the library the way
    # H5P does (<Machine>-<major>.<minor>); its files are wherever its row says they were stored.
    prefix = (
        Library.objects.filter(
            content_versions__pk=grant.version_id,
            machine_name=machine_name,
            major_version=major,
            minor_version=minor,
        )
        .values_list("storage_prefix", flat=True)
        .first()
    )
    if prefix is None:
        raise Http404("No such library.")
    return _serve(prefix + path)
