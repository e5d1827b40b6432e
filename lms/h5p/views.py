"""The H5P player and its files, served in a sandboxed frame against a signed grant (see player.py).

The player page is sent with `Content-Security-Policy: sandbox allow-scripts` (no allow-same-origin): the
package's JavaScript runs in an opaque origin, so it cannot read the learner's cookies, storage or the
lesson page, and its requests carry no session. Everything here is therefore read with the grant in the
URL alone, never the session; results travel back to the lesson page by postMessage, and the lesson page
sends them to the server with the learner's own session and CSRF token.

These views are the only way to H5P files: they live in the private storage (lms/storage.py), which the web
server never serves, and every file goes out with `Content-Security-Policy: sandbox` and `nosniff`, so a
library's SVG or XML opened on its own runs no script with the site's origin.

The player page loads its files from addresses that stay the same from view to view (player.py): the
version's files under a signed files key, the player's scripts under their build hash, all cached for a
year (`immutable`), compressed, and served in byte ranges for media (serving.py). The older addresses
under the grant still answer, cached for an hour.
"""

import mimetypes
import posixpath
import re
from urllib.parse import urlsplit

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from . import assets
from .external_media import csp_sources
from .mathjax import library_config
from .models import ContentVersion, Library, UserData
from .player import (
    Grant,
    activity_iri,
    files_key,
    files_key_read,
    grant_read,
    origin_of,
    player_origin,
    separate_origin,
)
from .serving import file_response, preflight
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
# Addresses that name their bytes for ever: a year, never revalidated. A version's content is private to
# those given its files key (no shared cache keeps it); library and player code is the same for everyone.
_PRIVATE_FOR_EVER = {**_FILE_HEADERS, "Cache-Control": "private, max-age=31536000, immutable"}
_PUBLIC_FOR_EVER = {**_FILE_HEADERS, "Cache-Control": "public, max-age=31536000, immutable"}
_FILE_METHODS = ["GET", "HEAD", "OPTIONS"]


def _grant_or_404(token: str) -> Grant:
    grant = grant_read(token)
    if grant is None:
        raise Http404("No such player.")
    return grant


