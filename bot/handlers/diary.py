"""/grades, /schedule and /homework: a child's diary with day/week and child navigation."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from decimal import Decimal

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.numbers import format_decimal

from bot.clock import Clock
from bot.diary.chart import trend_png
from bot.diary.forecast_view import forecast_for, trend_series
from bot.diary.service import (
    DiaryContext,
    SubjectMarks,
    current_period_span,
    diary_context,
    grades_between,
    homework_between,
    homework_due_on,
    record_grades_read,
    subject_name,
    week_of,
)
from bot.diary.subject_view import SubjectView, subject_view
from bot.grading.forecast import rounded_average
from bot.handlers.diary_common import (
    FINALS,
    FORECAST,
    GRADES,
    HOLIDAYS,
    HOMEWORK,
    RECOMMENDATIONS,
    SCHEDULE,
    SECTIONS,
    TEACHERS,
    TESTS,
    ChartRequest,
    DiaryNav,
    Section,
    SubjectNav,
    keyboard,
)
from bot.handlers.diary_lists import LIST_SECTIONS
from bot.handlers.diary_schedule import render_schedule, render_schedule_week
from bot.i18n import N_
from bot.presentation.forecast import forecast_text
from bot.presentation.headings import header
from bot.presentation.lessons import day_name
from bot.presentation.text import escape, split_message
from bot.presentation.translation import update_translator
from db.unit_of_work import UnitOfWork


def grades_text(
    context: DiaryContext, span: str, subjects: list[SubjectMarks], empty: str, locale: str
) -> tuple[str, list[tuple[int, str]]]:
    lines = [header(_("Grades"), context), span, ""]
    if not subjects:
        lines.append(empty)
    for entry in subjects:
        title = f"<b>{escape(entry.subject)}</b>"
        if entry.average is not None:
            # Rounded as the forecast rounds it, so the two views never disagree.
            shown = Decimal(rounded_average(entry.average))
            average = format_decimal(shown, "0.00", locale=locale)
            title += " · " + _("average {average}").format(average=average)
        lines.append(title)
        for mark in entry.marks:
            details = [day_name(mark.date, locale)]
            if mark.work_type:
                details.append(escape(mark.work_type))
            if mark.weight != 1:
                weight = format_decimal(mark.weight, "0.##", locale=locale)
                details.append(_("weight {weight}").format(weight=weight))
            lines.append(f"• <b>{escape(mark.value)}</b> — " + ", ".join(details))
        lines.append("")
    buttons = [(entry.subject_id, entry.subject) for entry in subjects]
    return "\n".join(lines).rstrip(), buttons


async def render_grades(
    uow: UnitOfWork, clock: Clock, context: DiaryContext, day: dt.date, locale: str
) -> tuple[str, list[tuple[int, str]]]:
    first, last = week_of(day)
    subjects = await grades_between(uow, context, first, last)
    await record_grades_read(uow, clock, context)
    span = f"{day_name(first, locale)} — {day_name(last, locale)}"
    return grades_text(context, span, subjects, _("No marks this week."), locale)


async def render_grades_of_period(
    uow: UnitOfWork, clock: Clock, context: DiaryContext, locale: str
) -> tuple[str, list[tuple[int, str]]]:
    period = await current_period_span(uow, context)
    if period is None:
        return header(_("Grades"), context) + "\n\n" + _(
            "There is no current period in the journal data."
        ), []
    name, first, last = period
    subjects = await grades_between(uow, context, first, min(last, context.today))
    await record_grades_read(uow, clock, context)
    span = f"{escape(name)}: {day_name(first, locale)} — {day_name(last, locale)}"
    return grades_text(context, span, subjects, _("No marks in this period yet."), locale)


async def render_homework(
    uow: UnitOfWork, context: DiaryContext, day: dt.date, locale: str
) -> tuple[str, list[tuple[int, str]]]:
    lines = [header(_("Homework"), context), _("Due {day}").format(day=day_name(day, locale)), ""]
    items = await homework_due_on(uow, context, day)
    if not items:
        lines.append(_("Nothing is due on this day."))
    subjects: dict[int, str] = {}
    for item in items:
        lines += [f"<b>{escape(item.subject)}</b>", escape(item.text), ""]
        subjects.setdefault(item.subject_id, item.subject)
    return "\n".join(lines).rstrip(), list(subjects.items())


async def render_subject_homework(
    uow: UnitOfWork, context: DiaryContext, subject_id: int, day: dt.date, locale: str
) -> str | None:
    """A subject's homework from a week before ``day`` to two weeks after it."""
    subject = await subject_name(uow, context, subject_id)
    if subject is None:
        return None
    items = await homework_between(
        uow, context, day - dt.timedelta(days=7), day + dt.timedelta(days=14), subject_id
    )
    lines = [header(_("Homework") + f": {escape(subject)}", context), ""]
    if not items:
        lines.append(_("Nothing is due on this day."))
    for item in items:
        due = _("Due {day}").format(day=day_name(item.due_on, locale))
        lines += [f"<b>{due}</b>", escape(item.text), ""]
    return "\n".join(lines).rstrip()


