"""Private files: uploads that only views checking permission may serve.

`MEDIA_ROOT` holds what the web server may hand out to anyone (Wagtail images and documents); everything
else uploaded — staged import files full of personal data, H5P packages — lives in the storage alias
`STORAGES["private"]`, a folder `PRIVATE_MEDIA_ROOT` outside `MEDIA_ROOT` with no URL at all: its files
reach a browser only through views that decide who may read them (lms/h5p/views.py for H5P, nothing for
staged imports). A system check refuses a private root inside the public one (or the other way round).
"""

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property

PRIVATE = "private"


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage at `PRIVATE_MEDIA_ROOT` (followed when a test changes the setting) without URLs."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError(f"{name!r} is a private file: it has no public URL; serve it through a view.")


def private_storage():
    """The private storage (looked up on each call, so tests and settings changes are followed)."""
    return storages[PRIVATE]


def _inside(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


@checks.register(checks.Tags.security, deploy=False)
def check_private_root(app_configs=None, **kwargs):
    errors = []
    if PRIVATE not in settings.STORAGES:
        return [checks.Error('STORAGES has no "private" storage.', id="lms.E101")]
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, name, None)
        if public and (_inside(private, Path(public).resolve()) or _inside(Path(public).resolve(), private)):
            errors.append(
                checks.Error(
                    f"PRIVATE_MEDIA_ROOT ({private}) must lie outside {name} ({public}): the web server "
                    f"serves {name} to anyone.",
                    id="lms.E102",
                )
            )
    return errors
