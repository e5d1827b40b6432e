"""A ZIP written while it is sent: zipfile writes into a sink that the response drains after each piece,
so only the piece being written is in memory (zipfile writes data descriptors on an unseekable stream)."""

import io
import zipfile
from collections.abc import Iterable, Iterator


class _Sink(io.RawIOBase):
    def __init__(self):
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def zip_stream(files: Iterable) -> Iterator[bytes]:
    """Yield the bytes of a ZIP of `files` (objects with `name` and `chunks`, an iterable of bytes)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            info = zipfile.ZipInfo(file.name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, mode="w") as member:
                for chunk in file.chunks:
                    member.write(chunk)
                    if data := sink.drain():
                        yield data
            if data := sink.drain():
                yield data
    if data := sink.drain():
        yield data
