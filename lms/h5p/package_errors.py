"""Why an H5P package is refused: one code and one translated message per kind of problem."""

from dataclasses import dataclass

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
