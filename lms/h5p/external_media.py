"""Media that H5P content loads from other sites, and the administrator's allow-list of those sites.

Packages from H5P.org, Lumi or Moodle may point at media they do not carry: an Interactive Video whose
video is `https://h5p.org/…/iv.mp4`, a YouTube video, an `<img src="https://…">` in a text, a Twitter feed.
The player's policy loads nothing from other sites, so such content shows an empty box. At upload
`external_media_urls` lists these addresses (kept on the content version, shown to the trainer as a
warning; the upload is still accepted) and every site named is recorded as an `ExternalMediaHost`, blocked
until an administrator allows it (admin page "Trang ngoài cho H5P", audited as MEDIA_HOST_CHANGE). The
player's policy then adds, for that content version alone, the allowed sites it names (`csp_sources`).

Only host names that are plain DNS names (or IPv4 addresses), optionally with a port, are ever put in a
policy: anything else in a package is listed for the trainer but never reaches a header.
"""

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.translation import gettext as _

from lms.audit.models import AuditEntry
from lms.audit.services import audit_record

from .models import ExternalMediaHost

MAX_URLS = 100
MAX_URL_LENGTH = 2000
_URL_START = re.compile(r"^https?://", re.IGNORECASE)
# An address in HTML text that the browser loads by itself: src="…", also srcset, poster and data.
_HTML_SOURCE = re.compile(
    r"""\b(?:src|poster|data|srcset)\s*=\s*["']?\s*(https?://[^"'\s>]+)""", re.IGNORECASE
)
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
# Content types that load from a fixed site whatever their content says (their own library code does).
LIBRARY_SITES = {
    "H5P.TwitterUserFeed": ("https://platform.twitter.com/widgets.js",),
}
# H5P.Video plays a YouTube address through YouTube's embed and script.
YOUTUBE_SITES = ("https://www.youtube.com/iframe_api",)


def _collect(value, found: list[str]) -> None:
    if isinstance(value, dict):
        path = value.get("path")
        if isinstance(path, str) and _URL_START.match(path.strip()):
            found.append(path.strip())
            if str(value.get("mime", "")).lower() == "video/youtube":
                found.extend(YOUTUBE_SITES)
        library = value.get("library")
        if isinstance(library, str):
            found.extend(LIBRARY_SITES.get(library.split(" ", 1)[0], ()))
        for item in value.values():
            _collect(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)
    elif isinstance(value, str) and "http" in value:
        found.extend(match.group(1) for match in _HTML_SOURCE.finditer(value))


def external_media_urls(content) -> list[str]:
    """The http(s) addresses a package's content.json makes the player load from other sites: file paths
    (H5P's {"path": …} objects), sources in HTML text, and the sites of embedding content types. Each once,
    in order of appearance, at most MAX_URLS (each cut to MAX_URL_LENGTH characters)."""
    found: list[str] = []
    _collect(content, found)
    unique = list(dict.fromkeys(url[:MAX_URL_LENGTH] for url in found))
    return unique[:MAX_URLS]


def url_host(url: str) -> str | None:
    """The host name of an address, lower case, or None when it is not a plain DNS name or IPv4 address."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return None
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    return host if _HOST.match(host) else None


def url_hosts(urls: Iterable[str]) -> list[str]:
    return sorted({host for host in map(url_host, urls) if host})


def _source(url: str) -> str | None:
    """scheme://host[:port] of an address, safe to put in a policy, or None."""
    host = url_host(url)
    if host is None:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return None
    return f"{scheme}://{host}" + (f":{port}" if port else "")


def hosts_register(urls: Iterable[str]) -> list[str]:
    """Record the sites these addresses name (blocked until allowed); returns the host names."""
    hosts = url_hosts(urls)
    if hosts:
        ExternalMediaHost.objects.bulk_create(
            [ExternalMediaHost(host=host) for host in hosts], ignore_conflicts=True
        )
    return hosts


def csp_sources(urls: Iterable[str]) -> list[str]:
    """The policy sources for the addresses whose site an administrator allowed (one query)."""
    urls = list(urls or [])
    if not urls:
        return []
    by_url = {url: _source(url) for url in urls if isinstance(url, str)}
    allowed = set(
        ExternalMediaHost.objects.filter(allowed=True, host__in=url_hosts(by_url)).values_list(
            "host", flat=True
        )
    )
    sources = {source for url, source in by_url.items() if source and url_host(url) in allowed}
    return sorted(sources)


def external_media_status(urls: list[str]) -> list[dict]:
    """[{url, host, allowed}] for an admin page (one query)."""
    hosts = {url: url_host(url) for url in urls}
    allowed = set(
        ExternalMediaHost.objects.filter(allowed=True, host__in=[h for h in hosts.values() if h]).values_list(
            "host", flat=True
        )
    )
    return [{"url": url, "host": host, "allowed": host in allowed} for url, host in hosts.items()]


def media_host_set_allowed(*, host: ExternalMediaHost, allowed: bool, note: str, user) -> ExternalMediaHost:
    """Allow or block a site for H5P media, with an audit entry MEDIA_HOST_CHANGE when it changes."""
    with transaction.atomic():
        host = ExternalMediaHost.objects.select_for_update().get(pk=host.pk)
        before = {"allowed": host.allowed, "note": host.note}
        host.allowed, host.note, host.updated_by = allowed, note, user
        host.save(update_fields=["allowed", "note", "updated_by", "updated_at"])
        changes = {key: [old, getattr(host, key)] for key, old in before.items() if old != getattr(host, key)}
        if changes:
            audit_record(action=AuditEntry.Action.MEDIA_HOST_CHANGE, actor=user, obj=host, changes=changes)
    return host


MAX_LISTED = 10


def external_media_warning(urls: list[str]) -> str:
    """What the trainer reads after uploading a package with media on other sites (the upload is kept)."""
    listed = ", ".join(urls[:MAX_LISTED]) + (" …" if len(urls) > MAX_LISTED else "")
    return _(
        "This package loads %(count)s file(s) from other sites (%(hosts)s): %(urls)s. Learners see them only "
        "once an administrator allows those sites (H5P external media sites); until then an empty box shows "
        "in their place. Better: put the media into the package."
    ) % {"count": len(urls), "hosts": ", ".join(url_hosts(urls)) or "?", "urls": listed}
