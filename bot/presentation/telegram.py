"""A :class:`Rendered` as Telegram shows it: HTML parse mode, every piece of text escaped,
split into messages within Telegram's limit, buttons as the outbox keeps them."""

from __future__ import annotations

from typing import Any

from bot.presentation.rendered import Bold, Code, Inline, Link, Rendered, Struck, lines_of
from bot.presentation.text import escape, split_message


def telegram_html(rendered: Rendered) -> str:
    return "\n".join(lines_of(rendered, telegram_inline))


def telegram_messages(rendered: Rendered) -> list[str]:
    """The HTML in messages of at most 4096 characters, cut between lines (never inside a
    tag: every line carries whole elements)."""
    return split_message(telegram_html(rendered))


def telegram_keyboard(rendered: Rendered) -> dict[str, Any] | None:
    """Inline buttons as JSON (what the outbox stores and the Bot API takes)."""
    if not rendered.buttons:
        return None
    return {
        "inline_keyboard": [
            [
                {"text": button.text, "callback_data": button.callback_data}
                if button.callback_data is not None
                else {"text": button.text, "url": button.url}
                for button in row
            ]
            for row in rendered.buttons
        ]
    }


def telegram_inline(part: Inline) -> str:
    if isinstance(part, Bold):
        return f"<b>{escape(part.text)}</b>"
    if isinstance(part, Struck):
        return f"<s>{escape(part.text)}</s>"
    if isinstance(part, Link):
        return f'<a href="{escape(part.url)}">{escape(part.text)}</a>'
    if isinstance(part, Code):
        return f"<code>{escape(part.text)}</code>"
    return escape(part)
