"""The translated texts of a printed code letter (the PDF layout is in ``letters``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.linking.consent_text import consent_summary
from bot.linking.issuing import IssuedCode
from bot.linking.letters import Letter, LetterTexts
from db.models import AccountRole

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n


def deep_link(bot_username: str, compact_code: str) -> str:
    return f"https://t.me/{bot_username}?start={compact_code}"


def letter_for(
    i18n: I18n, locale: str, school: str, issued: IssuedCode, bot_username: str
) -> tuple[Letter, LetterTexts]:
    def _(message: str) -> str:
        return i18n.gettext(message, locale=locale)

    letter = Letter(
        school_name=school,
        recipient_name=issued.recipient,
        role=issued.role.value,  # type: ignore[arg-type]
        child_name=issued.child,
        class_name=issued.class_name,
        code=issued.code,
        expires_on=issued.expires_at.date(),
        deep_link=deep_link(bot_username, issued.compact),
    )
    staff = issued.role == AccountRole.TEACHER
    body = _letter_body(_, staff)
    texts = LetterTexts(
        title=_("Linking to the electronic diary in Telegram"),
        greeting=_("Dear {recipient},").format(recipient=issued.recipient),
        body=body,
        code_label=_("Your code:"),
        expires=_("The code works once, until {date}.").format(
            date=issued.expires_at.date().strftime("%d.%m.%Y")
        ),
        consent_summary=_staff_terms(_) if staff else consent_summary(locale, school=school),
        footer=_(
            "Do not show this code to anyone. If it is lost or someone else may have seen it, "
            "ask the school's administrator for a new one: the old one then stops working."
        )
        if staff
        else _(
            "Do not show this code to anyone. If you do not want to use Telegram, tell the "
            "class teacher: the school gives you paper statements of the grades."
        ),
        recipient_label=_("For:"),
        child_label=_("Student:"),
        class_label=_("Class:"),
    )
    return letter, texts


def _letter_body(_: Callable[[str], str], staff: bool) -> str:
    if staff:
        body = _(
            "The school's electronic diary has a Telegram channel. Linked as a teacher, you "
            "work with your classes' families there."
        )
    else:
        body = _(
            "The school's electronic diary has a Telegram channel: grades, the schedule with "
            "its changes, homework, tests, final grades and the class teacher's announcements."
        )
    return (
        body
        + "\n\n"
        + _(
            "To link: scan the QR code with your phone's camera and press Start in Telegram, "
            "or find the bot by the link under the QR code and send it the code."
        )
    )


def _staff_terms(_: Callable[[str], str]) -> str:
    # A teacher links as staff, not as a family: there is no family consent to sign, but the
    # duties that come with seeing families' data are stated instead.
    return _(
        "As a member of staff you see and send families' personal data in the bot only for "
        "your duties at the school, under its rules for personal data (152-FZ); the bot "
        "records what you send. Your link ends when the school's journal no longer lists you."
    )
