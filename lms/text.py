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
