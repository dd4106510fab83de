"""What the diary's handlers share: the buttons' callback data, the keyboard under a
section (its labels and layout come from ``presentation/diary_navigation``) and the shape
of a section's renderer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clock import Clock
from bot.diary.sections import FORECAST, GRADES, PAGED, SCHEDULE_WEEK, TOGGLES, Section
from bot.diary.views import DiaryContext
from bot.presentation.diary_navigation import NavigationView, render_navigation
from bot.presentation.rendered import Button, Rendered
from bot.presentation.translation import Translator
from db.unit_of_work import UnitOfWork


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
    subjects: Sequence[tuple[int, str]],
    _: Translator,
) -> InlineKeyboardMarkup | None:
    """The buttons under a section; None when there is nothing to offer."""
    student = context.child.student_id

    def nav(target_section: Section, target: dt.date, to: int = student) -> str:
        return DiaryNav(section=target_section, student=to, day=target.isoformat()).pack()

    def drill(subject_id: int) -> str:
        return SubjectNav(
            student=student, subject=subject_id, day=day.isoformat(), section=section
        ).pack()

    step = dt.timedelta(days=7 if section in (GRADES, SCHEDULE_WEEK) else 1)
    other = TOGGLES.get(section)
    view = NavigationView(
        pages=(
            (nav(section, day - step), nav(section, context.today), nav(section, day + step))
            if section in PAGED
            else None
        ),
        toggle=(other, nav(other, day)) if other is not None else None,
        subjects=tuple((name, drill(subject_id)) for subject_id, name in subjects),
        chart=ChartRequest(student=student).pack() if section == FORECAST else None,
        children=tuple(
            (child.name, nav(section, day, child.student_id))
            for child in context.children
            if child.student_id != student
        ),
    )
    return inline_markup(render_navigation(view, _))


def inline_markup(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=button.text, callback_data=button.callback_data, url=button.url
                )
                for button in row
            ]
            for row in rows
        ]
    )


@dataclass(frozen=True)
class Page:
    """A section as rendered, and the subjects it offers to drill into (grades, homework)."""

    rendered: Rendered
    subjects: tuple[tuple[int, str], ...] = ()


# Loads a section's view for the child and the day, and renders it for the reader.
SectionRenderer = Callable[[UnitOfWork, Clock, DiaryContext, dt.date, Translator], Awaitable[Page]]
