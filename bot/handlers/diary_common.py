"""What the diary sections share: their codes, the navigation button, headers and dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.diary.service import DiaryContext


class Section(StrEnum):
    """The diary's sections, by the short code their buttons carry."""

    GRADES = "g"
    SCHEDULE = "s"
    HOMEWORK = "h"
    FORECAST = "f"
    TESTS = "t"
    TEACHERS = "c"
    HOLIDAYS = "o"
    RECOMMENDATIONS = "r"
    FINALS = "n"
    GRADES_PERIOD = "p"
    SCHEDULE_WEEK = "w"


GRADES, SCHEDULE, HOMEWORK, FORECAST = (
    Section.GRADES, Section.SCHEDULE, Section.HOMEWORK, Section.FORECAST
)  # fmt: skip
TESTS, TEACHERS, HOLIDAYS, RECOMMENDATIONS, FINALS = (
    Section.TESTS, Section.TEACHERS, Section.HOLIDAYS, Section.RECOMMENDATIONS, Section.FINALS
)  # fmt: skip
GRADES_PERIOD, SCHEDULE_WEEK = Section.GRADES_PERIOD, Section.SCHEDULE_WEEK
# The other view of the same thing: a week's grades ↔ the period's, a day ↔ a week.
TOGGLES = {
    GRADES: GRADES_PERIOD,
    GRADES_PERIOD: GRADES,
    SCHEDULE: SCHEDULE_WEEK,
    SCHEDULE_WEEK: SCHEDULE,
}
SECTIONS = tuple(Section)
# Sections shown for a day or a week, with «/Today/» buttons; the others show one list.
PAGED = (GRADES, SCHEDULE, HOMEWORK, SCHEDULE_WEEK)


class DiaryNav(CallbackData, prefix="d"):
    section: str
    student: int
    day: str  # ISO date


class SubjectNav(CallbackData, prefix="subj"):
    student: int
    subject: int
    day: str  # the day or week to return to
    section: str = "g"  # drilled in from the grades ("g") or the homework ("h")


class ChartRequest(CallbackData, prefix="chart"):
    student: int


def keyboard(
    section: Section,
    context: DiaryContext,
    day: dt.date,
    subjects: Sequence[tuple[int, str]] = (),
) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    student = context.child.student_id
    sizes: list[int] = []
    if section in PAGED:
        step = dt.timedelta(days=7 if section in (GRADES, SCHEDULE_WEEK) else 1)
        pages = (("«", day - step), (_("Today"), context.today), ("»", day + step))
        for text, target in pages:
            builder.button(
                text=text,
                callback_data=DiaryNav(section=section, student=student, day=target.isoformat()),
            )
        sizes.append(3)
    if section in TOGGLES:
        labels = {
            GRADES_PERIOD: _("For the period"),
            GRADES: _("For the week"),
            SCHEDULE_WEEK: _("Week"),
            SCHEDULE: _("Day"),
        }
        other = TOGGLES[section]
        builder.button(
            text=labels[other],
            callback_data=DiaryNav(section=other, student=student, day=day.isoformat()),
        )
        sizes.append(1)
    for subject_id, name in subjects:
        builder.button(
            text=f"🔎 {name}",
            callback_data=SubjectNav(
                student=student, subject=subject_id, day=day.isoformat(), section=section
            ),
        )
    # Two subjects a row; an odd last one alone, so the rows after keep their own sizes.
    sizes += [2] * (len(subjects) // 2) + [1] * (len(subjects) % 2)
    if section == FORECAST:
        builder.button(text=_("📈 Chart"), callback_data=ChartRequest(student=student))
        sizes.append(1)
    others = [child for child in context.children if child.student_id != student]
    for child in others:
        builder.button(
            text=child.name,
            callback_data=DiaryNav(section=section, student=child.student_id, day=day.isoformat()),
        )
        sizes.append(1)
    if not sizes:
        return None
    builder.adjust(*sizes)
    return builder.as_markup()
