"""Safe upload of H5P packages: validate everything first, then store content and shared libraries.

`package_validate` reads the upload and writes nothing to storage: it checks the upload size before
opening the zip, every entry name, the real unpacked sizes (counted while reading, never taken from the
zip headers), h5p.json, content/content.json, every library folder and its library.json, the file type
whitelists and the dependencies. It collects every problem it can find and raises `PackageInvalid`; only
the size limits stop the reading at once. The accepted bytes wait in a temporary spool file.

`package_store` then writes the content and any library not in the store yet through Django's storage
API, and records the activity, its new version and the libraries in one transaction. Every folder it
writes is new and unique to this call, so when anything fails it deletes exactly what it wrote, and never
a file that another upload wrote or uses.

Decisions, following H5P core where it has an answer:
- Path segments starting with "." or "_" are skipped (not validated further, not stored), like H5P does
  (drops `__MACOSX/`, `.DS_Store`). Unsafe names (`..`, absolute, backslash, symlink) are refused first.
- Top-level files other than h5p.json are ignored, as H5P core ignores them (the real packages carry
  e.g. `H5P_CONTENT_HERE.txt`); they are listed in `ValidatedPackage.ignored`.
- Dependencies are the preloaded and dynamic ones, of h5p.json and of every library in the package,
  resolved transitively. Editor dependencies are not checked and editor-only libraries are not stored:
  there is no H5P editor here.
"""

import io
import json
import logging
import posixpath
import re
import stat
import tempfile
import uuid
import zipfile
import zlib
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, ProtectedError, Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.models import Page, ReferenceIndex, Revision

from .models import CONTENT_ROOT, Activity, ContentVersion, Library, Result, Statement

logger = logging.getLogger(__name__)

# H5P core's whitelists, as H5P writes them (svg and xml left the content list in 2024).
CONTENT_WHITELIST = (
    "json png jpg jpeg gif bmp tif tiff eot ttf woff woff2 otf webm mp4 ogg mp3 m4a wav txt pdf rtf doc docx "
    "xls xlsx ppt pptx odt ods odp csv diff patch swf md textile vtt webvtt gltf glb"
)
LIBRARY_WHITELIST_EXTRAS = "js css svg xml"
CONTENT_EXTENSIONS = frozenset(CONTENT_WHITELIST.split())
LIBRARY_EXTRA_EXTENSIONS = frozenset(LIBRARY_WHITELIST_EXTRAS.split())
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | LIBRARY_EXTRA_EXTENSIONS
# Refused in content/ with their own message: code that a browser would run.
SCRIPT_EXTENSIONS = frozenset(
    {"js", "mjs", "cjs", "html", "htm", "xhtml", "shtml", "php", "svg", "svgz", "xml"}
)

LIBRARY_FOLDER_RE = re.compile(r"^[\w0-9\-\.]{1,255}$", re.ASCII)
MACHINE_NAME_RE = re.compile(r"^[\w0-9\-\.]{1,127}$", re.ASCII)
LANGUAGE_RE = re.compile(r"^[-a-zA-Z]{1,10}$")
DRIVE_RE = re.compile(r"^[A-Za-z]:")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")

H5P_JSON_REQUIRED = ("title", "mainLibrary", "language", "preloadedDependencies", "embedTypes")
LIBRARY_JSON_REQUIRED = ("title", "machineName", "majorVersion", "minorVersion", "patchVersion", "runnable")
EMBED_TYPES = frozenset({"div", "iframe"})
MAX_VERSION = 32767  # PositiveSmallIntegerField

CHUNK_BYTES = 64 * 1024
# The compression ratio is only judged on entries larger than this: small files of repeated text
# legitimately compress very well, and the total limit bounds them anyway.
RATIO_FLOOR_BYTES = 1024 * 1024
SPOOL_MEMORY_BYTES = 8 * 1024 * 1024
MAX_REPORTED_ERRORS = 40

DEFAULT_LIMITS = {
    "H5P_MAX_UPLOAD_BYTES": 50 * 1024 * 1024,
    "H5P_MAX_TOTAL_BYTES": 200 * 1024 * 1024,
    "H5P_MAX_FILE_BYTES": 50 * 1024 * 1024,
    "H5P_MAX_ENTRIES": 2000,
    "H5P_MAX_RATIO": 100,
}

