"""The weekly summary a class teacher reads: which parents looked at current grades at
least twice last week, which fewer, which never, and which get paper instead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.presentation.rendered import Block, Bold, Bullets, Gap, Rendered, paragraph
from bot.presentation.translation import Translator


@dataclass(frozen=True)
class ReadingFamily:
    guardian: str
    student: str


@dataclass(frozen=True)
class ReadingSummary:
    class_name: str
    first: dt.date
    last: dt.date
    enough: tuple[ReadingFamily, ...]  # at least twice
    fewer: tuple[ReadingFamily, ...]
    never: tuple[ReadingFamily, ...]
    no_access: tuple[ReadingFamily, ...]  # no electronic access: they get paper


def render_reading_summary(view: ReadingSummary, _: Translator) -> Rendered:
    heading = _("Parents reading the diary, {class_name}, {first} – {last}").format(
        class_name=view.class_name, first=f"{view.first:%d.%m.%Y}", last=f"{view.last:%d.%m.%Y}"
    )
    blocks: list[Block] = [paragraph(Bold(heading))]
    groups = (
        (_("At least twice a week"), view.enough),
        (_("Less than twice"), view.fewer),
        (_("Never"), view.never),
        (_("No electronic access (paper statements)"), view.no_access),
    )
    for name, families in groups:
        blocks += [Gap(), paragraph(Bold(f"{name}: {len(families)}"))]
        if families:
            blocks.append(Bullets(tuple((f"{f.guardian} ({f.student})",) for f in families)))
    return Rendered(tuple(blocks))
