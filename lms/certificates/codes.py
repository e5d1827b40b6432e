"""Verification codes: unguessable, short enough to type from paper, without look-alike characters.

A code is 12 characters from a 31-letter alphabet (no 0/O, 1/I/L), about 59 bits of randomness, shown in
groups of four: "K7QM-9XTR-2HDP". People type codes in lower case, without dashes or with spaces;
`code_normalize` accepts all of these.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 12
GROUP = 4
FORMATTED_LENGTH = LENGTH + LENGTH // GROUP - 1

_SEPARATORS = re.compile(r"[\s\-–—_.]+")


def _grouped(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def code_generate() -> str:
    return _grouped("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def code_normalize(text: str) -> str | None:
    """The stored form of a code someone typed, or None when it cannot be a code."""
    raw = _SEPARATORS.sub("", (text or "").strip()).upper()
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return _grouped(raw)
