"""Grants to play one content version, carried in the player's URL instead of the session.

The player runs in a sandboxed frame with an opaque origin: it has no cookies, so the lesson page mints a
signed, expiring grant for (person, content version, lesson) and the player and its files are served
against that grant alone. A grant only lets its holder read that content and that person's saved state;
results still go through the lesson page with the real session and CSRF checks.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

SALT = "lms.h5p.player"
MAX_AGE_SECONDS = 12 * 60 * 60


@dataclass(frozen=True)
class Grant:
    user_id: int
    version_id: int
    lesson_id: int


def player_token(*, user, version, lesson_id: int) -> str:
    return signing.dumps({"u": user.pk, "v": version.pk, "l": lesson_id}, salt=SALT, compress=True)


def grant_read(token: str) -> Grant | None:
    """The grant in a token, or None when it is forged, altered or expired."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
        return Grant(user_id=int(data["u"]), version_id=int(data["v"]), lesson_id=int(data["l"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def player_url(*, user, version, lesson_id: int) -> str:
    return reverse("h5p:player", args=[player_token(user=user, version=version, lesson_id=lesson_id)])