# One message per error code, so that a trainer can tell the problems apart (English msgids).
MESSAGES = {
    "empty": gettext_lazy("The file is empty."),
    "too_large": gettext_lazy("The file is %(size)s; an H5P package may be at most %(limit)s."),
    "not_zip": gettext_lazy(
        "The file is not an H5P package: an .h5p file is a zip archive, and this file is not one."
    ),
    "corrupt": gettext_lazy(
        "The package is damaged and “%(name)s” cannot be unpacked. Export it from H5P again."
    ),
    "encrypted": gettext_lazy("“%(name)s” is protected by a password; such packages are not accepted."),
    "too_many_entries": gettext_lazy(
        "The package holds %(count)s files and folders; at most %(limit)s are allowed."
    ),
    "file_too_large": gettext_lazy("Unpacked, “%(name)s” is larger than %(limit)s, the limit for one file."),
    "total_too_large": gettext_lazy(
        "Unpacked, the package is larger than %(limit)s, the limit for a package."
    ),
    "ratio": gettext_lazy(
        "“%(name)s” unpacks to more than %(ratio)s times its packed size: the package looks like a zip bomb."
    ),
    "duplicate_entry": gettext_lazy("“%(name)s” appears more than once in the package."),
    "zip_slip": gettext_lazy("“%(name)s” points outside the package (its path contains “..”)."),
    "absolute_path": gettext_lazy("“%(name)s” is an absolute path; every file must sit inside the package."),
    "backslash": gettext_lazy("“%(name)s” contains a backslash (\\); paths in a package use “/”."),
    "symlink": gettext_lazy("“%(name)s” is a symbolic link; links are not accepted in a package."),
    "bad_name": gettext_lazy(
        "“%(name)s” is not a valid file name (empty folder name or control characters)."
    ),
    "no_h5p_json": gettext_lazy(
        "The package has no h5p.json at its top level: it is not an H5P package, or it was zipped "
        "inside an extra folder."
    ),
    "no_content_json": gettext_lazy("The package has no content/content.json."),
    "bad_json": gettext_lazy("“%(name)s” is not a valid JSON object (error near line %(line)s)."),
    "missing_keys": gettext_lazy("h5p.json lacks required fields: %(keys)s."),
    "h5p_json": gettext_lazy("h5p.json has an invalid value in “%(key)s”."),
    "main_library": gettext_lazy(
        "The main library “%(name)s” named in h5p.json is not among its preloaded dependencies."
    ),
    "extension": gettext_lazy(
        "“%(name)s”: this type of file is not allowed in content/. Allowed types: %(allowed)s."
    ),
    "content_script": gettext_lazy(
        "“%(name)s”: scripts and web pages are not allowed in content/; only library folders may hold "
        "JavaScript."
    ),
    "library_extension": gettext_lazy("“%(name)s”: this type of file is not allowed in a library folder."),
    "library_folder": gettext_lazy(
        "“%(name)s” is not a valid library folder name (letters, digits, “.”, “-” and “_” only)."
    ),
    "no_library_json": gettext_lazy("The library folder “%(folder)s” has no library.json."),
    "library_json": gettext_lazy("library.json in “%(folder)s” has missing or invalid fields: %(keys)s."),
    "library_mismatch": gettext_lazy(
        "The library folder “%(folder)s” must be named “%(expected)s”, after its library.json."
    ),
    "library_file_missing": gettext_lazy(
        "The library %(library)s lists “%(path)s”, which is not in the package."
    ),
    "missing_dependency": gettext_lazy(
        "%(requirer)s needs the library %(library)s, which is neither in the package nor installed already."
    ),
    "more_errors": gettext_lazy("… and more problems of the same kinds."),
}


@dataclass(frozen=True)
class PackageError:
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def package_error(code: str, **params) -> PackageError:
    return PackageError(code=code, message=str(MESSAGES[code]) % params if params else str(MESSAGES[code]))


