"""Pure text rules for messages sent with HTML parse mode."""

from __future__ import annotations

import html

# Telegram's limit for one message text, counted in UTF-16 code units.
MESSAGE_LIMIT = 4096


def escape(text: object) -> str:
    """Journal and user text made literal for HTML parse mode (<, >, & and quotes)."""
    return html.escape(str(text), quote=True)


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split a long text into messages of at most ``limit`` on line boundaries.

    A line longer than the limit is cut at a space, or hard as a last resort. Callers put
    whole HTML elements on one line, so a cut between lines never breaks a tag.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in _bounded_lines(text, limit):
        extra = telegram_length(line) + (1 if current else 0)
        if current and size + extra > limit:
            parts.append("\n".join(current))
            current, size = [], 0
            extra = telegram_length(line)
        current.append(line)
        size += extra
    if current:
        parts.append("\n".join(current))
    return [part for part in parts if part.strip()] or ([text] if text else [])


def _bounded_lines(text: str, limit: int) -> list[str]:
    lines: list[str] = []
    for line in text.split("\n"):
        while telegram_length(line) > limit:
            head = _cut(line, limit)
            lines.append(head.rstrip())
            line = line[len(head) :].lstrip()
        lines.append(line)
    return lines


def _cut(line: str, limit: int) -> str:
    """The longest prefix within ``limit``, ending at a space when there is one."""
    end = 0
    used = 0
    for index, char in enumerate(line):
        width = 2 if ord(char) > 0xFFFF else 1
        if used + width > limit:
            break
        used += width
        end = index + 1
    space = line.rfind(" ", 0, end)
    return line[: space + 1] if space > 0 else line[:end]
