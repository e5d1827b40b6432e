"""The ZIP is written while it is sent: each file is read only when its turn comes."""

import io
import zipfile
from dataclasses import dataclass

from lms.privacy.zipstream import zip_stream


@dataclass
class File:
    name: str
    chunks: object


def test_the_zip_is_sent_file_by_file_and_reads_back_whole():
    pulled = []

    def chunks(name, n):
        pulled.append(name)
        for i in range(n):
            yield f"{name}-{i};".encode() * 100

    stream = zip_stream([File("a.json", chunks("a", 3)), File("b/c.json", chunks("b", 2))])
    first = next(stream)

    assert first.startswith(b"PK")
    assert pulled == ["a"]  # the second file is not read yet
    archive = zipfile.ZipFile(io.BytesIO(first + b"".join(stream)))
    assert archive.namelist() == ["a.json", "b/c.json"]
    assert archive.read("b/c.json") == b"b-0;" * 100 + b"b-1;" * 100