class PackageInvalid(Exception):
    """The package was refused; `errors` says why, one entry per problem."""

    def __init__(self, errors: list[PackageError]):
        self.errors = list(errors)
        super().__init__("; ".join(e.message for e in self.errors))

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors]


class ActivityInUse(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


LibKey = tuple[str, int, int]


def library_label(key: LibKey) -> str:
    return f"{key[0]} {key[1]}.{key[2]}"


@dataclass(frozen=True)
class SpooledFile:
    """One accepted entry: `path` inside the package, its bytes at `offset` in the spool."""

    path: str
    offset: int
    size: int


@dataclass
class PackageLibrary:
    folder: str
    key: LibKey
    metadata: dict
    files: list[SpooledFile] = field(default_factory=list)


@dataclass
class ValidatedPackage:
    """A package that passed every check, with its bytes in a temporary spool (not in storage)."""

    h5p_json: dict
    main_library: LibKey
    content_files: list[SpooledFile]
    libraries: dict[LibKey, PackageLibrary]
    original_filename: str
    ignored: list[str]
    _spool: tempfile.SpooledTemporaryFile

    @property
    def title(self) -> str:
        return str(self.h5p_json.get("title", ""))[:255]

    def open(self, item: SpooledFile) -> io.RawIOBase:
        return _SpoolSlice(self._spool, item.offset, item.size)

    def read(self, item: SpooledFile) -> bytes:
        self._spool.seek(item.offset)
        return self._spool.read(item.size)

    def close(self) -> None:
        self._spool.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _SpoolSlice(io.RawIOBase):
    """A read-only window on part of the spool, so files reach storage in chunks."""

    def __init__(self, spool, offset: int, size: int):
        self._spool, self._offset, self.size, self._pos = spool, offset, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, min(self.size, base + pos))
        return self._pos

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.size - self._pos)
        if count <= 0:
            return 0
        self._spool.seek(self._offset + self._pos)
        data = self._spool.read(count)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


class _StopReading(Exception):
    def __init__(self, error: PackageError):
        self.error = error


def _limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULT_LIMITS[name]))


def _upload_size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(position)
    return int(size)


def _extension(path: str) -> str:
    suffix = PurePosixPath(path).suffix
    return suffix[1:].lower() if suffix else ""


def _name_error(info: zipfile.ZipInfo) -> PackageError | None:
    """Why an entry name is unsafe, or None. Checked before the H5P skip rule, so nothing hides behind it."""
    name = info.filename
    if stat.S_ISLNK(info.external_attr >> 16):
        return package_error("symlink", name=name)
    if "\\" in name:
        return package_error("backslash", name=name)
    if name.startswith("/") or DRIVE_RE.match(name):
        return package_error("absolute_path", name=name)
    segments = name.rstrip("/").split("/")
    if ".." in segments:
        return package_error("zip_slip", name=name)
    if not name.strip("/") or "" in segments or CONTROL_RE.search(name):
        return package_error("bad_name", name=name)
    return None


def _skipped(name: str) -> bool:
    return any(segment.startswith((".", "_")) for segment in name.rstrip("/").split("/"))


def _parse_json(data: bytes, *, name: str) -> tuple[dict | None, PackageError | None]:
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except json.JSONDecodeError as exc:
        return None, package_error("bad_json", name=name, line=exc.lineno)
    except (UnicodeDecodeError, RecursionError, ValueError):
        return None, package_error("bad_json", name=name, line=1)
    if not isinstance(value, dict):
        return None, package_error("bad_json", name=name, line=1)
    return value, None


