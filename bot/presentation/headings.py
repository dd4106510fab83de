"""The shape diary sections share: the first line (what it is, and whose), and groups of
lines with an empty line between them."""

from __future__ import annotations

from collections.abc import Iterable

from bot.diary.views import DiaryContext
from bot.presentation.rendered import Block, Bold, Gap, Inline


def header_parts(title: str, context: DiaryContext) -> tuple[Inline, ...]:
    return (Bold(title), f" · {context.child.name}, {context.child.class_name}")


def separated(groups: Iterable[list[Block]]) -> list[Block]:
    """The groups one after another, an empty line between each two (none after the last)."""
    blocks: list[Block] = []
    for group in groups:
        blocks += [Gap(), *group] if blocks else group
    return blocks