def _site_origin(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def player_csp(
    origin: str, external: list[str] | None = None, *, parent_origin: str = "", same_origin: bool = False
) -> str:
    """The player page's policy. Under `sandbox` without allow-same-origin the document's origin is
    opaque; browsers match 'self' against the page's URL, but the site's origin is named as well so that
    the policy does not depend on that. `blob:` for scripts, styles, fonts and reads: a downloaded activity
    played offline gets its files from the lesson page and serves them from addresses made inside the frame
    (static/js/h5p-player.js; 'unsafe-inline' and 'unsafe-eval' already allow as much). `external`: the
    sites this content version names that an administrator allowed (external_media.csp_sources), for its
    media, embeds and their scripts.
    `same_origin` only on an origin of the player's own (player.py): there the origin itself keeps the
    package away from the site's cookies and pages."""
    site = f"'self' {origin}"
    media = " ".join([site, *(external or [])])
    ancestors = f"'self' {origin}" if not parent_origin or parent_origin == origin else parent_origin
    return "; ".join(
        [
            "sandbox allow-scripts allow-same-origin" if same_origin else "sandbox allow-scripts",
            "default-src 'none'",
            f"script-src {media} 'unsafe-inline' 'unsafe-eval' blob:",
            f"style-src {site} 'unsafe-inline' blob:",
            f"img-src {media} data: blob:",
            f"media-src {media} blob:",
            f"font-src {site} data: blob:",
            f"connect-src {site} blob:",
            f"frame-src {media}",
            "worker-src 'none'",
            "object-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
            f"frame-ancestors {ancestors}",
        ]
    )


@require_GET
@xframe_options_sameorigin
def player(request, token: str):
    grant = _grant_or_404(token)
    version = (
        ContentVersion.objects.filter(pk=grant.version_id)
        .only("pk", "activity_id", "number", "h5p_json", "external_media")
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
    base = reverse("h5p:files_h5p_json", args=[files_key(version.pk)]).removesuffix("/h5p.json")
    origin = _site_origin(request)
    parent_origin = grant.parent_origin or origin
    # allow-same-origin only on the player's own origin, never on the lesson page's.
    same_origin = separate_origin(parent_origin) and origin_of(origin) == player_origin()
    options = {
        "h5pJsonPath": base,
        "contentJsonPath": f"{base}/content",
        "librariesPath": f"{base}/libraries",
        # One IRI per activity version in every statement, never this page's address and its grant.
        "xAPIObjectIRI": activity_iri(version),
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
            "parent_origin": parent_origin,
            "allowed_hosts": " ".join(sorted({urlsplit(source).hostname for source in external})),
            "main_js": assets.asset_url(assets.STANDALONE + "main.bundle.js"),
            "frame_js": assets.asset_url(assets.STANDALONE + "frame.bundle.js"),
            "frame_css": assets.asset_url(assets.STANDALONE + "styles/h5p.css"),
            "assets_base": assets.asset_url("js/h5p-player.js").removesuffix("js/h5p-player.js"),
            # Inline: a stored copy of this page, served by the service worker without a connection, must
            # start without loading anything (no worker sees the sandboxed frame's own requests).
            "player_script": assets.asset_text("js/h5p-player.js"),
        },
    )
    policy = player_csp(origin, external, parent_origin=parent_origin, same_origin=same_origin)
    response["Content-Security-Policy"] = policy
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


def _serve(request, name: str, headers: dict = _FILE_HEADERS):
    return file_response(
        request,
        opener=lambda: h5p_storage().open(name, "rb"),
        key=name,
        content_type=_content_type(name),
        headers=headers,
    )


def _version_prefix(version_id: int) -> str:
    prefix = ContentVersion.objects.filter(pk=version_id).values_list("storage_prefix", flat=True).first()
    if not prefix:
        raise Http404("No such content.")
    return prefix if prefix.endswith("/") else prefix + "/"


@require_http_methods(_FILE_METHODS)
def h5p_json(request, token: str):
    if request.method == "OPTIONS":
        return preflight()
    grant = _grant_or_404(token)
    return _serve(request, _version_prefix(grant.version_id) + "h5p.json")


@require_http_methods(_FILE_METHODS)
def content_file(request, token: str, path: str):
    if request.method == "OPTIONS":
        return preflight()
    grant = _grant_or_404(token)
    path = _safe_path(path)
    return _serve(request, f"{_version_prefix(grant.version_id)}content/{path}")


@require_http_methods(_FILE_METHODS)
def library_file(request, token: str, folder: str, path: str):
    if request.method == "OPTIONS":
        return preflight()
    grant = _grant_or_404(token)
    return _serve(request, _library_name(grant.version_id, folder, path))


def _library_name(version_id: int, folder: str, path: str) -> str:
    path = _safe_path(path)
    match = _FOLDER.match(folder)
    if match is None:
        raise Http404("No such library.")
    machine_name, major, minor = match.group(1), int(match.group(2)), int(match.group(3))
    # One query: the library must be one this content version needs. The URL names the library the way
    # H5P does (<Machine>-<major>.<minor>); its files are wherever its row says they were stored.
    prefix = (
        Library.objects.filter(
            content_versions__pk=version_id,
            machine_name=machine_name,
            major_version=major,
            minor_version=minor,
        )
        .values_list("storage_prefix", flat=True)
        .first()
    )
    if prefix is None:
        raise Http404("No such library.")
    return prefix + path


def _files_version(key: str) -> int:
    version_id = files_key_read(key)
    if version_id is None:
        raise Http404("No such files.")
    return version_id


@require_http_methods(_FILE_METHODS)
def files_h5p_json(request, key: str):
    if request.method == "OPTIONS":
        return preflight()
    return _serve(request, _version_prefix(_files_version(key)) + "h5p.json", _PRIVATE_FOR_EVER)


@require_http_methods(_FILE_METHODS)
def files_content(request, key: str, path: str):
    if request.method == "OPTIONS":
        return preflight()
    version_id = _files_version(key)
    path = _safe_path(path)
    return _serve(request, f"{_version_prefix(version_id)}content/{path}", _PRIVATE_FOR_EVER)


@require_http_methods(_FILE_METHODS)
def files_library(request, key: str, folder: str, path: str):
    if request.method == "OPTIONS":
        return preflight()
    return _serve(request, _library_name(_files_version(key), folder, path), _PUBLIC_FOR_EVER)


@require_http_methods(_FILE_METHODS)
def asset(request, build: str, path: str):
    """One of the player's own files (assets.py), at the address of the current build only."""
    if request.method == "OPTIONS":
        return preflight()
    filename = assets.asset_file(build, _safe_path(path))
    if filename is None:
        raise Http404("No such file.")
    return file_response(
        request,
        opener=lambda: open(filename, "rb"),  # noqa: SIM115 — closed by the response
        key=f"asset:{build}:{path}",
        content_type=_content_type(path),
        headers=_PUBLIC_FOR_EVER,
    )
