"""Grants to play one content version, and the addresses of the player, its files and its activity.

The player runs in a sandboxed frame: it has no session cookie, so the lesson page mints a signed, expiring
grant for (person, content version, lesson, the lesson page's origin) and the player page is served
against that grant alone. A grant lets its holder read that content and that person's saved state; results
still go through the lesson page with the real session and CSRF checks.

The player page (small, personal, never cached) is the only address that carries the grant. The files it
loads live at addresses that do not change from one view to the next, so the browser keeps them:
- the content and libraries of a version under `/h5p/tep/<files key>/`, where the key names the version
  and a 30-day window and is signed (`files_key`): anyone without a player page for that version cannot
  make one, and a key stops working after 30 to 60 days;
- the player's own scripts under `/h5p/nguon/<build hash>/` (assets.py).
Browsers keep no HTTP cache for a frame whose origin is opaque (a sandbox without allow-same-origin:
Chromium gives it a one-off cache partition). With `H5P_PLAYER_ORIGIN` set to an origin of its own the
player runs there with allow-same-origin, isolated from the site by that origin instead, and its files are
cached (docs/h5p.md, "Serving").
"""

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "lms.h5p.player"
MAX_AGE_SECONDS = 12 * 60 * 60
FILES_SALT = "lms.h5p.files"
FILES_WINDOW_SECONDS = 30 * 24 * 60 * 60


@dataclass(frozen=True)
class Grant:
    user_id: int
    version_id: int
    lesson_id: int
    parent_origin: str = ""


def origin_of(url: str) -> str:
    """scheme://host[:port] of an absolute URL, lower-cased; "" when it has none."""
    parts = urlsplit(url or "")
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def player_origin() -> str:
    """The origin of its own the player is served from (setting H5P_PLAYER_ORIGIN), or ""."""
    return origin_of(getattr(settings, "H5P_PLAYER_ORIGIN", "") or "")


def separate_origin(parent_origin: str) -> bool:
    """True when the player runs on an origin of its own, apart from the lesson page's."""
    own = player_origin()
    return bool(own) and own != origin_of(parent_origin)


def player_token(*, user, version, lesson_id: int, parent_origin: str = "") -> str:
    data = {"u": user.pk, "v": version.pk, "l": lesson_id}
    if parent_origin:
        data["o"] = origin_of(parent_origin)
    return signing.dumps(data, salt=SALT, compress=True)


def grant_read(token: str) -> Grant | None:
    """The grant in a token, or None when it is forged, altered or expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
        return Grant(
            user_id=int(data["u"]),
            version_id=int(data["v"]),
            lesson_id=int(data["l"]),
            parent_origin=str(data.get("o") or ""),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def player_url(*, user, version, lesson_id: int, parent_origin: str = "") -> str:
    """The player's address for this grant: on the player's own origin when there is one."""
    path = reverse(
        "h5p:player",
        args=[player_token(user=user, version=version, lesson_id=lesson_id, parent_origin=parent_origin)],
    )
    return player_origin() + path if separate_origin(parent_origin) else path


def _files_mac(version_id: int, window: int) -> str:
    return salted_hmac(FILES_SALT, f"{version_id}:{window}", algorithm="sha256").hexdigest()[:32]


def files_key(version_id: int, *, now: float | None = None) -> str:
    """The key in the addresses of a version's files for the current 30-day window."""
    window = int((time.time() if now is None else now) // FILES_WINDOW_SECONDS)
    return f"{version_id}-{window}-{_files_mac(version_id, window)}"


def files_key_read(key: str, *, now: float | None = None) -> int | None:
    """The version a files key names, if it is genuine and of this window or the one before."""
    try:
        version, window, mac = key.split("-")
        version_id, window_number = int(version), int(window)
    except ValueError:
        return None
    current = int((time.time() if now is None else now) // FILES_WINDOW_SECONDS)
    if window_number not in (current, current - 1) or version_id <= 0:
        return None
    if not constant_time_compare(mac, _files_mac(version_id, window_number)):
        return None
    return version_id


def activity_iri(version) -> str:
    """The xAPI object id of an activity version: one IRI for every learner and every view, never a player
    address (which carries a grant). Built on the site's address (SITE_URL)."""
    base = str(getattr(settings, "H5P_XAPI_IRI_BASE", "") or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return f"{base}/h5p/hoat-dong/{version.activity_id}/phien-ban/{version.number}"
