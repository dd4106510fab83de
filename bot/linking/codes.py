"""One-time link codes: format and parsing (pure, no I/O).

Twelve characters from a 32-symbol alphabet without 0/O and 1/I — 60 bits from
``secrets`` — grouped by four, e.g. ``K7QF-M2XD-9HTB``: easy to read aloud and to type.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12
GROUP = 4
# Russian keyboards: parents often type a code's Latin letters with their Cyrillic twins.
CYRILLIC_TWINS = str.maketrans("АВЕКМНОРСТХУ", "ABEKMHOPCTXY")
SEPARATORS = str.maketrans("", "", " -_\u2010\u2011\u2012\u2013\u2014\t\n")


def new_code() -> str:
    """A fresh code, compact (no dashes): what is hashed and put in deep links."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def format_code(compact: str) -> str:
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))


def normalize_code(text: str) -> str | None:
    """The compact code inside what a person typed or pasted, or None if it is not one."""
    compact = text.strip().upper().translate(CYRILLIC_TWINS).translate(SEPARATORS)
    if len(compact) != LENGTH or any(char not in ALPHABET for char in compact):
        return None
    return compact


def looks_like_code(text: str) -> bool:
    return normalize_code(text) is not None
