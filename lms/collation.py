"""Vietnamese dictionary order for names in lists and exports.

PostgreSQL sorts with the ICU collation "vi-x-icu" (created by people's migration 0005 where the server has
ICU); SQLite, used in development and tests, gets a collation of the same name from `vietnamese_key`, a
Python equivalent registered on each new connection (`sqlite_register`). Querysets order by
`vi_order("user__full_name")` and read the same on both.

Vietnamese order: the letters a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (ă after a, đ after
d, …), case ignored, then the tone marks (none, grave, hook, tilde, acute, dot below) decide between words
that are otherwise equal.
"""

import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

VI_COLLATION = "vi-x-icu"

# Marks that make another letter (ă â đ ê ô ơ ư) and the tones, as NFD combining characters.
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # grave, hook, tilde, acute, dot


def vietnamese_key(text: str) -> tuple:
    """A sort key giving Vietnamese dictionary order (primary: letters; secondary: tones; then case)."""
    letters: list[tuple[str, int]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text or ""):
        if char in _LETTER_MARKS and letters:
            base, _mark = letters[-1]
            letters[-1] = (base, _LETTER_MARKS[char])
        elif char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
        elif unicodedata.combining(char):
            continue
        else:
            lower = char.casefold()
            if lower == "đ":
                letters.append(("d", 4))
            else:
                letters.append((lower, 0))
            tones.append(0)
    return (tuple(letters), tuple(tones), text or "")


def _compare(left: str, right: str) -> int:
    a, b = vietnamese_key(left), vietnamese_key(right)
    return (a > b) - (a < b)


def sqlite_register(sender, connection, **kwargs) -> None:
    """A `connection_created` receiver: gives SQLite connections the collation PostgreSQL has from ICU."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(VI_COLLATION, _compare)


def vi_order(field: str) -> Collate:
    """An expression to order by: the field in Vietnamese dictionary order."""
    return Collate(F(field), VI_COLLATION)
