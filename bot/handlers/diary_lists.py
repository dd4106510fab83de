"""/tests, /teachers, /holidays, /recommendations and /finals (rendering with i18n)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from bot.diary.lists import (
    finals_of,
    holidays_of,
    recommendations_for,
    teachers_of,
    tests_of_period,
)
from bot.diary.service import DiaryContext
from bot.handlers.diary_common import (
    FINALS,
    HOLIDAYS,
    RECOMMENDATIONS,
    TEACHERS,
    TESTS,
    Section,
)
from bot.presentation.headings import header
from bot.presentation.lessons import day_name
from bot.presentation.text import escape
from db.unit_of_work import UnitOfWork

Renderer = Callable[[UnitOfWork, DiaryContext, str], Awaitable[str]]


async def render_tests(uow: UnitOfWork, context: DiaryContext, locale: str) -> str:
    period, tests = await tests_of_period(uow, context)
    lines = [header(_("Tests"), context)]
    if period:
        lines.append(escape(period))
    lines.append("")
    if not tests:
        lines.append(_("No tests are scheduled in this period."))
    for test in tests:
        mark = "✔️" if test.date < context.today else "📝"
        line = f"{mark} {day_name(test.date, locale)} — <b>{escape(test.subject)}</b>: "
        line += escape(test.kind)
        if test.topic:
            line += f" («{escape(test.topic)}»)"
        lines.append(line)
    return "\n".join(lines)


async def render_teachers(uow: UnitOfWork, context: DiaryContext, locale: str) -> str:
    view = await teachers_of(uow, context)
    lines = [header(_("Teachers"), context), ""]
    if view.class_teacher:
        lines += [_("Class teacher: {name}").format(name=escape(view.class_teacher)), ""]
    if not view.by_subject:
        lines.append(_("The journal has not sent the class's teachers yet."))
    for subject, names in view.by_subject:
        lines.append(f"<b>{escape(subject)}</b> — {escape(', '.join(names))}")
    return "\n".join(lines)


def span(first: dt.date, last: dt.date, locale: str) -> str:
    start, end = (format_date(day, "d MMMM", locale=locale) for day in (first, last))
    return f"{start} — {end}"


async def render_holidays(uow: UnitOfWork, context: DiaryContext, locale: str) -> str:
    holidays = await holidays_of(uow, context)
    title = _("Holidays")
    lines = [f"<b>{title}</b>", ""]
    if not holidays:
        lines.append(_("The journal has not sent the holiday schedule yet."))
    for holiday in holidays:
        text = f"{escape(holiday.name)}: {span(holiday.starts_on, holiday.ends_on, locale)}"
        lines.append(f"👉 <b>{text}</b>" if holiday.current_or_next else f"• {text}")
    return "\n".join(lines)


async def render_recommendations(uow: UnitOfWork, context: DiaryContext, locale: str) -> str:
    items = await recommendations_for(uow, context)
    lines = [header(_("Recommendations"), context), ""]
    if not items:
        lines.append(_("No recommendations from the teachers."))
    for item in items:
        about = [escape(item.subject)] if item.subject else []
        about.append(escape(item.teacher))
        lines.append(f"<b>{day_name(item.date, locale)}</b> · {', '.join(about)}")
        lines += [escape(item.text), ""]
    return "\n".join(lines).rstrip()


async def render_finals(uow: UnitOfWork, context: DiaryContext, locale: str) -> str:
    periods = await finals_of(uow, context)
    lines = [header(_("Final grades"), context), ""]
    if not periods:
        lines.append(_("No final grades yet."))
    for period in periods:
        lines.append(f"<b>{escape(period.name)}</b>")
        for grade in period.grades:
            if grade.deferred_until is not None:
                value = _("deferred until {date}").format(
                    date=grade.deferred_until.strftime("%d.%m.%Y")
                )
                if grade.reason:
                    value += f" ({escape(grade.reason)})"
            else:
                value = f"<b>{escape(grade.value or '')}</b>"
            lines.append(f"• {escape(grade.subject)} — {value}")
        if period.acknowledged_at is not None:
            moment = period.acknowledged_at.astimezone(ZoneInfo(context.timezone))
            lines.append(
                "☑️ "
                + _("You acknowledged them on {moment}").format(moment=f"{moment:%d.%m.%Y %H:%M}")
            )
        lines.append("")
    return "\n".join(lines).rstrip()


LIST_SECTIONS: dict[Section, Renderer] = {
    TESTS: render_tests,
    TEACHERS: render_teachers,
    HOLIDAYS: render_holidays,
    RECOMMENDATIONS: render_recommendations,
    FINALS: render_finals,
}