def _version(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
    else:
        return None
    return number if 0 <= number <= MAX_VERSION else None


def _dependency_key(value) -> LibKey | None:
    if not isinstance(value, dict):
        return None
    name = value.get("machineName")
    major, minor = _version(value.get("majorVersion")), _version(value.get("minorVersion"))
    if not isinstance(name, str) or not MACHINE_NAME_RE.match(name) or major is None or minor is None:
        return None
    return (name, major, minor)


def _dependency_list(value) -> list[LibKey] | None:
    """The keys of a dependency list, or None when the list is malformed. A missing list is empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        return None
    keys = [_dependency_key(item) for item in value]
    return None if any(k is None for k in keys) else keys


def _runtime_dependencies(metadata: dict) -> list[LibKey]:
    """What a library needs at run time (preloaded and dynamic dependencies; not the editor's)."""
    keys: list[LibKey] = []
    for name in ("preloadedDependencies", "dynamicDependencies"):
        keys.extend(_dependency_list(metadata.get(name)) or [])
    return keys


def _safe_relative(path) -> bool:
    if not isinstance(path, str) or not path or "\\" in path or path.startswith("/") or DRIVE_RE.match(path):
        return False
    return ".." not in path.split("/") and not CONTROL_RE.search(path)


# --- Validation --------------------------------------------------------------------------------------------


def package_validate(*, file) -> ValidatedPackage:
    """Check an uploaded .h5p (a Django UploadedFile or an open binary file) without writing to storage.

    Raises PackageInvalid with every problem found. The caller closes the returned package (or uses it
    as a context manager) once stored.
    """
    size = _upload_size(file)
    if size == 0:
        raise PackageInvalid([package_error("empty")])
    max_upload = _limit("H5P_MAX_UPLOAD_BYTES")
    if size > max_upload:
        raise PackageInvalid(
            [package_error("too_large", size=filesizeformat(size), limit=filesizeformat(max_upload))]
        )
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise PackageInvalid([package_error("not_zip")]) from None

    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115 — owned by the result
    try:
        with archive:
            validated = _validate_archive(archive, spool=spool, filename=getattr(file, "name", "") or "")
    except BaseException:
        spool.close()
        raise
    return validated


def _validate_archive(archive: zipfile.ZipFile, *, spool, filename: str) -> ValidatedPackage:
    infos = archive.infolist()
    max_entries = _limit("H5P_MAX_ENTRIES")
    if len(infos) > max_entries:
        raise PackageInvalid([package_error("too_many_entries", count=len(infos), limit=max_entries)])

    errors: list[PackageError] = []
    kept: list[zipfile.ZipInfo] = []
    ignored: list[str] = []
    seen: set[str] = set()
    bad_folders: set[str] = set()
    for info in infos:
        name = info.filename
        folded = name.casefold()
        if folded in seen:
            errors.append(package_error("duplicate_entry", name=name))
            continue
        seen.add(folded)
        if error := _name_error(info):
            errors.append(error)
            continue
        if _skipped(name) or info.is_dir():
            continue
        if info.flag_bits & 0x1:
            errors.append(package_error("encrypted", name=name))
            continue
        segments = name.split("/")
        if len(segments) == 1:
            if name == "h5p.json":
                kept.append(info)
            else:
                ignored.append(name)
            continue
        extension = _extension(name)
        if segments[0] == "content":
            if extension in SCRIPT_EXTENSIONS:
                errors.append(package_error("content_script", name=name))
            elif extension not in CONTENT_EXTENSIONS:
                errors.append(
                    package_error("extension", name=name, allowed=", ".join(sorted(CONTENT_EXTENSIONS)))
                )
            else:
                kept.append(info)
            continue
        folder = segments[0]
        if not LIBRARY_FOLDER_RE.match(folder):
            if folder not in bad_folders:
                bad_folders.add(folder)
                errors.append(package_error("library_folder", name=folder))
            continue
        if extension not in LIBRARY_EXTENSIONS:
            errors.append(package_error("library_extension", name=name))
            continue
        kept.append(info)

    try:
        files = _spool_entries(archive, kept, spool=spool)
    except _StopReading as stop:
        raise PackageInvalid([stop.error, *errors][:MAX_REPORTED_ERRORS]) from None

    validated = _check_structure(files, spool=spool, errors=errors)
    if errors:
        if len(errors) > MAX_REPORTED_ERRORS:
            errors = [*errors[:MAX_REPORTED_ERRORS], package_error("more_errors")]
        raise PackageInvalid(errors)
    assert validated is not None
    validated.original_filename = posixpath.basename(filename.replace("\\", "/"))[:255]
    validated.ignored = ignored
    return validated


def _spool_entries(archive: zipfile.ZipFile, kept: list[zipfile.ZipInfo], *, spool) -> dict[str, SpooledFile]:
    """Copy the accepted entries into the spool, counting the real bytes; stop at the first limit."""
    max_file, max_total = _limit("H5P_MAX_FILE_BYTES"), _limit("H5P_MAX_TOTAL_BYTES")
    max_ratio = _limit("H5P_MAX_RATIO")
    total = 0
    files: dict[str, SpooledFile] = {}
    for info in kept:
        offset = spool.tell()
        written = 0
        try:
            with archive.open(info) as source:
                while chunk := source.read(CHUNK_BYTES):
                    written += len(chunk)
                    total += len(chunk)
                    if written > max_file:
                        raise _StopReading(
                            package_error(
                                "file_too_large", name=info.filename, limit=filesizeformat(max_file)
                            )
                        )
                    if total > max_total:
                        raise _StopReading(package_error("total_too_large", limit=filesizeformat(max_total)))
                    if written > RATIO_FLOOR_BYTES and written > max_ratio * max(info.compress_size, 1):
                        raise _StopReading(package_error("ratio", name=info.filename, ratio=max_ratio))
                    spool.write(chunk)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ):
            raise _StopReading(package_error("corrupt", name=info.filename)) from None
        files[info.filename] = SpooledFile(path=info.filename, offset=offset, size=written)
    return files


def _read(spool, item: SpooledFile) -> bytes:
    spool.seek(item.offset)
    data = spool.read(item.size)
    spool.seek(0, io.SEEK_END)
    return data


def _check_structure(
    files: dict[str, SpooledFile], *, spool, errors: list[PackageError]
) -> ValidatedPackage | None:
    h5p_json: dict | None = None
    if "h5p.json" not in files:
        errors.append(package_error("no_h5p_json"))
    else:
        h5p_json, error = _parse_json(_read(spool, files["h5p.json"]), name="h5p.json")
        if error:
            errors.append(error)
    if "content/content.json" not in files:
        errors.append(package_error("no_content_json"))
    else:
        _content, error = _parse_json(
            _read(spool, files["content/content.json"]), name="content/content.json"
        )
        if error:
            errors.append(error)

    roots, main_key = _check_h5p_json(h5p_json, errors) if h5p_json is not None else ([], None)
    libraries = _check_libraries(files, spool=spool, errors=errors)

    if h5p_json is not None and roots is not None:
        needs = [("h5p.json", roots)]
        needs += [(library_label(key), _runtime_dependencies(lib.metadata)) for key, lib in libraries.items()]
        _closure(needs=needs, package_libraries=libraries, errors=errors)
    if h5p_json is None or main_key is None or errors:
        return None
    content_files = [
        item for path, item in files.items() if path == "h5p.json" or path.startswith("content/")
    ]
    return ValidatedPackage(
        h5p_json=h5p_json,
        main_library=main_key,
        content_files=content_files,
        libraries=libraries,
        original_filename="",
        ignored=[],
        _spool=spool,
    )


def _check_h5p_json(data: dict, errors: list[PackageError]) -> tuple[list[LibKey] | None, LibKey | None]:
    missing = [key for key in H5P_JSON_REQUIRED if key not in data]
    if missing:
        errors.append(package_error("missing_keys", keys=", ".join(missing)))
    title = data.get("title")
    if "title" in data and (not isinstance(title, str) or not title.strip() or len(title) > 255):
        errors.append(package_error("h5p_json", key="title"))
    language = data.get("language")
    if "language" in data and (not isinstance(language, str) or not LANGUAGE_RE.match(language)):
        errors.append(package_error("h5p_json", key="language"))
    embed = data.get("embedTypes")
    if "embedTypes" in data and (
        not isinstance(embed, list)
        or not embed
        or not all(isinstance(e, str) and e in EMBED_TYPES for e in embed)
    ):
        errors.append(package_error("h5p_json", key="embedTypes"))
    roots = _dependency_list(data.get("preloadedDependencies"))
    if "preloadedDependencies" in data and not roots:
        errors.append(package_error("h5p_json", key="preloadedDependencies"))
        roots = None
    main = data.get("mainLibrary")
    if "mainLibrary" in data and (not isinstance(main, str) or not MACHINE_NAME_RE.match(main)):
        errors.append(package_error("h5p_json", key="mainLibrary"))
        return roots, None
    if missing or roots is None:
        return roots, None
    main_key = next((key for key in roots if key[0] == main), None)
    if main_key is None:
        errors.append(package_error("main_library", name=main))
    return roots, main_key


def _check_libraries(
    files: dict[str, SpooledFile], *, spool, errors: list[PackageError]
) -> dict[LibKey, PackageLibrary]:
    folders: dict[str, list[SpooledFile]] = {}
    for path, item in files.items():
        top, _sep, rest = path.partition("/")
        if rest and top != "content":
            folders.setdefault(top, []).append(item)

    libraries: dict[LibKey, PackageLibrary] = {}
    for folder, items in folders.items():
        library_json = next((i for i in items if i.path == f"{folder}/library.json"), None)
        if library_json is None:
            errors.append(package_error("no_library_json", folder=folder))
            continue
        name = f"{folder}/library.json"
        metadata, error = _parse_json(_read(spool, library_json), name=name)
        if error:
            errors.append(error)
            continue
        invalid = _invalid_library_fields(metadata)
        if invalid:
            errors.append(package_error("library_json", folder=folder, keys=", ".join(invalid)))
            continue
        key = (
            metadata["machineName"],
            _version(metadata["majorVersion"]),
            _version(metadata["minorVersion"]),
        )
        expected = f"{key[0]}-{key[1]}.{key[2]}"
        if folder != expected:
            errors.append(package_error("library_mismatch", folder=folder, expected=expected))
            continue
        present = {item.path[len(folder) + 1 :] for item in items}
        for kind in ("preloadedJs", "preloadedCss"):
            for entry in metadata.get(kind) or []:
                path = entry.get("path")
                if path not in present:
                    errors.append(
                        package_error("library_file_missing", library=library_label(key), path=path)
                    )
        libraries[key] = PackageLibrary(folder=folder, key=key, metadata=metadata, files=items)
    return libraries


def _invalid_library_fields(metadata: dict) -> list[str]:
    invalid = [key for key in LIBRARY_JSON_REQUIRED if key not in metadata]
    title, name = metadata.get("title"), metadata.get("machineName")
    if "title" in metadata and (not isinstance(title, str) or not title.strip()):
        invalid.append("title")
    if "machineName" in metadata and (not isinstance(name, str) or not MACHINE_NAME_RE.match(name)):
        invalid.append("machineName")
    for key in ("majorVersion", "minorVersion", "patchVersion"):
        if key in metadata and _version(metadata[key]) is None:
            invalid.append(key)
    if "runnable" in metadata and metadata["runnable"] not in (0, 1, True, False):
        invalid.append("runnable")
    for key in ("preloadedJs", "preloadedCss"):
        value = metadata.get(key)
        if value is not None and not (
            isinstance(value, list)
            and all(isinstance(item, dict) and _safe_relative(item.get("path")) for item in value)
        ):
            invalid.append(key)
    for key in ("preloadedDependencies", "dynamicDependencies"):
        if _dependency_list(metadata.get(key)) is None:
            invalid.append(key)
    return list(dict.fromkeys(invalid))


def _closure(
    *,
    needs: list[tuple[str, list[LibKey]]],
    package_libraries: dict[LibKey, PackageLibrary],
    errors: list[PackageError],
) -> list[LibKey]:
    """Check every dependency, and return what the content needs (the closure of the first `needs`),
    each library from the store when it is there (the stored copy wins), else from the package."""
    store: dict[LibKey, Library | None] = {}

    def stored(key: LibKey) -> Library | None:
        if key not in store:
            store[key] = Library.objects.filter(
                machine_name=key[0], major_version=key[1], minor_version=key[2]
            ).first()
        return store[key]

    def dependencies_of(key: LibKey) -> list[LibKey] | None:
        library = stored(key)
        if library is not None:
            return _runtime_dependencies(library.metadata or {})
        if key in package_libraries:
            return _runtime_dependencies(package_libraries[key].metadata)
        return None

    reported: set[tuple[str, LibKey]] = set()

    def report(requirer: str, key: LibKey) -> None:
        if (requirer, key) not in reported:
            reported.add((requirer, key))
            errors.append(package_error("missing_dependency", requirer=requirer, library=library_label(key)))

    for requirer, keys in needs[1:]:
        for key in keys:
            if dependencies_of(key) is None:
                report(requirer, key)

    needed: list[LibKey] = []
    queue = deque((needs[0][0], key) for key in needs[0][1])
    while queue:
        requirer, key = queue.popleft()
        if key in needed:
            continue
        deps = dependencies_of(key)
        if deps is None:
            report(requirer, key)
            continue
        needed.append(key)
        queue.extend((library_label(key), dep) for dep in deps)
    return needed


# --- Storage -----------------------------------------------------------------------------------------------


def package_store(
    *, validated: ValidatedPackage, user, activity: Activity | None = None, title: str = ""
) -> ContentVersion:
    """Store a validated package as a new activity, or as the next version of `activity`.

    Content goes to `h5p/content/<random>/` (h5p.json at its root, content/… below it). Each library the
    content needs is written only when no Library row exists for its machine name and major.minor version:
    libraries are shared by all packages and the first stored copy wins, even if a later package brings a
    newer patch version. Earlier versions, their files and every result and statement stay as they are.

    The unique constraint on Library decides who writes a new library: this call inserts the row first
    (a concurrent upload of the same library waits on it, then uses the committed row or, after a
    rollback, inserts its own), and writes the files to a folder unique to this call
    (`h5p/libraries/<Machine>-<major>.<minor>/<random>/`, kept in `Library.storage_prefix`). Files are
    written inside the transaction before it commits; if anything fails, the files written here are
    deleted and the exception re-raised. No other upload can have used them: the rows pointing at them
    were never committed. A caller that runs this inside its own transaction must clean up after its
    own rollback: `package_files_discard(prefixes=stored_prefixes(version=…))`.
    """
    storage = default_storage
    written: list[str] = []
    try:
        with transaction.atomic():
            version = _store(validated=validated, user=user, activity=activity, title=title, written=written)
    except BaseException:
        # Only files of folders created by this call, whose rows were just rolled back.
        for name in reversed(written):
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001 — cleaning up after a failure must not hide the failure
                logger.exception("Could not delete %s after a failed H5P upload", name)
        raise
    return version


def _store(*, validated: ValidatedPackage, user, activity: Activity | None, title: str, written: list[str]):
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
    if errors:  # a library disappeared from the store since validation
        raise PackageInvalid(errors)

    libraries: dict[LibKey, Library] = {}
    for key in needed:
        metadata = validated.libraries[key].metadata if key in validated.libraries else {}
        library, created = Library.objects.get_or_create(
            machine_name=key[0],
            major_version=key[1],
            minor_version=key[2],
            defaults={
                "patch_version": _version(metadata.get("patchVersion")) or 0,
                "title": str(metadata.get("title", ""))[:255],
                "runnable": bool(metadata.get("runnable")),
                "metadata": metadata,
            },
        )
        if created:
            package_library = validated.libraries[key]
            for item in package_library.files:
                relative = item.path[len(package_library.folder) + 1 :]
                _save(validated, item, f"{library.storage_prefix}{relative}", written=written)
        libraries[key] = library

    prefix = f"{CONTENT_ROOT}/{uuid.uuid4().hex}/"
    for item in validated.content_files:
        _save(validated, item, f"{prefix}{item.path}", written=written)

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
    )
    version.full_clean(exclude=["libraries"])
    version.save()
    version.libraries.set(libraries.values())
    activity.current_version = version
    activity.full_clean()
    activity.save()
    return version


