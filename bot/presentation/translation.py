"""Translating with an explicit translator: jobs and workers write to many readers, each in
their own language, and handlers make one from the update, so rendering never depends on a
locale set somewhere else (no context-bound gettext, no ``use_locale``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n


@dataclass(frozen=True)
class Translator:
    """gettext and ngettext bound to one reader's language; call it like ``_``."""

    i18n: I18n
    locale: str

    def __call__(self, message: str) -> str:
        return self.i18n.gettext(message, locale=self.locale)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.i18n.gettext(singular, plural, count, locale=self.locale)


def translator(i18n: I18n, locale: str) -> Translator:
    """A ``_`` bound to the reader's language."""
    return Translator(i18n, locale)


def update_translator() -> Translator:
    """In a handler: the translator of the update's reader (the locale middleware chose it)."""
    from aiogram.utils.i18n import get_i18n  # only handlers call this, aiogram is loaded

    i18n = get_i18n()
    return Translator(i18n, i18n.current_locale)


def N_(message: str) -> str:
    """Marks a msgid for extraction; it is translated later, where the reader is known."""
    return message
