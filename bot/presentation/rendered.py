"""What a person reads, independent of the channel it goes through.

A renderer in ``bot/presentation/`` turns a plain view object into a :class:`Rendered`:
paragraphs of text with emphasis and links, bullet lists and buttons. Nothing above
``presentation/`` builds markup: Telegram's HTML comes from :mod:`bot.presentation.telegram`
(and an e-mail's from its own renderer), each escaping the text it is given, so journal
and user text can never become markup by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bold:
    text: str


@dataclass(frozen=True)
class Struck:
    """Text struck through: a cancelled or moved lesson."""

    text: str


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Code:
    """Text to be copied as it is: a link code, a calendar address."""

    text: str


Inline = str | Bold | Struck | Link | Code


@dataclass(frozen=True)
class Paragraph:
    """One line of text (a paragraph in channels that wrap), made of inline pieces."""

    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class Gap:
    """An empty line between parts of a message."""


Block = Paragraph | Bullets | Gap


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Rendered:
    blocks: tuple[Block, ...]
    buttons: tuple[tuple[Button, ...], ...] = field(default=())


def paragraph(*parts: Inline) -> Paragraph:
    return Paragraph(tuple(parts))


def lines_of(rendered: Rendered, inline: Callable[[Inline], str]) -> list[str]:
    """The blocks as lines, each inline piece written by ``inline`` (each channel its own)."""
    lines: list[str] = []
    for block in rendered.blocks:
        if isinstance(block, Paragraph):
            lines.append("".join(inline(part) for part in block.parts))
        elif isinstance(block, Bullets):
            lines.extend("• " + "".join(inline(part) for part in item) for item in block.items)
        else:
            lines.append("")
    return lines


def plain_text(rendered: Rendered) -> str:
    """The text alone, without emphasis or link targets (plain e-mail parts, logs, tests)."""
    return "\n".join(lines_of(rendered, _plain))


def _plain(part: Inline) -> str:
    return part if isinstance(part, str) else part.text
