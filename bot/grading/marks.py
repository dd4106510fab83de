"""What a mark as shown ("5", "4-", "зачёт") counts for in averages.

Pure rule, no I/O. A modifier (+/-) is the teacher's nuance, shown to people but not
counted: "4-" counts as 4, as in the journals schools use. Pass/fail marks do not count.
"""

from __future__ import annotations

import re

NUMERIC_MARK = re.compile(r"^([1-5])([+-]?)$")
PASS_FAIL = {"зачёт", "незачёт"}
# Spellings people type for pass/fail, mapped to the form we show.
PASS_FAIL_SPELLINGS = {
    "зачёт": "зачёт",
    "зачет": "зачёт",
    "зач": "зачёт",
    "незачёт": "незачёт",
    "незачет": "незачёт",
    "не зачёт": "незачёт",
    "не зачет": "незачёт",
    "незач": "незачёт",
}


class InvalidMark(ValueError):
    pass


CANONICAL = {f"{digit}{modifier}" for digit in "12345" for modifier in ("", "+", "-")} | PASS_FAIL


def normalize_mark(value: str) -> str:
    """The canonical form of a mark, or :class:`InvalidMark` with what is accepted."""
    if value in CANONICAL:  # the common case, checked first: a district sends 10⁵ marks
        return value
    cleaned = value.strip().lower().replace("\u2212", "-")
    if NUMERIC_MARK.match(cleaned):
        return cleaned
    if cleaned in PASS_FAIL_SPELLINGS:
        return PASS_FAIL_SPELLINGS[cleaned]
    raise InvalidMark(
        f"{value!r} is not a mark; use 1-5 with an optional + or -, 'зачёт' or 'незачёт'"
    )


def score_of(mark: str) -> float | None:
    """The number a canonical mark counts for, or None when it does not count."""
    match = NUMERIC_MARK.match(mark)
    return float(match.group(1)) if match else None
