"""Shared H5P libraries: which stored copy a package may use, and the administrator's approval.

A library row is a machine name, a major.minor version and a content hash (SHA-256 over its files'
paths and bytes). When a package brings a library, it uses its own copy: the row with the same content
hash if the store holds those bytes already, else a new row (storage.package_store). A package that does
not bring a library it needs gets the *approved* row of that version, if there is one. So a doctored
H5P.Question uploaded by one trainer plays only in that trainer's activity until an administrator
approves it (`library_approve`, with an audit entry); activities already stored keep the rows they were
stored with.
"""

import hashlib
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.audit.models import AuditEntry
from lms.audit.services import audit_record

from .models import Library
from .services import H5PError

LibKey = tuple[str, int, int]


class LibraryAlreadyApproved(H5PError):
    status = 409


def _version(key: LibKey):
    return Library.objects.filter(machine_name=key[0], major_version=key[1], minor_version=key[2])


def content_hash(files: Iterable[tuple[str, str]]) -> str:
    """The hash of a library from its files: (path inside the library folder, SHA-256 hex of the bytes)."""
    digest = hashlib.sha256()
    for path, file_hash in sorted(files):
        digest.update(path.encode("utf-8") + b"\0" + file_hash.encode("ascii") + b"\n")
    return digest.hexdigest()


def approved_library(key: LibKey) -> Library | None:
    """The copy of a library version that packages without their own copy use, or None."""
    return _version(key).filter(approved_at__isnull=False).first()


def library_exists(key: LibKey) -> bool:
    return _version(key).exists()


def stored_file_hashes(*, library: Library, storage) -> dict[str, str] | None:
    """{path inside the library folder: SHA-256 hex} of a library's stored files, or None when its folder is
    missing. Folders of other rows nested in it (libraries stored before migration h5p.0003 have a folder
    that later copies of the same version sit inside) are not part of it."""
    others = set(
        Library.objects.exclude(pk=library.pk)
        .filter(storage_prefix__startswith=library.storage_prefix)
        .values_list("storage_prefix", flat=True)
    )
    files: dict[str, str] = {}

    def walk(folder: str) -> None:
        directories, names = storage.listdir(folder)
        for name in names:
            with storage.open(f"{folder}{name}", "rb") as handle:
                files[f"{folder}{name}"[len(library.storage_prefix) :]] = hashlib.file_digest(
                    handle, "sha256"
                ).hexdigest()
        for name in directories:
            if f"{folder}{name}/" not in others:
                walk(f"{folder}{name}/")

    try:
        walk(library.storage_prefix)
    except FileNotFoundError:
        return None
    return files or None


def stored_content_hash(*, library: Library, storage) -> str | None:
    """The content hash of a library's stored files (for rows stored before hashes existed), or None."""
    files = stored_file_hashes(library=library, storage=storage)
    return content_hash(files.items()) if files else None


def library_differences(*, library: Library, other: Library, storage) -> dict[str, list[str]] | None:
    """Which files of `library` differ from `other` (the approved copy of the same version): what an
    administrator reviews before approving. None when either folder cannot be read."""
    mine = stored_file_hashes(library=library, storage=storage)
    theirs = stored_file_hashes(library=other, storage=storage)
    if mine is None or theirs is None:
        return None
    return {
        "changed": sorted(path for path in mine.keys() & theirs.keys() if mine[path] != theirs[path]),
        "added": sorted(mine.keys() - theirs.keys()),
        "removed": sorted(theirs.keys() - mine.keys()),
    }


def library_approve(*, library: Library, user) -> Library:
    """Let every activity that relies on the store for this library version use this copy. The copy
    approved before for the same version (if any) stops being offered to new uploads; activities stored
    with it keep it. Writes an audit entry LIBRARY_APPROVE."""
    with transaction.atomic():
        library = Library.objects.select_for_update().get(pk=library.pk)
        if library.approved_at is not None:
            raise LibraryAlreadyApproved(_("This library is already approved."))
        key = (library.machine_name, library.major_version, library.minor_version)
        previous = _version(key).select_for_update().filter(approved_at__isnull=False).first()
        if previous is not None:
            previous.approved_at, previous.approved_by = None, None
            previous.save(update_fields=["approved_at", "approved_by"])
        library.approved_at, library.approved_by = timezone.now(), user
        library.save(update_fields=["approved_at", "approved_by"])
        audit_record(
            action=AuditEntry.Action.LIBRARY_APPROVE,
            actor=user,
            obj=library,
            unit=None,
            changes={
                "library": str(library),
                "content_hash": library.content_hash,
                "uploaded_by": str(library.uploaded_by or ""),
                "replaces": (
                    {"id": previous.pk, "library": str(previous), "content_hash": previous.content_hash}
                    if previous
                    else None
                ),
            },
        )
    return library
