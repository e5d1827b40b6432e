"""Why an H5P package is refused: one code and one translated message per kind of problem.

A refusal is shown as `PackageInvalid.summary`: each kind of problem once, with its count and a few examples
when it occurs more than once ("18 tệp trùng tên, ví dụ …"), instead of one line per file.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    "library_unapproved": gettext_lazy(
        "%(requirer)s needs the library %(library)s, which is installed but not approved by an administrator "
        "yet: include the library in the package, or ask an administrator to approve it."
    ),
    "path_too_long": gettext_lazy(
        "“%(name)s”: the file name or path is too long to be stored (at most %(name_limit)s bytes for a file "
        "or folder name and %(limit)s for the whole path). Shorten the names and export again."
    ),
}

# The same kinds of problem, said once for many: %(count)s (always 2 or more) and %(examples)s, plus the
# other parameters of the first one. The key is the parameter that names the file, folder or library.
GROUPED = {
    "duplicate_entry": (
        "name",
        gettext_lazy(
            "%(count)s files appear more than once in the package (names differing only in case count as "
            "the same), for example %(examples)s."
        ),
    ),
    "zip_slip": (
        "name",
        gettext_lazy(
            "%(count)s files point outside the package (their paths contain “..”), for example %(examples)s."
        ),
    ),
    "absolute_path": (
        "name",
        gettext_lazy(
            "%(count)s files have absolute paths, for example %(examples)s; every file must sit inside the "
            "package."
        ),
    ),
    "backslash": (
        "name",
        gettext_lazy(
            "%(count)s paths contain a backslash (\\), for example %(examples)s; paths in a package use “/”."
        ),
    ),
    "symlink": (
        "name",
        gettext_lazy(
            "%(count)s entries are symbolic links, for example %(examples)s; links are not accepted in a "
            "package."
        ),
    ),
    "bad_name": (
        "name",
        gettext_lazy(
            "%(count)s names are not valid file names (empty folder name or control characters), for "
            "example %(examples)s."
        ),
    ),
    "encrypted": (
        "name",
        gettext_lazy(
            "%(count)s files are protected by a password, for example %(examples)s; such packages are not "
            "accepted."
        ),
    ),
    "bad_json": (
        "name",
        gettext_lazy("%(count)s files are not valid JSON objects, for example %(examples)s."),
    ),
    "extension": (
        "name",
        gettext_lazy(
            "%(count)s files in content/ are of types that are not allowed, for example %(examples)s. "
            "Allowed types: %(allowed)s."
        ),
    ),
    "content_script": (
        "name",
        gettext_lazy(
            "%(count)s scripts or web pages are in content/, for example %(examples)s; only library folders "
            "may hold JavaScript."
        ),
    ),
    "library_extension": (
        "name",
        gettext_lazy(
            "%(count)s files in library folders are of types that are not allowed, for example %(examples)s."
        ),
    ),
    "library_folder": (
        "name",
        gettext_lazy(
            "%(count)s folder names are not valid library folder names (letters, digits, “.”, “-” and “_” "
            "only), for example %(examples)s."
        ),
    ),
    "no_library_json": (
        "folder",
        gettext_lazy("%(count)s library folders have no library.json, for example %(examples)s."),
    ),
    "library_json": (
        "folder",
        gettext_lazy(
            "%(count)s library folders have a library.json with missing or invalid fields, for example "
            "%(examples)s."
        ),
    ),
    "library_mismatch": (
        "folder",
        gettext_lazy(
            "%(count)s library folders are not named after their library.json, for example %(examples)s."
        ),
    ),
    "library_file_missing": (
        "path",
        gettext_lazy(
            "%(count)s files that the libraries list are not in the package, for example %(examples)s."
        ),
    ),
    "missing_dependency": (
        "library",
        gettext_lazy(
            "%(count)s needed libraries are neither in the package nor installed already, for example "
            "%(examples)s."
        ),
    ),
    "library_unapproved": (
        "library",
        gettext_lazy(
            "%(count)s needed libraries are installed but not approved by an administrator yet, for example "
            "%(examples)s: include them in the package, or ask an administrator to approve them."
        ),
    ),
    "path_too_long": (
        "name",
        gettext_lazy(
            "%(count)s file names or paths are too long to be stored (at most %(name_limit)s bytes for a "
            "file or folder name and %(limit)s for the whole path), for example %(examples)s. Shorten the "
            "names and export again."
        ),
    ),
    "h5p_json": ("key", gettext_lazy("h5p.json has %(count)s invalid values: %(examples)s.")),
}
UNQUOTED = frozenset({"library"})  # library labels ("H5P.Drop 1.0") are shown as they are
MAX_EXAMPLES = 3


@dataclass(frozen=True)
class PackageError:
    code: str
    message: str
    params: tuple = ()  # the message's parameters, as (name, value) pairs

    def __str__(self) -> str:
        return self.message


def package_error(code: str, **params) -> PackageError:
    return PackageError(
        code=code,
        message=str(MESSAGES[code]) % params if params else str(MESSAGES[code]),
        params=tuple(params.items()),
    )


def _grouped_line(code: str, errors: list[PackageError]) -> list[str]:
    if len(errors) == 1 or code not in GROUPED:
        return list(dict.fromkeys(error.message for error in errors))
    key, message = GROUPED[code]
    subjects = list(dict.fromkeys(str(dict(error.params).get(key, "")) for error in errors))
    shown = [s if key in UNQUOTED else f"“{s}”" for s in subjects[:MAX_EXAMPLES]]
    examples = ", ".join(shown) + (", …" if len(subjects) > MAX_EXAMPLES else "")
    return [str(message) % {**dict(errors[0].params), "count": len(errors), "examples": examples}]


def summarize(errors: list[PackageError]) -> list[str]:
    """Each kind of problem once, in the order first met: its message, or, when it occurs more than once,
    how many times with a few examples."""
    by_code: dict[str, list[PackageError]] = {}
    for error in errors:
        by_code.setdefault(error.code, []).append(error)
    return [line for code, group in by_code.items() for line in _grouped_line(code, group)]


class PackageInvalid(Exception):
    """The package was refused; `errors` says why, one entry per problem."""

    def __init__(self, errors: list[PackageError]):
        self.errors = list(errors)
        super().__init__("; ".join(e.message for e in self.errors))

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors]

    @property
    def summary(self) -> list[str]:
        """What to show the person: each reason once, with a count when it occurs more than once."""
        return summarize(self.errors) or [_("The package was refused.")]


class ActivityInUse(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