def _save(validated: ValidatedPackage, item: SpooledFile, name: str, *, written: list[str]) -> None:
    """Write one file into a folder that is new and unique to this upload (so it cannot exist yet)."""
    storage = default_storage
    saved = storage.save(name, File(validated.open(item), name=posixpath.basename(name)))
    written.append(saved)
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


# --- Deleting ----------------------------------------------------------------------------------------------


MAX_NAMED_USERS = 5


def activity_in_use_reason(*, activity: Activity) -> str | None:
    """Why an activity may not be deleted, in words, or None when it may."""
    if (
        Statement.objects.filter(activity=activity).exists()
        or Result.objects.filter(activity=activity).exists()
    ):
        return _(
            "“%(title)s” cannot be deleted: learners have results for it, and results are kept. "
            "Upload a new version instead, or leave it out of the lessons."
        ) % {"title": activity.title}
    users = _users_of(activity)
    if users:
        shown = ", ".join(users[:MAX_NAMED_USERS])
        if len(users) > MAX_NAMED_USERS:
            more = len(users) - MAX_NAMED_USERS
            shown += " " + ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
        return ngettext(
            "“%(title)s” cannot be deleted: %(pages)s uses it. Remove it from that page first.",
            "“%(title)s” cannot be deleted: %(pages)s use it. Remove it from those pages first.",
            len(users),
        ) % {"title": activity.title, "pages": shown}
    return None


