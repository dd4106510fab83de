"""Translating outside an update: jobs and workers write to many readers, each in their own
language, so they cannot rely on the locale the I18n middleware sets per update."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.utils.i18n import I18n


def translator(i18n: I18n, locale: str) -> Callable[[str], str]:
    """A ``_`` bound to the reader's language."""

    def _(message: str) -> str:
        return i18n.gettext(message, locale=locale)

    return _


def N_(message: str) -> str:
    """Marks a msgid for extraction; it is translated later, where the reader is known."""
    return message
