"""A lesson and a day as a line of text (the diary's schedule, the evening brief).

Translated with the translator it is given (the reader's language).
"""

from __future__ import annotations

import datetime as dt

from bot.diary.views import LessonLine
from bot.presentation.numbers_and_days import day_name
from bot.presentation.rendered import Inline, Struck
from bot.presentation.translation import Translator
from db.models import LessonStatus


def time_range(start: dt.time | None, end: dt.time | None) -> str:
    if start and end:
        return f"{start:%H:%M}–{end:%H:%M} "
    return ""


def lesson_parts(lesson: LessonLine, _: Translator) -> tuple[Inline, ...]:
    """The lesson as one line: number, time, subject, and what changed or who teaches it."""
    locale = _.locale
    subject = lesson.subject
    if lesson.moved_from is not None:
        moved_here = _("moved here from {day}").format(day=day_name(lesson.moved_from, locale))
        return (f"{lesson.number}. ↩️ {subject} — {moved_here}",)
    if lesson.moved_to is not None:
        moved_day, number = lesson.moved_to
        moved = _("moved to {day}, lesson {number}").format(
            day=day_name(moved_day, locale), number=number
        )
        return (f"{lesson.number}. ↪️ ", Struck(subject), f" — {moved}")
    if lesson.status == LessonStatus.CANCELLED:
        return (f"{lesson.number}. ❌ ", Struck(subject), " — " + _("cancelled"))
    text = f"{lesson.number}. {time_range(lesson.starts_at, lesson.ends_at)}{subject}"
    if lesson.status == LessonStatus.SUBSTITUTED and lesson.substitute:
        text += " — 🔁 " + _("substitution: {substitute} instead of {teacher}").format(
            substitute=lesson.substitute, teacher=lesson.teacher
        )
    else:
        text += f" — {lesson.teacher}"
    if lesson.room:
        text += ", " + _("room {room}").format(room=lesson.room)
    return (text,)
