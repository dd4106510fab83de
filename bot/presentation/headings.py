"""The first line of every diary section: what it is, and whose."""

from __future__ import annotations

from bot.diary.service import DiaryContext
from bot.presentation.text import escape


def header(title: str, context: DiaryContext) -> str:
    return f"<b>{title}</b> · {escape(context.child.name)}, {escape(context.child.class_name)}"
