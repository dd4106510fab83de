"""The browser's languages (``Accept-Language``, RFC 9110 §12.5.4) among the catalogs we
have: for pages opened without an account, such as a letter's links."""

from __future__ import annotations

import re

from babel import negotiate_locale

from bot.i18n import LOCALES

_QUALITY = re.compile(r"^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$")
_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
MAX_RANGES = 32  # more than any browser sends; the rest is ignored


def preferred_languages(header: str) -> list[str]:
    """The language ranges of the header, most wanted first (a stable sort by ``q``; the
    order given breaks ties). A range with ``q=0`` is not wanted; one with a malformed tag
    or weight, and the wildcard, say nothing we could choose by, and are left out."""
    ranked: list[tuple[float, str]] = []
    for item in header.split(",")[:MAX_RANGES]:
        tag, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if _QUALITY.match(value) else -1.0
        if quality > 0 and _TAG.match(tag):
            ranked.append((quality, tag))
    ranked.sort(key=lambda pair: -pair[0])
    return [tag for _, tag in ranked]


def browser_locale(header: str | None) -> str | None:
    """The first of our catalogs the browser accepts; None when it accepts none of them."""
    if not header:
        return None
    found = negotiate_locale(preferred_languages(header), list(LOCALES), sep="-", aliases={})
    return found.lower() if found else None
