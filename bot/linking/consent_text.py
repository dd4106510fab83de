"""The consent to the processing of personal data (152-ФЗ art. 9 part 4) as a document.

The texts live in a gettext domain of their own, ``consent`` (``locales/<locale>/LC_MESSAGES/
consent.po``), so that the main UI catalog stays small. Russian is the legal text; English is
a translation for information, and says that the Russian text prevails.

The msgids below are the English source texts (the project's convention). They are plain
constants on purpose: wrapping them in ``_()``/``N_()`` would pull them into the ``messages``
domain on extraction.

What the consent register stores as proof (art. 9 part 3) is :data:`CONSENT_TEXT_VERSION` and
:attr:`ConsentDocument.sha256`. Changing any consent text requires a new version; a test pins
the texts of every version. Older versions stay in the catalogs (:data:`VERSIONS`), so the
text a record's hash was computed over can always be produced again and checked.

Version ``2026-11`` covers delivery through Telegram only. Version ``2026-12`` adds the e-mail
address and e-mail distribution; e-mail goes only to people whose granted consent is of a
version in :data:`EMAIL_VERSIONS` (:func:`covers_email`): an address recorded under an older
consent is kept, but nothing is mailed to it until a new consent is given.

Filled texts are plain text: :mod:`bot.presentation.consent` turns them into a message (and
escapes them there, as any text), so nothing here knows about markup. The hash is over the
plain text, so formatting around it does not change it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

CONSENT_TEXT_VERSION = "2026-12"
DOMAIN = "consent"
DEFAULT_LOCALE = "ru"
LOCALES = ("ru", "en")

ConsentKind = Literal["guardian", "student"]

# The msgids, English source texts. Placeholders are str.format style.
TITLE = "Consent to the processing of personal data"
GUARDIAN_TEXT_2026_11 = (
    "I, {guardian}, being a parent (legal representative) of the student: {child}, class "
    "(study group): {class_name}, in accordance with Article 9 of Federal Law No. 152-FZ of "
    '27.07.2006 "On Personal Data", freely, of my own will and in my own interest and in the '
    "interest of the minor I represent, give my consent to the operator, {school} (hereinafter "
    "the operator), to process my personal data and the personal data of the child on the "
    "following terms.\n"
    "\n"
    "1. Purpose: informing me and the student about the course and results of education through "
    "the electronic diary channel in the Telegram messenger, in accordance with the operator's "
    "regulation on the electronic diary service.\n"
    "\n"
    "2. Personal data: the surname, first name and patronymic (mine and the child's); class "
    "(study group); Telegram user id and chat id; the chosen interface language; current and "
    "final grades, the schedule, homework, tests and teachers' recommendations concerning the "
    "child; the log of my reading of current grades; my messages to the class teacher and my "
    "acknowledgements of final grades.\n"
    "\n"
    "3. Actions: collection, recording, systematisation, accumulation, storage, clarification "
    "(updating, changing), use, transfer (provision) to the Telegram messenger for the delivery "
    "of messages, deletion, destruction.\n"
    "\n"
    "4. Means: automated processing with computers.\n"
    "\n"
    "5. Term: until the child leaves the educational organisation or until this consent is "
    "withdrawn.\n"
    "\n"
    "6. Withdrawal: I may withdraw this consent at any time, in the bot with the /privacy "
    "command (the “Withdraw consent” button) or by a written statement to the operator. After "
    "withdrawal, delivery stops at once, and the data kept only for this channel (Telegram ids, "
    "the reading log) is destroyed within 30 days. The history of consents is kept by the "
    "operator as proof that consent was obtained.\n"
    "\n"
    "7. Refusing or withdrawing this consent has no consequences for the child's education: the "
    "operator regularly, at least once every two weeks, hands out paper statements of current "
    "grades."
)
STUDENT_TEXT_2026_11 = (
    "I, {student}, a student, class (study group): {class_name}, aged 18 or over, in accordance "
    'with Article 9 of Federal Law No. 152-FZ of 27.07.2006 "On Personal Data", freely, of my '
    "own will and in my own interest, give my consent to the operator, {school} (hereinafter the "
    "operator), to process my personal data on the following terms.\n"
    "\n"
    "1. Purpose: informing me about the course and results of my education through the "
    "electronic diary channel in the Telegram messenger, in accordance with the operator's "
    "regulation on the electronic diary service.\n"
    "\n"
    "2. Personal data: my surname, first name and patronymic; class (study group); Telegram user "
    "id and chat id; the chosen interface language; my current and final grades, schedule, "
    "homework, tests and teachers' recommendations; the log of my reading of current grades; my "
    "messages to the class teacher and my acknowledgements of final grades.\n"
    "\n"
    "3. Actions: collection, recording, systematisation, accumulation, storage, clarification "
    "(updating, changing), use, transfer (provision) to the Telegram messenger for the delivery "
    "of messages, deletion, destruction.\n"
    "\n"
    "4. Means: automated processing with computers.\n"
    "\n"
    "5. Term: until I leave the educational organisation or until this consent is withdrawn.\n"
    "\n"
    "6. Withdrawal: I may withdraw this consent at any time, in the bot with the /privacy "
    "command (the “Withdraw consent” button) or by a written statement to the operator. After "
    "withdrawal, delivery stops at once, and the data kept only for this channel (Telegram ids, "
    "the reading log) is destroyed within 30 days. The history of consents is kept by the "
    "operator as proof that consent was obtained.\n"
    "\n"
    "7. Refusing or withdrawing this consent has no consequences for my education: the operator "
    "regularly, at least once every two weeks, hands out paper statements of current grades."
)
# Version 2026-12: the same terms, and e-mail: the address among the data, e-mail
# distribution in the purpose, the school's mail server among those the data goes to.
GUARDIAN_TEXT = (
    "I, {guardian}, being a parent (legal representative) of the student: {child}, class "
    "(study group): {class_name}, in accordance with Article 9 of Federal Law No. 152-FZ of "
    '27.07.2006 "On Personal Data", freely, of my own will and in my own interest and in the '
    "interest of the minor I represent, give my consent to the operator, {school} "
    "(hereinafter the operator), to process my personal data and the personal data of the "
    "child on the following terms.\n"
    "\n"
    "1. Purpose: informing me and the student about the course and results of education "
    "through the electronic diary channel in the Telegram messenger and by e-mail (e-mail "
    "distribution to the address I have given), in the form agreed with the operator, in "
    "accordance with the operator's regulation on the electronic diary service.\n"
    "\n"
    "2. Personal data: the surname, first name and patronymic (mine and the child's); class "
    "(study group); Telegram user id and chat id; e-mail address; the chosen interface "
    "language; current and final grades, the schedule, homework, tests and teachers' "
    "recommendations concerning the child; the log of my reading of current grades; my "
    "messages to the class teacher and my acknowledgements of final grades.\n"
    "\n"
    "3. Actions: collection, recording, systematisation, accumulation, storage, clarification"
    " (updating, changing), use, transfer (provision) to the Telegram messenger and to the "
    "operator's mail server for the delivery of messages, deletion, destruction.\n"
    "\n"
    "4. Means: automated processing with computers.\n"
    "\n"
    "5. Term: until the child leaves the educational organisation or until this consent is "
    "withdrawn.\n"
    "\n"
    "6. Withdrawal: I may withdraw this consent at any time, in the bot with the /privacy "
    "command (the “Withdraw consent” button) or by a written statement to the operator. After"
    " withdrawal, delivery stops at once, and the data kept only for this channel (Telegram "
    "ids, the e-mail address, the reading log) is destroyed within 30 days. The history of "
    "consents is kept by the operator as proof that consent was obtained.\n"
    "\n"
    "7. Refusing or withdrawing this consent has no consequences for the child's education: "
    "the operator regularly, at least once every two weeks, hands out paper statements of "
    "current grades."
)
STUDENT_TEXT = (
    "I, {student}, a student, class (study group): {class_name}, aged 18 or over, in "
    'accordance with Article 9 of Federal Law No. 152-FZ of 27.07.2006 "On Personal Data", '
    "freely, of my own will and in my own interest, give my consent to the operator, {school}"
    " (hereinafter the operator), to process my personal data on the following terms.\n"
    "\n"
    "1. Purpose: informing me about the course and results of my education through the "
    "electronic diary channel in the Telegram messenger and by e-mail (e-mail distribution to"
    " the address I have given), in the form agreed with the operator, in accordance with the"
    " operator's regulation on the electronic diary service.\n"
    "\n"
    "2. Personal data: my surname, first name and patronymic; class (study group); Telegram "
    "user id and chat id; e-mail address; the chosen interface language; my current and final"
    " grades, schedule, homework, tests and teachers' recommendations; the log of my reading "
    "of current grades; my messages to the class teacher and my acknowledgements of final "
    "grades.\n"
    "\n"
    "3. Actions: collection, recording, systematisation, accumulation, storage, clarification"
    " (updating, changing), use, transfer (provision) to the Telegram messenger and to the "
    "operator's mail server for the delivery of messages, deletion, destruction.\n"
    "\n"
    "4. Means: automated processing with computers.\n"
    "\n"
    "5. Term: until I leave the educational organisation or until this consent is "
    "withdrawn.\n"
    "\n"
    "6. Withdrawal: I may withdraw this consent at any time, in the bot with the /privacy "
    "command (the “Withdraw consent” button) or by a written statement to the operator. After"
    " withdrawal, delivery stops at once, and the data kept only for this channel (Telegram "
    "ids, the e-mail address, the reading log) is destroyed within 30 days. The history of "
    "consents is kept by the operator as proof that consent was obtained.\n"
    "\n"
    "7. Refusing or withdrawing this consent has no consequences for my education: the "
    "operator regularly, at least once every two weeks, hands out paper statements of current"
    " grades."
)
SUMMARY = (
    "{school} asks for your consent to the processing of personal data in order to send you the "
    "electronic diary in Telegram: grades, the schedule, homework, tests and final grades. The "
    "data processed are names, the class, Telegram ids, the results of education and the log of "
    "reading grades; the consent lasts until the student leaves the school or until it is "
    "withdrawn. You can withdraw it at any time with the /privacy command or by a written "
    "statement to the school. Refusing has no consequences for education: the school will hand "
    "out paper statements of grades instead."
)
AGREE = "I agree"
REFUSE = "I do not agree"
AGREED = "Your consent has been recorded. Thank you!"
REFUSED = (
    "You have refused consent. No data will be sent to you in Telegram; the school will hand out "
    "paper statements of grades."
)
MSGIDS = (
    TITLE,
    GUARDIAN_TEXT_2026_11,
    STUDENT_TEXT_2026_11,
    GUARDIAN_TEXT,
    STUDENT_TEXT,
    SUMMARY,
    AGREE,
    REFUSE,
    AGREED,
    REFUSED,
)

# Every version ever shown, by kind: a record's text can be rebuilt from its version.
VERSIONS: dict[str, dict[str, str]] = {
    "2026-11": {"guardian": GUARDIAN_TEXT_2026_11, "student": STUDENT_TEXT_2026_11},
    CONSENT_TEXT_VERSION: {"guardian": GUARDIAN_TEXT, "student": STUDENT_TEXT},
}
# The versions whose text names the e-mail address and e-mail distribution.
EMAIL_VERSIONS = frozenset({"2026-12"})
# The names each text needs; the others must not be given.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "guardian": ("school", "guardian", "child", "class_name"),
    "student": ("school", "student", "class_name"),
}


@dataclass(frozen=True)
class ConsentDocument:
    """A consent text as shown or printed, and its fingerprint for the consent register."""

    version: str
    locale: str
    title: str
    text: str
    # Hex SHA-256 of ``title + "\n\n" + text`` in UTF-8 (that is, of ``full_text``).
    sha256: str

    @property
    def full_text(self) -> str:
        """The title and the text: exactly what ``sha256`` is computed over."""
        return f"{self.title}\n\n{self.text}"


@dataclass(frozen=True)
class ConsentLabels:
    """The two buttons under the consent text, and what the bot answers after each."""

    agree: str
    refuse: str
    agreed: str
    refused: str


def consent_locale(locale: str) -> str:
    """``ru`` or ``en``; anything else falls back to Russian, the legal text."""
    return locale if locale in LOCALES else DEFAULT_LOCALE


def locales_dir() -> Path:
    """``locales/`` at the top of a checkout, or ``bot/locales`` when installed."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "locales", here.parents[1] / "locales"):
        if (candidate / DEFAULT_LOCALE / "LC_MESSAGES" / f"{DOMAIN}.po").is_file():
            return candidate
    raise FileNotFoundError(f"no locales/ directory with the {DOMAIN!r} catalogs found")


