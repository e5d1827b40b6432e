"""Move what earlier versions kept under the public MEDIA_ROOT into the private storage (lms/storage.py).

H5P packages (`h5p/`) and staged import files (`officials-import/`, `quiz-interchange/`) used to live in
the default storage, which the web server serves to anyone. They keep their names: only the storage
changes, so no database row needs to change. Idempotent: a file already in the private storage with the
same bytes is only removed from the public one; a file that differs is reported and left where it is.
Then it computes the content hash of H5P libraries stored before hashes existed (migration h5p.0004).
"""

import contextlib
import filecmp
import os

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lms.h5p.libraries import stored_content_hash
from lms.h5p.models import Library
from lms.storage import private_storage

# The folders of MEDIA_ROOT that held private files before they had a storage of their own.
LEGACY_FOLDERS = ("h5p", "officials-import", "quiz-interchange")


def _files(storage, folder: str):
    try:
        directories, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        yield f"{folder}/{name}"
    for name in directories:
        yield from _files(storage, f"{folder}/{name}")


def _same(public, private, name: str) -> bool:
    try:
        return filecmp.cmp(public.path(name), private.path(name), shallow=False)
    except NotImplementedError:
        with public.open(name, "rb") as mine, private.open(name, "rb") as theirs:
            return mine.read() == theirs.read()


def _remove_empty_folders(storage, folder: str) -> None:
    try:
        root = storage.path(folder)
    except NotImplementedError:
        return
    for path, _directories, _names in os.walk(root, topdown=False):
        with contextlib.suppress(OSError):  # not empty: a file left behind
            os.rmdir(path)


class Command(BaseCommand):
    help = (
        "Move H5P files and staged import files from the public MEDIA_ROOT into the private storage "
        "(PRIVATE_MEDIA_ROOT), and compute the content hash of H5P libraries stored before hashes existed. "
        "Safe to run again."
    )

    def handle(self, *args, **options):
        public, private = storages["default"], private_storage()
        verbose = options["verbosity"] >= 2
        left = 0
        for folder in LEGACY_FOLDERS:
            moved = 0
            for name in list(_files(public, folder)):
                if private.exists(name):
                    if not _same(public, private, name):
                        left += 1
                        self.stderr.write(
                            _("%(name)s differs from the private file of the same name: left in MEDIA_ROOT.")
                            % {"name": name}
                        )
                        continue
                else:
                    with public.open(name, "rb") as handle:
                        saved = private.save(name, handle)
                    if saved != name:
                        private.delete(saved)
                        raise CommandError(f"The private storage saved {name!r} as {saved!r}.")
                public.delete(name)
                moved += 1
                if verbose:
                    self.stdout.write(f"  {name}")
            _remove_empty_folders(public, folder)
            self.stdout.write(
                _("%(folder)s/: %(count)d files moved to the private storage.")
                % {"folder": folder, "count": moved}
            )
        self._hash_libraries(private)
        if left:
            raise CommandError(_("%(count)d files were left in MEDIA_ROOT; see above.") % {"count": left})

    def _hash_libraries(self, storage) -> None:
        hashed = 0
        for library in Library.objects.filter(content_hash="").order_by("pk"):
            value = stored_content_hash(library=library, storage=storage)
            if value is None:
                self.stderr.write(
                    _("The files of the library %(library)s are missing.") % {"library": library}
                )
                continue
            try:
                with transaction.atomic():
                    Library.objects.filter(pk=library.pk, content_hash="").update(content_hash=value)
            except IntegrityError:  # the same bytes were stored again as a copy of their own meanwhile
                self.stderr.write(
                    _("The library %(library)s has the same content as another copy; its hash is left empty.")
                    % {"library": library}
                )
                continue
            hashed += 1
        self.stdout.write(_("Content hashes computed for %(count)d H5P libraries.") % {"count": hashed})
