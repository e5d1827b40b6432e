"""A validated H5P package: its parsed metadata and its accepted files, waiting in a temporary spool."""

import io
import tempfile
from dataclasses import dataclass, field

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
    content_hash: str = ""


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
    # http(s) addresses content.json makes the player load from other sites (external_media.py).
    external_media: list[str] = field(default_factory=list)

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
