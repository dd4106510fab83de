"""The diary's homework: what is due on a day, and one subject's tasks around it.

Translated with the translator it is given (the reader's language).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.diary.views import DiaryContext, HomeworkLine
from bot.presentation.headings import header_parts, separated
from bot.presentation.numbers_and_days import day_name
from bot.presentation.rendered import Block, Bold, Gap, Paragraph, Rendered, paragraph
from bot.presentation.translation import Translator


def render_homework(
    context: DiaryContext, day: dt.date, items: Sequence[HomeworkLine], _: Translator
) -> Rendered:
    """Everything due on ``day``, subject by subject."""
    blocks: list[Block] = [Paragraph(header_parts(_("Homework"), context))]
    blocks += [paragraph(_due(day, _)), Gap()]
    if not items:
        blocks.append(paragraph(_("Nothing is due on this day.")))
    blocks += separated([paragraph(Bold(item.subject)), paragraph(item.text)] for item in items)
    return Rendered(tuple(blocks))


def render_subject_homework(
    context: DiaryContext, subject: str, items: Sequence[HomeworkLine], _: Translator
) -> Rendered:
    """One subject's tasks, each under the day it is due."""
    title = _("Homework") + f": {subject}"
    blocks: list[Block] = [Paragraph(header_parts(title, context)), Gap()]
    if not items:
        blocks.append(paragraph(_("Nothing is due on this day.")))
    blocks += separated(
        [paragraph(Bold(_due(item.due_on, _))), paragraph(item.text)] for item in items
    )
    return Rendered(tuple(blocks))


def _due(day: dt.date, _: Translator) -> str:
    return _("Due {day}").format(day=day_name(day, _.locale))
