"""What a downloaded course keeps of an H5P activity (docs/offline.md, "H5P activities offline").

For one person and one lesson: the player page at its grant address (`/h5p/choi/<grant>/`, the same grant the
lesson page frames: person, version, lesson, the lesson page's origin), the version's files at their files-key
addresses (`/h5p/tep/<key>/…`: h5p.json, content, the libraries it needs) and the player's own files
(`/h5p/nguon/<build>/…`), every file with its exact size. The service worker serves the stored player page
when the connection fails; the lesson page hands the files to the sandboxed frame (static/js/h5p-player.js).
"""

import contextlib
import os
from dataclasses import dataclass

from django.urls import reverse

from . import assets
from .models import ContentVersion
from .player import files_key, player_url
from .storage import h5p_storage

PLAYER_PAGE_BYTES = 14_000  # the page, its options and the inlined h5p-player.js: an upper bound
# h5p-standalone's dist holds files the player never loads (type declarations, licence texts).
_SKIPPED_ASSET_SUFFIXES = (".d.ts", ".txt", ".map")


@dataclass(frozen=True)
class OfflineFile:
    url: str
    bytes: int
    kind: str  # h5p-player (the personal page) or h5p (a file)
    estimated: bool = False


def _walk(storage, folder: str):
    """(relative path, size) of every file under a storage folder."""
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    for name in files:
        try:
            size = storage.size(f"{folder}/{name}")
        except OSError:
            size = 0
        yield name, size
    for directory in directories:
        for path, size in _walk(storage, f"{folder}/{directory}"):
            yield f"{directory}/{path}", size


def version_files(version: ContentVersion) -> list[OfflineFile]:
    """The files of one content version at the addresses its player page names today."""
    storage = h5p_storage()
    base = reverse("h5p:files_h5p_json", args=[files_key(version.pk)]).removesuffix("h5p.json")
    prefix = version.storage_prefix.rstrip("/")
    found = []
    for path, size in _walk(storage, f"{prefix}/content"):
        found.append(OfflineFile(url=f"{base}content/{path}", bytes=size, kind="h5p"))
    with contextlib.suppress(OSError):
        found.insert(
            0, OfflineFile(url=f"{base}h5p.json", bytes=storage.size(f"{prefix}/h5p.json"), kind="h5p")
        )
    libraries = sorted(  # in Python: a prefetched list (courses/offline.py) stays one query for all
        version.libraries.all(), key=lambda lib: (lib.machine_name, lib.major_version, lib.minor_version)
    )
    for library in libraries:
        folder = f"{library.machine_name}-{library.major_version}.{library.minor_version}"
        for path, size in _walk(storage, library.storage_prefix.rstrip("/")):
            found.append(OfflineFile(url=f"{base}libraries/{folder}/{path}", bytes=size, kind="h5p"))
    return found


def player_files() -> list[OfflineFile]:
    """The player's own files (h5p-standalone and static/js/h5p-player.js) at the current build's address."""
    digest, files = assets.build()
    found = []
    for name, filename in sorted(files.items()):
        if name.endswith(_SKIPPED_ASSET_SUFFIXES):
            continue
        try:
            size = os.path.getsize(filename)
        except OSError:
            continue
        found.append(OfflineFile(url=reverse("h5p:asset", args=[digest, name]), bytes=size, kind="h5p"))
    return found


def activity_files(*, user, version: ContentVersion, lesson_id: int, parent_origin: str) -> list[OfflineFile]:
    """The person's player page for this lesson's activity and the version's files."""
    page = player_url(user=user, version=version, lesson_id=lesson_id, parent_origin=parent_origin)
    return [
        OfflineFile(url=page, bytes=PLAYER_PAGE_BYTES, kind="h5p-player", estimated=True)
    ] + version_files(version)
