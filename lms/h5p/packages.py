"""H5P packages: the public names of validation and storage.

Validation is in validation.py (`package_validate`), storing in storage.py (`package_store`), the shared
libraries' rules in libraries.py, the refusals in package_errors.py. This module keeps their public names
importable from one place. Whether an activity may be deleted is a read (`selectors.activity_in_use_reason`),
deleting it a service (`services.activity_delete`).
"""

from .package_errors import MESSAGES, ActivityInUse, PackageError, PackageInvalid, package_error
from .spool import ValidatedPackage
from .storage import package_files_discard, package_store, stored_prefixes
from .validation import package_validate

__all__ = [
    "MESSAGES",
    "ActivityInUse",
    "PackageError",
    "PackageInvalid",
    "ValidatedPackage",
    "package_error",
    "package_files_discard",
    "package_store",
    "package_validate",
    "stored_prefixes",
]
