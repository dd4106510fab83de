"""Translations: gettext catalogs in ``locales/``, compiled in memory at start.

Compiling at start (it takes milliseconds) means no ``.mo`` binary is ever committed and
none can go stale behind its ``.po`` source.
"""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TYPE_CHECKING

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.presentation.translation import N_

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

DOMAIN = "messages"
DEFAULT_LOCALE = "ru"
LOCALES = ("ru", "en")
__all__ = ["DEFAULT_LOCALE", "LOCALES", "N_", "build_i18n", "locale_for"]
# How each language calls itself, for the /language buttons; not translated on purpose.
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


def locales_dir() -> Path:
    """``locales/`` at the top of a checkout, or inside the package when installed."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "locales", package / "locales"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("no locales/ directory found beside the bot package")


def compile_catalogs(source: Path, target: Path) -> None:
    """Compile every locale's ``.po`` in ``source`` into ``.mo`` files under ``target``."""
    for locale in LOCALES:
        with (source / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po_file:
            catalog = read_po(po_file, locale=locale)
        mo_path = target / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


def build_i18n(path: Path | None = None) -> I18n:
    # aiogram's I18n loads the compiled catalogs into memory at construction, so the
    # compiled files are only needed for that moment. (Subclassing I18n to read .po files
    # directly would not work: each subclass gets its own context variable, and the
    # module-level gettext looks up the base class's.)
    from aiogram.utils.i18n import I18n  # the Telegram client: only where something speaks

    with TemporaryDirectory(prefix="ediary-locales-") as compiled:
        compile_catalogs(path or locales_dir(), Path(compiled))
        return I18n(path=compiled, default_locale=DEFAULT_LOCALE, domain=DOMAIN)


def locale_for(*, chosen: str | None, telegram_language_code: str | None) -> str:
    """The interface language: the one chosen with /language, else Telegram's, else Russian."""
    if chosen in LOCALES:
        return chosen
    if telegram_language_code:
        primary = telegram_language_code.split("-")[0].lower()
        if primary in LOCALES:
            return primary
    return DEFAULT_LOCALE
