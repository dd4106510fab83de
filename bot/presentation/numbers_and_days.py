"""Days and numbers written the reader's way (Babel), each worked out once per process.

A /grades answer writes a day name and often a number for every mark, hundreds of them,
and Babel parses its locale and its pattern again on every call: most of the section's
rendering time went there. The answers depend only on the arguments, so they are kept.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

CACHED = 8192  # a school year of days in two languages, and the numbers, many times over


@functools.lru_cache(maxsize=CACHED)
def day_name(day: dt.date, locale: str) -> str:
    """«вт, 1 сентября»."""
    return format_date(day, "EEE, d MMMM", locale=locale)


@functools.lru_cache(maxsize=CACHED)
def day_and_month(day: dt.date, locale: str) -> str:
    """«1 сентября»."""
    return format_date(day, "d MMMM", locale=locale)


@functools.lru_cache(maxsize=CACHED)
def decimal_text(value: Decimal | float, pattern: str, locale: str) -> str:
    """``value`` by a Babel number pattern, e.g. «4,50» for 4.5 with "0.00" in Russian."""
    return format_decimal(value, pattern, locale=locale)