@cache
def consent_catalog(locale: str) -> Catalog:
    """The parsed ``consent.po`` of a locale (``ru`` or ``en``), read once."""
    if locale not in LOCALES:
        raise ValueError(f"no consent catalog for locale {locale!r}")
    with (locales_dir() / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as file:
        return read_po(file, locale=locale, domain=DOMAIN)


def _translate(locale: str, msgid: str) -> str:
    # A legal text never falls back to its msgid: a missing or fuzzy entry is an error.
    message = consent_catalog(locale).get(msgid)
    if message is None or message.fuzzy or not isinstance(message.string, str):
        raise LookupError(f"{locale}/{DOMAIN}.po has no translation of {msgid[:60]!r}")
    if not message.string:
        raise LookupError(f"{locale}/{DOMAIN}.po has an empty translation of {msgid[:60]!r}")
    return message.string


def covers_email(version: str | None) -> bool:
    """Whether a consent of this text version covers the e-mail address and e-mail delivery."""
    return version in EMAIL_VERSIONS


def _texts(version: str) -> dict[str, str]:
    if version not in VERSIONS:
        raise ValueError(f"unknown consent text version {version!r}")
    return VERSIONS[version]


def consent_template(kind: ConsentKind, locale: str, version: str = CONSENT_TEXT_VERSION) -> str:
    """The unfilled text of a kind of consent in a locale (falls back to Russian)."""
    texts = _texts(version)
    if kind not in texts:
        raise ValueError(f"unknown kind of consent: {kind!r}")
    return _translate(consent_locale(locale), texts[kind])


def _clean(name: str, value: str | None) -> str:
    # Whitespace runs (a newline in a name included) become one space; nothing else changes.
    cleaned = " ".join(value.split()) if value is not None else ""
    if not cleaned:
        raise ValueError(f"the consent text needs {name}")
    return cleaned


def consent_document(
    kind: ConsentKind,
    locale: str,
    *,
    school: str,
    guardian: str | None = None,
    child: str | None = None,
    class_name: str | None = None,
    student: str | None = None,
    version: str = CONSENT_TEXT_VERSION,
) -> ConsentDocument:
    """The consent text of ``kind`` with the names filled in, ready to show and to register.
    ``version``: the current one, or an older one to check a record's hash against.

    ``guardian``: a parent (legal representative) consenting for themself and a minor; needs
    ``guardian``, ``child`` and ``class_name``. ``student``: an adult student consenting for
    themself; needs ``student`` and ``class_name``. Both need ``school``, the operator. A name
    that is missing or blank, or one the kind does not use, raises ``ValueError``.
    """
    if kind not in _REQUIRED:
        raise ValueError(f"unknown kind of consent: {kind!r}")
    given: dict[str, str | None] = {
        "school": school,
        "guardian": guardian,
        "child": child,
        "class_name": class_name,
        "student": student,
    }
    required = _REQUIRED[kind]
    unused = [name for name, value in given.items() if value is not None and name not in required]
    if unused:
        raise ValueError(f"the {kind} consent text does not use {', '.join(unused)}")
    values = {name: _clean(name, given[name]) for name in required}
    resolved = consent_locale(locale)
    title = _translate(resolved, TITLE)
    # Formatted once, so braces inside the names are kept as they are.
    text = _translate(resolved, _texts(version)[kind]).format_map(values)
    digest = hashlib.sha256(f"{title}\n\n{text}".encode()).hexdigest()
    return ConsentDocument(version=version, locale=resolved, title=title, text=text, sha256=digest)


def consent_summary(locale: str, *, school: str) -> str:
    """A few sentences on the consent, for the printed letter and the Telegram message."""
    return _translate(consent_locale(locale), SUMMARY).format_map(
        {"school": _clean("school", school)}
    )


def consent_labels(locale: str) -> ConsentLabels:
    """The button labels «Согласен» / «Не согласен» and the answers after each choice."""
    resolved = consent_locale(locale)
    return ConsentLabels(
        agree=_translate(resolved, AGREE),
        refuse=_translate(resolved, REFUSE),
        agreed=_translate(resolved, AGREED),
        refused=_translate(resolved, REFUSED),
    )