def _users_of(activity: Activity) -> list[str]:
    """The pages (or other objects) that use an activity, named for a person: in their saved content, which
    Wagtail's reference index covers, and in a newer draft or a scheduled revision, which it does not
    (a draft lives only in its revision until it is published). Drafts are read only on this rare path."""
    names, pages = [], set()
    for source, _refs in ReferenceIndex.get_references_to(activity).group_by_source_object():
        names.append(f"“{source}”")
        if isinstance(source, Page):
            pages.add(str(source.pk))
    candidates = (
        Revision.page_revisions.filter(
            Q(pk__in=Page.objects.filter(has_unpublished_changes=True).values("latest_revision"))
            | Q(approved_go_live_at__isnull=False)
        )
        .exclude(object_id__in=pages)
        .order_by("object_id", "-created_at")
    )
    for revision in candidates:
        if revision.object_id in pages:
            continue
        draft = revision.as_object()
        if _references(draft, activity):
            pages.add(revision.object_id)
            names.append(_("“%(page)s” (draft)") % {"page": draft.title})
    return names


def _references(instance, activity: Activity) -> bool:
    """Whether a model instance (a page revision's content, say) chooses `activity` in one of its fields
    (StreamField blocks, rich text), by the fields' own `extract_references`."""
    target = str(activity.pk)
    for model_field in instance._meta.get_fields():
        if not hasattr(model_field, "extract_references"):
            continue
        value = model_field.value_from_object(instance)
        if value is None:
            continue
        for model, object_id, _model_path, _content_path in model_field.extract_references(value):
            if issubclass(model, Activity) and str(object_id) == target:
                return True
    return False


