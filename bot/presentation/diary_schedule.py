"""The diary's schedule: a day or a week of lessons, with substitutions, moves and
cancellations.

Translated with the translator it is given (the reader's language).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from bot.diary.views import DiaryContext, LessonLine
from bot.presentation.headings import header_parts
from bot.presentation.lessons import lesson_parts
from bot.presentation.numbers_and_days import day_name
from bot.presentation.rendered import Block, Bold, Gap, Paragraph, Rendered, paragraph
from bot.presentation.translation import Translator


def render_schedule_day(
    context: DiaryContext, day: dt.date, lessons: Sequence[LessonLine], _: Translator
) -> Rendered:
    blocks: list[Block] = [Paragraph(header_parts(_("Schedule"), context))]
    blocks += [paragraph(day_name(day, _.locale)), Gap()]
    if not lessons:
        blocks.append(paragraph(_("No lessons.")))
    blocks += [Paragraph(lesson_parts(lesson, _)) for lesson in lessons]
    return Rendered(tuple(blocks))


def render_schedule_week(
    context: DiaryContext,
    first: dt.date,
    last: dt.date,
    days: Mapping[dt.date, Sequence[LessonLine]],
    _: Translator,
) -> Rendered:
    """The week's days that have lessons, each under its name."""
    span = f"{day_name(first, _.locale)} — {day_name(last, _.locale)}"
    blocks: list[Block] = [Paragraph(header_parts(_("Schedule"), context)), paragraph(span)]
    if not days:
        blocks += [Gap(), paragraph(_("No lessons."))]
    for day, lessons in days.items():
        blocks += [Gap(), paragraph(Bold(day_name(day, _.locale)))]
        blocks += [Paragraph(lesson_parts(lesson, _)) for lesson in lessons]
    return Rendered(tuple(blocks))
