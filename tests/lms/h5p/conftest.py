"""The real H5P package and hostile variants of it, built in memory."""

import io
import stat
import warnings
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.people import roles
from lms.people.services import roles_sync
from tests.builders import UserFactory

LIBRARY_FOLDERS = (
    "H5P.TrueFalse-1.6",
    "FontAwesome-4.5",
    "H5P.FontIcons-1.0",
    "H5P.JoubelUI-1.3",
    "H5P.Transition-1.0",
    "Drop-1.0",
    "Tether-1.0",
    "H5P.Question-1.4",
)


def rebuild(
    original: bytes,
    *,
    keep: Callable[[str], bool] = lambda name: True,
    replace: dict[str, bytes] | None = None,
    add: Iterable[tuple[str | zipfile.ZipInfo, bytes]] = (),
) -> bytes:
    """A copy of a package: entries filtered by `keep`, some replaced, some added (names as given)."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if not keep(info.filename):
                continue
            data = replace.get(info.filename)
            target.writestr(info, source.read(info) if data is None else data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Duplicate name" is the point of some variants
            for name, data in add:
                target.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def symlink_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def upload(data: bytes, name: str = "bai-tap.h5p") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def media_files(root) -> set[str]:
    root = Path(root)
    if not root.exists():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


# People of the H5P admin pages (activities, libraries, media hosts): the role groups, a trainer, an
# administrator (tests.builders.client_for signs them in).


@pytest.fixture
def groups():
    return roles_sync()


@pytest.fixture
def trainer(groups):
    user = UserFactory(username="giangvien_h5p")
    user.groups.add(groups[roles.TRAINER])
    return user


@pytest.fixture
def administrator(groups):
    user = UserFactory(username="quantri_h5p")
    user.groups.add(groups[roles.ADMINISTRATOR])
    return user