def activity_delete(*, activity: Activity) -> None:
    """Delete an activity nobody has used, its versions and (after the commit) their content files.
    Shared libraries stay. Raises ActivityInUse when learners' results or pages depend on it."""
    reason = activity_in_use_reason(activity=activity)
    if reason:
        raise ActivityInUse(reason)
    prefixes = list(activity.versions.values_list("storage_prefix", flat=True))
    try:
        with transaction.atomic():
            Activity.objects.filter(pk=activity.pk).update(current_version=None)
            Activity.objects.filter(pk=activity.pk).delete()
            transaction.on_commit(lambda: _delete_folders(prefixes))
    except ProtectedError:
        raise ActivityInUse(
            _("“%(title)s” cannot be deleted: learners have results for it.") % {"title": activity.title}
        ) from None


def _delete_folders(prefixes: list[str]) -> None:
    for prefix in prefixes:
        try:
            _delete_tree(prefix.rstrip("/"))
        except Exception:  # noqa: BLE001 — the rows are gone already; leftover files are only logged
            logger.exception("Could not delete the H5P files under %s", prefix)


def _delete_tree(folder: str) -> None:
    storage = default_storage
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        storage.delete(f"{folder}/{name}")
    for name in directories:
        _delete_tree(f"{folder}/{name}")
