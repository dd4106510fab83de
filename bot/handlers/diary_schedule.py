"""/schedule: a day or a week of lessons, with substitutions, moves and cancellations."""

from __future__ import annotations

import datetime as dt

from aiogram.utils.i18n import gettext as _

from bot.diary.service import (
    DiaryContext,
    schedule_between,
    schedule_of_day,
    week_of,
)
from bot.presentation.headings import header
from bot.presentation.lessons import day_name, lesson_text
from bot.presentation.translation import update_translator
from db.unit_of_work import UnitOfWork


async def render_schedule(uow: UnitOfWork, context: DiaryContext, day: dt.date, locale: str) -> str:
    lines = [header(_("Schedule"), context), day_name(day, locale), ""]
    lessons = await schedule_of_day(uow, context, day)
    if not lessons:
        lines.append(_("No lessons."))
    lines += [lesson_text(lesson, update_translator()) for lesson in lessons]
    return "\n".join(lines)


async def render_schedule_week(
    uow: UnitOfWork, context: DiaryContext, day: dt.date, locale: str
) -> str:
    first, last = week_of(day)
    lines = [
        header(_("Schedule"), context),
        f"{day_name(first, locale)} — {day_name(last, locale)}",
    ]
    days = await schedule_between(uow, context, first, last)
    if not days:
        lines += ["", _("No lessons.")]
    for lesson_day, lessons in days.items():
        lines += ["", f"<b>{day_name(lesson_day, locale)}</b>"]
        lines += [lesson_text(lesson, update_translator()) for lesson in lessons]
    return "\n".join(lines)
