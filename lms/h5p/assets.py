"""The player's own files (h5p-standalone's dist folder and static/js/h5p-player.js) at content-addressed
addresses: `/h5p/nguon/<build>/<path>`, where <build> is a hash of every file's bytes. A new build (an
upgraded h5p-standalone, an edited player script) gets a new address, so each address can be cached by the
browser for a year without asking again (`immutable`), in every environment, with or without
collectstatic. h5p-player.js is found through Django's staticfiles finders, h5p-standalone in
`H5P_STANDALONE_DIST` (settings).
"""

import hashlib
import os
import threading

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

STANDALONE = "vendor/h5p-standalone/"
OWN = {"js/h5p-player.js"}
_lock = threading.Lock()
_known: dict[str, tuple[tuple, str, dict[str, str]]] = {}


def _files() -> dict[str, str]:
    """{path under /h5p/nguon/<build>/: absolute file name} for the player's files."""
    found: dict[str, str] = {}
    for name in sorted(OWN):
        filename = finders.find(name)
        if filename:
            found[name] = filename
    dist = getattr(settings, "H5P_STANDALONE_DIST", None)
    if dist and os.path.isdir(dist):
        for folder, _folders, names in os.walk(dist):
            for filename in names:
                full = os.path.join(folder, filename)
                relative = os.path.relpath(full, dist).replace(os.sep, "/")
                found[STANDALONE + relative] = full
    return found


def _stamp(files: dict[str, str]) -> tuple:
    stamp = []
    for name, filename in sorted(files.items()):
        try:
            stat = os.stat(filename)
        except OSError:
            continue
        stamp.append((name, stat.st_size, stat.st_mtime_ns))
    return tuple(stamp)


def build() -> tuple[str, dict[str, str]]:
    """(build hash, {path: file name}), hashed again only when a file's size or time changed."""
    files = _files()
    stamp = _stamp(files)
    with _lock:
        known = _known.get("player")
        if known is not None and known[0] == stamp:
            return known[1], known[2]
    digest = hashlib.sha256()
    for name, filename in sorted(files.items()):
        digest.update(name.encode() + b"\0")
        with open(filename, "rb") as handle:
            digest.update(hashlib.sha256(handle.read()).digest())
    value = (stamp, digest.hexdigest()[:16], files)
    with _lock:
        _known["player"] = value
    return value[1], value[2]


def asset_url(name: str) -> str:
    """The content-addressed address of one player file, e.g. asset_url("js/h5p-player.js")."""
    digest, files = build()
    if name not in files:
        raise ValueError(f"{name!r} is not one of the player's files.")
    return reverse("h5p:asset", args=[digest, name])


def asset_file(digest: str, name: str) -> str | None:
    """The file behind an address, or None when the build or the name is not the current one's."""
    current, files = build()
    if digest != current:
        return None
    return files.get(name)


def asset_text(name: str) -> str:
    """The text of one of the player's own scripts, to inline in the player page."""
    _digest, files = build()
    with open(files[name], encoding="utf-8") as handle:
        text = handle.read()
    if "</script" in text.lower():
        raise ValueError(f"{name!r} cannot be inlined: it contains a closing script tag.")
    return text
