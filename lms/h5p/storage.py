"""Storing validated H5P packages in the private storage, and removing their files.

`package_store` writes the content and the libraries the package brings that the store does not hold
byte for byte yet, through Django's storage API (the private storage: lms/storage.py), and records the
activity, its new version and the libraries in one transaction. Every folder it writes is new and unique
to this call, so when anything fails it deletes exactly those folders, files and (now empty) folders
alike, and never a file that another upload wrote or uses.
"""

import logging
import os
import posixpath
from collections.abc import Iterable

from django.core.files import File
from django.db import transaction
from django.db.models import Max

from lms.storage import private_storage

from .external_media import hosts_register
from .libraries import approved_library
from .models import Activity, ContentVersion, Library, content_prefix
from .package_errors import PackageError, PackageInvalid, package_error
from .spool import LibKey, SpooledFile, ValidatedPackage, library_label
from .validation import _closure, _dependency_list, _version

logger = logging.getLogger(__name__)
SAVE_ATTEMPTS = 3


def h5p_storage():
    """Where H5P files live: the private storage, served only by the player views (views.py)."""
    return private_storage()


def package_store(
    *, validated: ValidatedPackage, user, activity: Activity | None = None, title: str = ""
) -> ContentVersion:
    """Store a validated package as a new activity, or as the next version of `activity`.

    Content goes to `h5p/content/<random>/` (h5p.json at its root, content/… below it). Each library the
    package brings is looked up by its content hash: a row with the same bytes is used as it is; else a
    new row is created (not approved: it serves this package only until an administrator approves it,
    see libraries.py) and its files are written. A library the package relies on the store for is the
    approved row of its version. Earlier versions, their files and every result and statement stay.

    The unique constraint on (version, content hash) decides who writes a new library: this call inserts
    the row first (a concurrent upload of the same bytes waits on it, then uses the committed row or,
    after a rollback, inserts its own), and writes the files to a folder unique to this call
    (`h5p/libraries/<Machine>-<major>.<minor>/<random>/`, kept in `Library.storage_prefix`). Files are
    written inside the transaction before it commits; if anything fails, the folders created here are
    deleted with everything in them, and the exception re-raised. No other upload can have used them: the
    rows pointing at them were never committed. A caller that runs this inside its own transaction must
    clean up after its own rollback: `package_files_discard(prefixes=stored_prefixes(version=…))`.
    """
    created: list[str] = []
    try:
        with transaction.atomic():
            version = _store(validated=validated, user=user, activity=activity, title=title, created=created)
    except BaseException:
        # Only folders created by this call, whose rows were just rolled back.
        _delete_folders(list(reversed(created)))
        raise
    return version


def _store(*, validated: ValidatedPackage, user, activity: Activity | None, title: str, created: list[str]):
    title = (title or "").strip()
    if activity is None:
        activity = Activity(title=title or validated.title, created_by=user)
        activity.full_clean(exclude=["current_version"])
        activity.save()
    else:
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if title:
            activity.title = title

    errors: list[PackageError] = []
    roots = _dependency_list(validated.h5p_json.get("preloadedDependencies")) or []
    needed = _closure(needs=[("h5p.json", roots)], package_libraries=validated.libraries, errors=errors)
    if errors:  # a library this package relies on lost its approval since validation
        raise PackageInvalid(errors)

    libraries: dict[LibKey, Library] = {}
    for key in needed:
        own = validated.libraries.get(key)
        if own is None:
            library = approved_library(key)
            if library is None:  # its approval was withdrawn a moment ago
                raise PackageInvalid(
                    [package_error("missing_dependency", requirer="h5p.json", library=library_label(key))]
                )
        else:
            library, new = Library.objects.get_or_create(
                machine_name=key[0],
                major_version=key[1],
                minor_version=key[2],
                content_hash=own.content_hash,
                defaults={
                    "patch_version": _version(own.metadata.get("patchVersion")) or 0,
                    "title": str(own.metadata.get("title", ""))[:255],
                    "runnable": bool(own.metadata.get("runnable")),
                    "metadata": own.metadata,
                    "uploaded_by": user,
                },
            )
            if new:
                created.append(library.storage_prefix)
                for item in own.files:
                    _save(validated, item, f"{library.storage_prefix}{item.path[len(own.folder) + 1 :]}")
        libraries[key] = library

    prefix = content_prefix()
    created.append(prefix)
    for item in validated.content_files:
        _save(validated, item, f"{prefix}{item.path}")

    last = activity.versions.aggregate(last=Max("number"))["last"] or 0
    version = ContentVersion(
        activity=activity,
        number=last + 1,
        main_library=libraries[validated.main_library],
        h5p_json=validated.h5p_json,
        storage_prefix=prefix,
        original_filename=validated.original_filename,
        file_count=len(validated.content_files),
        total_bytes=sum(item.size for item in validated.content_files),
        uploaded_by=user,
        external_media=validated.external_media,
    )
    version.full_clean(exclude=["libraries"])
    version.save()
    hosts_register(validated.external_media)  # listed for the administrator, blocked until allowed
    version.libraries.set(libraries.values())
    activity.current_version = version
    activity.full_clean()
    activity.save()
    return version


