"""Text helpers shared across apps."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese tone and vowel marks and turn đ into d; case is kept."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def squash_spaces(text: str) -> str:
    return _SPACES.sub(" ", text or "").strip()


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics, so "Chuyển đổi số" matches "chuyen doi so"."""
    return squash_spaces(strip_diacritics(text).casefold())


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug_vi(text: str, *, max_length: int = 60) -> str:
    """An unaccented, short web address part: "Đặt mật khẩu mạnh" → "dat-mat-khau-manh".

    Vietnamese letters are folded (đ → d), anything else that is not a letter or a digit separates
    words, and a slug longer than `max_length` is cut after its last whole word (a single word longer
    than that is cut where it must). May be empty when the text has no Latin letter or digit.
    The page editor's script does the same steps (courses/slugs.py, SLUG_FORMATTERS).
    """
    slug = _NOT_SLUG.sub("-", strip_diacritics(text).lower()).strip("-")
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    if cut[-1] == "-":
        return cut[:-1]
    head, dash, _tail = cut.rpartition("-")
    return head if dash else slug[:max_length]
