"""/schedule: a day or a week of lessons, with substitutions, moves and cancellations."""

from __future__ import annotations

import datetime as dt

from aiogram.utils.i18n import gettext as _

from bot.diary.service import (
    DiaryContext,
    LessonLine,
    schedule_between,
    schedule_of_day,
    week_of,
)
from bot.handlers.diary_common import day_name, header
from bot.presentation.text import escape
from db.models import LessonStatus
from db.unit_of_work import UnitOfWork


def time_range(start: dt.time | None, end: dt.time | None) -> str:
    if start and end:
        return f"{start:%H:%M}–{end:%H:%M} "
    return ""


def lesson_text(lesson: LessonLine, locale: str) -> str:
    subject = escape(lesson.subject)
    text = f"{lesson.number}. {time_range(lesson.starts_at, lesson.ends_at)}{subject}"
    if lesson.moved_from is not None:
        return f"{lesson.number}. ↩️ {subject} — " + _("moved here from {day}").format(
            day=day_name(lesson.moved_from, locale)
        )
    if lesson.moved_to is not None:
        moved_day, number = lesson.moved_to
        return f"{lesson.number}. ↪️ <s>{subject}</s> — " + _(
            "moved to {day}, lesson {number}"
        ).format(day=day_name(moved_day, locale), number=number)
    if lesson.status == LessonStatus.CANCELLED:
        return f"{lesson.number}. ❌ <s>{subject}</s> — " + _("cancelled")
    if lesson.status == LessonStatus.SUBSTITUTED and lesson.substitute:
        text += " — 🔁 " + _("substitution: {substitute} instead of {teacher}").format(
            substitute=escape(lesson.substitute), teacher=escape(lesson.teacher)
        )
    else:
        text += f" — {escape(lesson.teacher)}"
    if lesson.room:
        text += ", " + _("room {room}").format(room=escape(lesson.room))
    return text


async def render_schedule(uow: UnitOfWork, context: DiaryContext, day: dt.date, locale: str) -> str:
    lines = [header(_("Schedule"), context), day_name(day, locale), ""]
    lessons = await schedule_of_day(uow, context, day)
    if not lessons:
        lines.append(_("No lessons."))
    lines += [lesson_text(lesson, locale) for lesson in lessons]
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
        lines += [lesson_text(lesson, locale) for lesson in lessons]
    return "\n".join(lines)
