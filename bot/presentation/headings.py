"""The first line of every diary section: what it is, and whose."""

from __future__ import annotations

from bot.diary.service import DiaryContext
from bot.presentation.rendered import Bold, Inline
from bot.presentation.telegram import telegram_inline


def header_parts(title: str, context: DiaryContext) -> tuple[Inline, ...]:
    return (Bold(title), f" · {context.child.name}, {context.child.class_name}")


def header(title: str, context: DiaryContext) -> str:
    """As Telegram HTML, for the sections not yet rendered from views."""
    return "".join(telegram_inline(part) for part in header_parts(title, context))
