"""Sending one H5P file: byte ranges for media, compression for text, the CORS preflight, cache headers.

Byte ranges (RFC 9110 §14): a single `bytes=` range is answered 206 with `Content-Range`; a malformed
range, a unit other than bytes, or a range that starts past the end is answered 416 with
`Content-Range: bytes */<size>`; several ranges in one header are answered with the whole file (200),
which RFC 9110 allows and every media player handles. Files never change under their names (every stored
folder is new and unique: storage.py), so no If-Range or ETag is needed.

Text files (scripts, styles, JSON, SVG, XML) and uncompressed fonts (TTF, OTF, EOT) go out brotli- or
gzip-compressed when the browser accepts it and asks for no range; the compressed bytes of recent files
are kept in memory.
"""

import gzip
import re
import threading
from collections import OrderedDict

import brotli
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers

CHUNK_BYTES = 64 * 1024
COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/xml",
    "image/svg+xml",
    "model/gltf+json",
    "font/ttf",  # woff and woff2 are compressed already
    "font/otf",
    "application/vnd.ms-fontobject",
)
MAX_COMPRESS_BYTES = 4 * 1024 * 1024
MEMORY_CACHE_BYTES = 32 * 1024 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    # H5P's sound library (SoundJS) and media players ask for these; nothing else is accepted.
    "Access-Control-Allow-Headers": "Range, X-Requested-With",
    "Access-Control-Max-Age": "86400",
}
EXPOSED_HEADERS = "Accept-Ranges, Content-Range, Content-Length, Content-Encoding"


class RangeNotSatisfiable(Exception):
    pass


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte asked for, None for the whole file, or RangeNotSatisfiable."""
    header = header.strip()
    if not header:
        return None
    if "," in header:
        if not header.startswith("bytes=") or not all(
            _RANGE.match("bytes=" + part.strip()) for part in header[6:].split(",")
        ):
            raise RangeNotSatisfiable
        return None  # several ranges: the whole file
    match = _RANGE.match(header)
    if match is None:
        raise RangeNotSatisfiable
    first, last = match.group(1), match.group(2)
    if not first and not last:
        raise RangeNotSatisfiable
    if not first:  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(size - length, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        raise RangeNotSatisfiable
    return start, min(end, size - 1)


def _chunks(handle, start: int, length: int):
    try:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK_BYTES, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def _encoding(request) -> str:
    header = request.headers.get("Accept-Encoding", "")
    accepted = {part.split(";")[0].strip().lower() for part in header.split(",")}
    if "br" in accepted:
        return "br"
    if "gzip" in accepted:
        return "gzip"
    return ""


_cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_cache_lock = threading.Lock()


def _compressed(key: str, encoding: str, handle) -> bytes:
    """The file's bytes compressed, from memory when they were compressed lately (least recently used
    out first, up to MEMORY_CACHE_BYTES)."""
    with _cache_lock:
        body = _cache.get((key, encoding))
        if body is not None:
            _cache.move_to_end((key, encoding))
    if body is None:
        data = handle.read()
        body = brotli.compress(data, quality=9) if encoding == "br" else gzip.compress(data, 9, mtime=0)
        with _cache_lock:
            _cache[(key, encoding)] = body
            while sum(len(value) for value in _cache.values()) > MEMORY_CACHE_BYTES:
                _cache.popitem(last=False)
    handle.close()
    return body


def compressible(content_type: str) -> bool:
    return content_type.startswith(COMPRESSIBLE)


def file_response(request, *, opener, key: str, content_type: str, headers: dict) -> HttpResponse:
    """The response for one file. `opener()` opens it for binary reading (OSError: 404); `key` names its
    bytes for ever (a storage name in a unique folder, or a path and a build hash) for the memory cache."""
    if request.method == "OPTIONS":
        return preflight()
    try:
        handle = opener()
    except OSError as error:  # missing, a folder, unreadable: the same 404 for all
        raise Http404("No such file.") from error
    size = _size(handle)
    try:
        asked = byte_range(request.headers.get("Range", ""), size)
    except RangeNotSatisfiable:
        handle.close()
        response = HttpResponse(status=416, content_type="text/plain")
        response["Content-Range"] = f"bytes */{size}"
        return _finish(response, headers)
    encoding = "" if asked or "Range" in request.headers else _encoding(request)
    if encoding and compressible(content_type) and 0 < size <= MAX_COMPRESS_BYTES:
        body = _compressed(key, encoding, handle)
        response = HttpResponse(body if request.method != "HEAD" else b"", content_type=content_type)
        response["Content-Length"] = str(len(body))
        response["Content-Encoding"] = encoding
        patch_vary_headers(response, ("Accept-Encoding",))
        return _finish(response, headers)
    if asked is None:
        response = FileResponse(handle, content_type=content_type)
        if compressible(content_type):
            patch_vary_headers(response, ("Accept-Encoding",))
        return _finish(response, headers)
    start, end = asked
    chunks = _chunks(handle, start, end - start + 1)
    response = StreamingHttpResponse(chunks, status=206, content_type=content_type)
    response["Content-Length"] = str(end - start + 1)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return _finish(response, headers)


def _size(handle) -> int:
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    return size


def _finish(response: HttpResponse, headers: dict) -> HttpResponse:
    response["Accept-Ranges"] = "bytes"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    for header, value in headers.items():
        response[header] = value
    return response


def preflight() -> HttpResponse:
    """The answer to a CORS preflight: GET with a Range header from any origin, no credentials. It
    reveals nothing (no file is looked up), so it needs no grant."""
    response = HttpResponse(status=204)
    for header, value in PREFLIGHT_HEADERS.items():
        response[header] = value
    response["X-Content-Type-Options"] = "nosniff"
    return response
