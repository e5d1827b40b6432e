"""The service worker (served from the site root so that it controls every learner page), the web app
manifest and the Vietnamese offline page the worker shows for what it has not stored."""

import functools
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

WORKER_STATIC_PATH = "js/service-worker.js"
# Static files every page needs, stored when the worker installs (cache-first afterwards).
PRECACHED_STATIC = (
    "css/site.css",
    "js/site.js",
    "js/menu.js",
    "js/offline.js",
    "icons/icon-192.png",
)
THEME_COLOUR = "#b3261e"  # --brand in static/css/site.css
BACKGROUND_COLOUR = "#faf8f6"  # --bg


def _static_file(name: str) -> Path:
    found = finders.find(name)
    if found:
        return Path(found)
    if staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    raise Http404("Missing static file.")


@functools.cache
def _release_of_files() -> str:
    """A digest of the project's own static files: a release that changes any of them (or the worker)
    gives a new worker, whose install stores the new files and whose activation removes the old caches."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR) / "static"
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def release() -> str:
    return getattr(settings, "OFFLINE_RELEASE", "") or _release_of_files()


@require_safe
def service_worker(request):
    config = {
        "release": release(),
        "offlineUrl": reverse("offline:page"),
        "precache": [reverse("offline:page"), reverse("offline:manifest")]
        + [static(name) for name in PRECACHED_STATIC],
        "staticPrefix": settings.STATIC_URL,
        "mediaPrefix": settings.MEDIA_URL,
    }
    source = _static_file(WORKER_STATIC_PATH).read_text(encoding="utf-8")
    body = f"const CONFIG = {json.dumps(config)};\n{source}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # The file lives under /static/ but must control the whole site; browsers re-check it on every
    # navigation anyway, and no-cache keeps a proxy from holding an old release.
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def web_manifest(request):
    manifest = {
        "name": _("SmartWard Academy"),
        "short_name": _("SmartWard"),
        "description": _(
            "Digital-transformation skills for ward and commune officials, also without a connection."
        ),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = HttpResponse(
        json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline_page(request):
    """Stored by the worker at install and shown for any page it has not stored. It shows nobody's data."""
    response = render(request, "offline/offline.html", {"theme_colour": THEME_COLOUR})
    response["Cache-Control"] = "no-cache"
    return response
