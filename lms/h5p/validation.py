"""Validation of H5P packages: everything is checked before anything is stored (storage.py stores).

`package_validate` reads the upload and writes nothing to storage: it checks the upload size before
opening the zip, every entry name, the length of the path each file will have in storage, the real
unpacked sizes (counted while reading, never taken from the zip headers), h5p.json, content/content.json,
every library folder and its library.json, the file type whitelists and the dependencies. It collects
every problem it can find and raises `PackageInvalid` (whose `summary` says each kind of problem once, with
its count); only the size limits stop the reading at once. The
accepted bytes wait in a temporary spool file, and each library's content hash is computed there.

Decisions, following H5P core where it has an answer:
- Path segments starting with "." or "_" are skipped (not validated further, not stored), like H5P does
  (drops `__MACOSX/`, `.DS_Store`). Unsafe names (`..`, absolute, backslash, symlink) are refused first.
- Top-level files other than h5p.json are ignored, as H5P core ignores them (the real packages carry
  e.g. `H5P_CONTENT_HERE.txt`); they are listed in `ValidatedPackage.ignored`.
- Dependencies are the preloaded and dynamic ones, of h5p.json and of every library in the package,
  resolved transitively. Editor dependencies are not checked and editor-only libraries are not stored:
  there is no H5P editor here.
"""

import hashlib
import io
import json
import posixpath
import re
import stat
import tempfile
import zipfile
import zlib
from collections import deque
from pathlib import PurePosixPath

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from .external_media import external_media_urls
from .libraries import approved_library, content_hash, library_exists
from .models import CONTENT_ROOT, LIBRARIES_ROOT, RANDOM_PART_LENGTH, Library
from .package_errors import PackageError, PackageInvalid, package_error
from .spool import LibKey, PackageLibrary, SpooledFile, ValidatedPackage, library_label

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

# The longest stored name a file may get, its folder included (counted in UTF-8 bytes, as the file system
# counts): 255 for one file or folder name (ext4, XFS, btrfs; NTFS counts 255 characters), 1024 for the
# whole name inside the storage (S3's key limit, and far below Linux's PATH_MAX of 4096 with any sensible
# PRIVATE_MEDIA_ROOT). The player's file views refuse longer paths anyway (views._safe_path).
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 1024
_RANDOM_PART = "0" * RANDOM_PART_LENGTH
_PREFIX_MAX_LENGTH = Library._meta.get_field("storage_prefix").max_length

CHUNK_BYTES = 64 * 1024
# The compression ratio is only judged on entries larger than this: small files of repeated text
# legitimately compress very well, and the total limit bounds them anyway.
RATIO_FLOOR_BYTES = 1024 * 1024
SPOOL_MEMORY_BYTES = 8 * 1024 * 1024

DEFAULT_LIMITS = {
    "H5P_MAX_UPLOAD_BYTES": 50 * 1024 * 1024,
    "H5P_MAX_TOTAL_BYTES": 200 * 1024 * 1024,
    "H5P_MAX_FILE_BYTES": 50 * 1024 * 1024,
    "H5P_MAX_ENTRIES": 2000,
    "H5P_MAX_RATIO": 100,
}


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


def _longest_stored_name(path: str) -> tuple[str, str]:
    """The folder and the name a package file will have in storage, with the longest random part."""
    if path == "h5p.json" or path.startswith("content/"):
        return f"{CONTENT_ROOT}/{_RANDOM_PART}/", path
    folder, _sep, rest = path.partition("/")
    return f"{LIBRARIES_ROOT}/{folder}/{_RANDOM_PART}/", rest


def _path_error(path: str) -> PackageError | None:
    """Why a file would not fit in storage: a name longer than the file system allows, a whole path longer
    than the storage allows, or a folder longer than the database column that records it."""
    prefix, rest = _longest_stored_name(path)
    stored = prefix + rest
    too_long = (
        len(stored.encode("utf-8")) > MAX_PATH_BYTES
        or any(len(part.encode("utf-8")) > MAX_NAME_BYTES for part in stored.split("/"))
        or len(prefix) > _PREFIX_MAX_LENGTH
    )
    if not too_long:
        return None
    shown = path if len(path) <= 80 else f"{path[:40]}…{path[-30:]}"
    return package_error("path_too_long", name=shown, name_limit=MAX_NAME_BYTES, limit=MAX_PATH_BYTES)


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

    fitting = []
    for info in kept:
        if error := _path_error(info.filename):
            errors.append(error)
        else:
            fitting.append(info)
    kept = fitting

    try:
        files = _spool_entries(archive, kept, spool=spool)
    except _StopReading as stop:
        raise PackageInvalid([stop.error, *errors]) from None

    validated = _check_structure(files, spool=spool, errors=errors)
    if errors:  # all of them: PackageInvalid.summary says each kind once, with its count
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
    external_media: list[str] = []
    if "h5p.json" not in files:
        errors.append(package_error("no_h5p_json"))
    else:
        h5p_json, error = _parse_json(_read(spool, files["h5p.json"]), name="h5p.json")
        if error:
            errors.append(error)
    if "content/content.json" not in files:
        errors.append(package_error("no_content_json"))
    else:
        content, error = _parse_json(_read(spool, files["content/content.json"]), name="content/content.json")
        if error:
            errors.append(error)
        external_media = external_media_urls(content)

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
        external_media=external_media,
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
        libraries[key] = PackageLibrary(
            folder=folder, key=key, metadata=metadata, files=items, content_hash=_hash(folder, items, spool)
        )
    return libraries


def _hash(folder: str, items: list[SpooledFile], spool) -> str:
    """The library's content hash (libraries.content_hash) over its files as they will be stored."""
    digests = []
    for item in items:
        digest = hashlib.sha256()
        spool.seek(item.offset)
        remaining = item.size
        while remaining > 0:
            chunk = spool.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            digest.update(chunk)
            remaining -= len(chunk)
        digests.append((item.path[len(folder) + 1 :], digest.hexdigest()))
    spool.seek(0, io.SEEK_END)
    return content_hash(digests)


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
    """Check every dependency, and return what the content needs (the closure of the first `needs`).

    A library the package brings is its own copy (storage.py stores it, or reuses a stored row with the
    same content hash); a library it does not bring must be in the store *and approved* (a copy another
    package brought, not reviewed yet, serves only that package)."""
    store: dict[LibKey, Library | None] = {}

    def approved(key: LibKey) -> Library | None:
        if key not in store:
            store[key] = approved_library(key)
        return store[key]

    def dependencies_of(key: LibKey) -> list[LibKey] | None:
        if key in package_libraries:
            return _runtime_dependencies(package_libraries[key].metadata)
        library = approved(key)
        if library is not None:
            return _runtime_dependencies(library.metadata or {})
        return None

    reported: set[tuple[str, LibKey]] = set()

    def report(requirer: str, key: LibKey) -> None:
        if (requirer, key) not in reported:
            reported.add((requirer, key))
            code = "library_unapproved" if library_exists(key) else "missing_dependency"
            errors.append(package_error(code, requirer=requirer, library=library_label(key)))

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