async def render_forecast(uow: UnitOfWork, context: DiaryContext, locale: str) -> str:
    return forecast_text(context, await forecast_for(uow, context), update_translator())


SectionRenderer = Callable[
    [UnitOfWork, Clock, DiaryContext, dt.date, str], Awaitable[tuple[str, list[tuple[int, str]]]]
]


def _without_subjects(
    render_text: Callable[[UnitOfWork, DiaryContext, dt.date, str], Awaitable[str]],
) -> SectionRenderer:
    async def rendered(
        uow: UnitOfWork, _clock: Clock, context: DiaryContext, day: dt.date, locale: str
    ) -> tuple[str, list[tuple[int, str]]]:
        return await render_text(uow, context, day, locale), []

    return rendered


def _list(section: Section) -> SectionRenderer:
    async def rendered(
        uow: UnitOfWork, _clock: Clock, context: DiaryContext, _day: dt.date, locale: str
    ) -> tuple[str, list[tuple[int, str]]]:
        return await LIST_SECTIONS[section](uow, context, locale), []

    return rendered


async def _forecast(
    uow: UnitOfWork, _clock: Clock, context: DiaryContext, _day: dt.date, locale: str
) -> tuple[str, list[tuple[int, str]]]:
    return await render_forecast(uow, context, locale), []


async def _homework(
    uow: UnitOfWork, _clock: Clock, context: DiaryContext, day: dt.date, locale: str
) -> tuple[str, list[tuple[int, str]]]:
    return await render_homework(uow, context, day, locale)


async def _grades_of_period(
    uow: UnitOfWork, clock: Clock, context: DiaryContext, _day: dt.date, locale: str
) -> tuple[str, list[tuple[int, str]]]:
    return await render_grades_of_period(uow, clock, context, locale)


# Every section and what renders it (a test checks that none is missing).
RENDERERS: dict[Section, SectionRenderer] = {
    Section.GRADES: render_grades,
    Section.GRADES_PERIOD: _grades_of_period,
    Section.SCHEDULE: _without_subjects(render_schedule),
    Section.SCHEDULE_WEEK: _without_subjects(render_schedule_week),
    Section.HOMEWORK: _homework,
    Section.FORECAST: _forecast,
    **{section: _list(section) for section in LIST_SECTIONS},
}


async def render(
    section: Section,
    uow: UnitOfWork,
    clock: Clock,
    context: DiaryContext,
    day: dt.date,
    locale: str,
) -> tuple[str, list[tuple[int, str]]]:
    """The section's text, and the subjects to offer for drilling in (grades only)."""
    return await RENDERERS[section](uow, clock, context, day, locale)


LIST_COMMANDS = {
    "tests": TESTS,
    "teachers": TEACHERS,
    "holidays": HOLIDAYS,
    "recommendations": RECOMMENDATIONS,
    "finals": FINALS,
}
NOT_LINKED = N_("Nobody is linked yet. Send me the code from the school's letter to link a child.")


async def open_section(
    message: Message, section: Section, uow: UnitOfWork, clock: Clock, i18n: I18n
) -> None:
    assert message.from_user is not None
    context = await diary_context(uow, clock, message.from_user.id, None)
    if context is None:
        await message.answer(_(NOT_LINKED))
        return
    day = context.today + dt.timedelta(days=1) if section == HOMEWORK else context.today
    text, subjects = await render(section, uow, clock, context, day, i18n.current_locale)
    parts = split_message(text)
    for part in parts[:-1]:
        await message.answer(part)
    await message.answer(parts[-1], reply_markup=keyboard(section, context, day, subjects))


async def show_grades(message: Message, uow: UnitOfWork, clock: Clock, i18n: I18n) -> None:
    await open_section(message, GRADES, uow, clock, i18n)


async def show_schedule(message: Message, uow: UnitOfWork, clock: Clock, i18n: I18n) -> None:
    await open_section(message, SCHEDULE, uow, clock, i18n)


async def show_homework(message: Message, uow: UnitOfWork, clock: Clock, i18n: I18n) -> None:
    await open_section(message, HOMEWORK, uow, clock, i18n)


async def show_forecast(message: Message, uow: UnitOfWork, clock: Clock, i18n: I18n) -> None:
    await open_section(message, FORECAST, uow, clock, i18n)


def section_command(
    section: Section,
) -> Callable[[Message, UnitOfWork, Clock, I18n], Awaitable[None]]:
    async def show(message: Message, uow: UnitOfWork, clock: Clock, i18n: I18n) -> None:
        await open_section(message, section, uow, clock, i18n)

    return show


