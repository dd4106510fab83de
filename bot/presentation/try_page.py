"""The try page's words and its chat as a browser shows it: the bot's messages drawn the
way Telegram would draw them, made safe for a web page.

The bot writes Telegram's HTML subset; a page must never run what a message carries (a
teacher's announcement or homework text is someone else's input), so it is cleaned with
nh3 to exactly the tags Telegram renders, and plain text is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import nh3
from babel.dates import format_datetime

from bot.standin.chats import ChatEntry
from bot.trying.cast import Persona

Translate = Callable[[str], str]
# The tags Telegram's HTML parse mode renders, and the attributes it reads.
_TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code",
                  "pre", "blockquote", "tg-spoiler", "span"}  # fmt: skip
_TELEGRAM_ATTRIBUTES = {"a": {"href"}, "code": {"class"}, "span": {"class"}}
_URL_SCHEMES = {"http", "https", "tg", "mailto"}


def page_texts(_: Translate) -> dict[str, str]:
    """Every word the page shows, in the reader's language (the script reads them too)."""
    return {
        "title": _("Try eDiary without Telegram"),
        "intro": _(
            "This is the real bot, talking to a stand-in for Telegram on this computer. "
            "Choose who you are and chat as that person would."
        ),
        "now_is": _("Now is"),
        "jump_hour": _("⏩ +1 hour"),
        "jump_evening": _("⏩ evening, 19:00"),
        "jump_morning": _("⏩ next morning, 08:00"),
        "jump_day": _("⏩ +1 day"),
        "jumped": _("The clock moved on; the scheduled pushes due by now went out."),
        "placeholder": _("Message"),
        "send": _("Send"),
        "edited": _("edited"),
        "document": _("Document"),
        "new_messages": _("new"),
        "failed": _("The stand-in did not take it: {reason}"),
        "offline": _("The bot's server does not answer; retrying…"),
        "language": _("Language"),
    }


def persona_card(persona: Persona, _: Translate) -> dict[str, Any]:
    """Who the person is, in a line or two."""
    roles = {
        "parent": _("Parent of two"),
        "student": _("Student"),
        "teacher": _("Class teacher"),
        "newcomer": _("Parent with a printed letter"),
    }
    notes = {
        "parent": _("Linked to both children; gets final grades, forecasts and announcements."),
        "student": _("Consented for themselves; sees their own diary."),
        "teacher": _("Class teacher of {classes}: sends announcements, sees acknowledgements."),
        "newcomer": _("No link yet. Type the code from the letter: {code}"),
    }
    note = notes[persona.key].format(classes=", ".join(persona.details), code=persona.code or "")
    if persona.key == "newcomer" and persona.code is None:
        note = _("Linked already (in an earlier run).")
    return {
        "key": persona.key,
        "name": persona.full_name,
        "role": roles[persona.key],
        "note": note,
        "details": list(persona.details) if persona.key != "teacher" else [],
        "code": persona.code,
    }


def clock_label(now: datetime, timezone: str, locale: str) -> str:
    """The school's local time, as its people read it."""
    local = now.astimezone(ZoneInfo(timezone))
    return format_datetime(local, "EEE d MMM, HH:mm", locale=locale)


def telegram_html_for_page(text: str, parse_mode: str | None) -> str:
    if (parse_mode or "").upper() != "HTML":
        return html.escape(text)
    return nh3.clean(
        text,
        tags=_TELEGRAM_TAGS,
        attributes=_TELEGRAM_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def chat_entry_view(
    entry: ChatEntry, file_url: Callable[[str], str], timezone: str
) -> dict[str, Any]:
    """One message as the page draws it (and redraws it after an edit), its time in the
    school's zone, as the people of the school read their clocks."""
    message = entry.message
    sent = datetime.fromtimestamp(message.get("date", 0), tz=ZoneInfo(timezone))
    view: dict[str, Any] = {
        "id": message["message_id"],
        "from_bot": entry.from_bot,
        "deleted": entry.deleted,
        "edited": "edit_date" in message,
        "time": sent.strftime("%H:%M"),
        "html": telegram_html_for_page(message.get("text", ""), entry.parse_mode),
        "caption_html": telegram_html_for_page(message.get("caption", ""), entry.parse_mode),
        "buttons": _buttons(message.get("reply_markup")),
    }
    if photo := message.get("photo"):
        view["photo_url"] = file_url(photo[-1]["file_id"])
    if document := message.get("document"):
        view["document"] = {
            "url": file_url(document["file_id"]),
            "name": document.get("file_name") or document["file_id"],
            "size": document.get("file_size"),
        }
    return view


def keyboard_view(markup: dict[str, Any] | None) -> list[list[str]] | None:
    """A reply keyboard's rows of button texts (None: no keyboard under the input)."""
    if markup is None:
        return None
    return [[_button_text(button) for button in row] for row in markup.get("keyboard", [])]


def _button_text(button: Any) -> str:
    return button if isinstance(button, str) else str(button.get("text", ""))


def _buttons(markup: Any) -> list[list[dict[str, str]]]:
    if not isinstance(markup, dict):
        return []
    rows = []
    for row in markup.get("inline_keyboard", []):
        buttons = []
        for button in row:
            shown = {"text": str(button.get("text", ""))}
            if "callback_data" in button:
                shown["data"] = str(button["callback_data"])
            elif "url" in button:
                shown["url"] = str(button["url"])
            buttons.append(shown)
        rows.append(buttons)
    return rows
