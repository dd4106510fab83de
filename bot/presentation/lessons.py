"""A lesson and a day as a line of text (the diary's schedule, the evening brief).

Translated with the translator it is given (the reader's language).
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from bot.diary.service import LessonLine
from bot.presentation.text import escape
from bot.presentation.translation import Translator
from db.models import LessonStatus


def day_name(day: dt.date, locale: str) -> str:
    return format_date(day, "EEE, d MMMM", locale=locale)


def time_range(start: dt.time | None, end: dt.time | None) -> str:
    if start and end:
        return f"{start:%H:%M}–{end:%H:%M} "
    return ""


def lesson_text(lesson: LessonLine, _: Translator) -> str:
    locale = _.locale
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