async def navigate(
    query: CallbackQuery, callback_data: DiaryNav, uow: UnitOfWork, clock: Clock, i18n: I18n
) -> None:
    try:
        day = dt.date.fromisoformat(callback_data.day)
    except ValueError:
        day = None
    context = await diary_context(uow, clock, query.from_user.id, callback_data.student)
    section = Section(callback_data.section) if callback_data.section in SECTIONS else None
    if context is None or day is None or section is None:
        # A forged or stale button (another family's child, a bad date): refuse, show nothing.
        await query.answer(_("This diary is not available to you."), show_alert=True)
        return
    text, subjects = await render(section, uow, clock, context, day, i18n.current_locale)
    await query.answer()
    if query.message is not None and query.bot is not None:
        # Edited in place: one message per section, not a new one per tap. A text too long
        # for one message continues in new ones, the buttons under the last: never cut.
        first, *rest = split_message(text)
        markup = keyboard(section, context, day, subjects)
        chat_id = query.message.chat.id
        await query.bot.edit_message_text(
            text=first,
            chat_id=chat_id,
            message_id=query.message.message_id,
            reply_markup=None if rest else markup,
        )
        for index, part in enumerate(rest, start=1):
            await query.bot.send_message(
                chat_id, part, reply_markup=markup if index == len(rest) else None
            )


async def send_chart(
    query: CallbackQuery, callback_data: ChartRequest, uow: UnitOfWork, clock: Clock
) -> None:
    context = await diary_context(uow, clock, query.from_user.id, callback_data.student)
    series = await trend_series(uow, context) if context is not None else None
    if context is None or query.message is None or query.bot is None:
        await query.answer(_("This diary is not available to you."), show_alert=True)
        return
    if series is None or not series[2]:
        await query.answer(_("No marks in this period yet."), show_alert=True)
        return
    period, thresholds, points = series
    title = f"{context.child.name} · {period}"
    # Drawing takes a noticeable fraction of a second: keep it off the event loop.
    png = await asyncio.to_thread(trend_png, points, title=title, thresholds=thresholds)
    await query.answer()
    await query.bot.send_photo(
        query.message.chat.id,
        BufferedInputFile(png, filename="trend.png"),
        caption=_("Weighted average by subject: {child}, {period}").format(
            child=escape(context.child.name), period=escape(period)
        ),
    )


async def render_subject(view: SubjectView, context: DiaryContext, locale: str) -> str:
    lines = [header(escape(view.subject), context)]
    if view.period:
        lines.append(escape(view.period))
    lines.append("")
    if not view.marks:
        lines.append(_("No marks in this period yet."))
    for mark in view.marks:
        details = [day_name(mark.date, locale)]
        if mark.work_type:
            details.append(escape(mark.work_type))
        lines.append(f"• <b>{escape(mark.value)}</b> — " + ", ".join(details))
    if view.forecast.average is not None:
        average = rounded_average(view.forecast.average)
        lines += [
            "",
            _("Average: {average}").format(
                average=format_decimal(Decimal(average), "0.00", locale=locale)
            ),
        ]
    if view.topics:
        topics_title = _("Lesson topics")
        lines += ["", f"<b>{topics_title}</b>"]
        lines += [f"• {day_name(day, locale)} — {escape(topic)}" for day, topic in view.topics]
    return "\n".join(lines)


async def subject_text(
    uow: UnitOfWork, context: DiaryContext | None, request: SubjectNav, locale: str
) -> str | None:
    if context is None:
        return None
    if request.section == HOMEWORK:
        try:
            day = dt.date.fromisoformat(request.day)
        except ValueError:
            return None
        return await render_subject_homework(uow, context, request.subject, day, locale)
    view = await subject_view(uow, context, request.subject)
    return await render_subject(view, context, locale) if view else None


async def show_subject(
    query: CallbackQuery, callback_data: SubjectNav, uow: UnitOfWork, clock: Clock, i18n: I18n
) -> None:
    context = await diary_context(uow, clock, query.from_user.id, callback_data.student)
    text = await subject_text(uow, context, callback_data, i18n.current_locale)
    if context is None or text is None or query.message is None or query.bot is None:
        await query.answer(_("This diary is not available to you."), show_alert=True)
        return
    back = InlineKeyboardBuilder()
    homework = callback_data.section == HOMEWORK
    back.button(
        text=_("« Back to the homework") if homework else _("« Back to the grades"),
        callback_data=DiaryNav(
            section=HOMEWORK if homework else GRADES,
            student=context.child.student_id,
            day=callback_data.day,
        ),
    )
    await query.answer()
    await query.bot.edit_message_text(
        text=split_message(text)[0],
        chat_id=query.message.chat.id,
        message_id=query.message.message_id,
        reply_markup=back.as_markup(),
    )


def build_router() -> Router:
    router = Router(name="diary")
    router.message.register(show_grades, Command("grades"))
    router.message.register(show_schedule, Command("schedule"))
    router.message.register(show_homework, Command("homework"))
    router.message.register(show_forecast, Command("forecast"))
    for command, section in LIST_COMMANDS.items():
        router.message.register(section_command(section), Command(command))
    router.callback_query.register(navigate, DiaryNav.filter())
    router.callback_query.register(send_chart, ChartRequest.filter())
    router.callback_query.register(show_subject, SubjectNav.filter())
    return router