def _save(validated: ValidatedPackage, item: SpooledFile, name: str) -> None:
    """Write one file into a folder that is new and unique to this upload (so it cannot exist yet).

    A failed upload removing its own empty folders may remove a shared parent (`h5p/content/`, say) in the
    instant between this call creating it and creating the file in it: the file is then tried again."""
    storage = h5p_storage()
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        try:
            saved = storage.save(name, File(validated.open(item), name=posixpath.basename(name)))
            break
        except FileNotFoundError:
            if attempt == SAVE_ATTEMPTS:
                raise
    if saved != name:
        raise RuntimeError(f"Storage saved {name!r} as {saved!r}")


def stored_prefixes(*, version: ContentVersion) -> list[str]:
    """Every storage folder a content version uses: its content and its libraries'."""
    return [version.storage_prefix, *version.libraries.values_list("storage_prefix", flat=True)]


def package_files_discard(*, prefixes: Iterable[str]) -> list[str]:
    """Delete the folders among `prefixes` that no ContentVersion or Library row points at: for a caller
    that stored a package inside its own transaction and rolled it back. Folders still in use (a library
    that was already in the store, say) are left alone. Returns the folders deleted."""
    prefixes = list(dict.fromkeys(prefixes))
    used = set(
        ContentVersion.objects.filter(storage_prefix__in=prefixes).values_list("storage_prefix", flat=True)
    ) | set(Library.objects.filter(storage_prefix__in=prefixes).values_list("storage_prefix", flat=True))
    orphans = [prefix for prefix in prefixes if prefix not in used]
    _delete_folders(orphans)
    return orphans


def _delete_folders(prefixes: list[str]) -> None:
    """Delete each folder with everything in it, then its parents that are left empty."""
    for prefix in prefixes:
        try:
            _delete_tree(prefix.rstrip("/"))
        except Exception:  # noqa: BLE001 — the rows are gone already; leftover files are only logged
            logger.exception("Could not delete the H5P files under %s", prefix)


def _delete_tree(folder: str) -> None:
    storage = h5p_storage()
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        storage.delete(f"{folder}/{name}")
    for name in directories:
        _delete_tree(f"{folder}/{name}")
    _remove_empty_folder(storage, folder)


def _remove_empty_folder(storage, folder: str) -> None:
    """Remove a folder of a file system storage if it is empty, and its parents that are left empty, up
    to the storage's root. Storages without folders (NotImplementedError for `path`) have nothing to do."""
    try:
        path, root = storage.path(folder), os.path.abspath(storage.location)
    except (NotImplementedError, AttributeError):
        return
    while os.path.abspath(path).startswith(root + os.sep):
        try:
            os.rmdir(path)
        except OSError:  # not empty (another upload's files), or already gone
            if os.path.isdir(path):
                return
        path = os.path.dirname(path)
