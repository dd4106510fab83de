"""Every message exists, translated, in every locale; and translations keep their markup."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import DEFAULT_LOCALE, LOCALES, build_i18n, locale_for, locales_dir

KEYWORDS = {"_": None, "__": None, "N_": None, "lazy_gettext": None, "ngettext": (1, 2)}
SOURCE = Path(__file__).resolve().parent.parent / "bot"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
TAG = re.compile(r"</?[a-z]+>")


def source_messages() -> set[str]:
    messages: set[str] = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(SOURCE), keywords=KEYWORDS
    ):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def catalog(locale: str) -> Catalog:
    with (locales_dir() / locale / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=locale)


def test_the_source_has_messages() -> None:
    assert len(source_messages()) >= 10


@pytest.mark.parametrize("locale", LOCALES)
def test_every_source_message_is_translated(locale: str) -> None:
    entries = catalog(locale)
    missing = [m for m in sorted(source_messages()) if not (entries.get(m) and entries[m].string)]
    assert missing == [], f"untranslated in {locale}: {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_fuzzy_or_stale_entries(locale: str) -> None:
    entries = catalog(locale)
    current = source_messages()
    assert [m.id for m in entries if m.id and m.fuzzy] == []

    def singular(message_id: str | tuple[str, ...] | list[str]) -> str:
        return message_id if isinstance(message_id, str) else message_id[0]

    assert [m.id for m in entries if m.id and singular(m.id) not in current] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_placeholders_and_tags(locale: str) -> None:
    for message in catalog(locale):
        if not message.id:
            continue
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        forms = [message.string] if isinstance(message.string, str) else list(message.string or ())
        placeholders = {p for source in sources for p in PLACEHOLDER.findall(source)}
        for form in forms:
            # Plural forms may drop the number ("одна оценка"), never invent a placeholder.
            assert set(PLACEHOLDER.findall(form)) <= placeholders, (sources, form)
            assert Counter(TAG.findall(form)) == Counter(TAG.findall(sources[0])), (sources, form)
        if len(forms) == 1:
            assert set(PLACEHOLDER.findall(forms[0])) == placeholders, (sources, forms)


def test_russian_is_the_default_and_really_russian() -> None:
    i18n = build_i18n()
    assert i18n.default_locale == DEFAULT_LOCALE == "ru"
    assert i18n.gettext("What the bot can do", locale="ru") == "Что умеет бот"
    assert i18n.gettext("What the bot can do", locale="en") == "What the bot can do"


@pytest.mark.parametrize(
    ("chosen", "telegram", "expected"),
    [
        (None, "en", "en"),
        (None, "en-GB", "en"),
        (None, "ru", "ru"),
        (None, "de", "ru"),
        (None, None, "ru"),
        ("ru", "en", "ru"),
        ("en", "ru", "en"),
        ("xx", "en", "en"),
    ],
)
def test_locale_choice(chosen: str | None, telegram: str | None, expected: str) -> None:
    assert locale_for(chosen=chosen, telegram_language_code=telegram) == expected
