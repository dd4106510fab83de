"""/grades, /schedule, /homework, /forecast and the list sections: a child's diary with
day/week and child navigation. Each section's view is loaded here and rendered for the
reader by ``bot/presentation/diary_*``."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.clock import Clock
from bot.diary.chart import trend_png
from bot.diary.forecast_view import forecast_for, trend_series
from bot.diary.sections import (
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
    Section,
)
from bot.diary.service import (
    diary_context,
    homework_between,
    homework_due_on,
    period_grades,
    record_grades_read,
    subject_name,
    week_grades,
)
from bot.diary.subject_view import subject_view
from bot.diary.views import DiaryContext, GradesView
from bot.handlers.diary_common import (
    ChartRequest,
    DiaryNav,
    Page,
    SectionRenderer,
    SubjectNav,
    inline_markup,
    keyboard,
)
from bot.handlers.diary_lists import LIST_SECTIONS
from bot.handlers.diary_schedule import SCHEDULE_SECTIONS
from bot.presentation.diary_grades import (
    chart_title,
    render_chart_caption,
    render_grades,
    render_subject,
)
from bot.presentation.diary_homework import render_homework, render_subject_homework
from bot.presentation.diary_navigation import (
    back_label,
    render_no_marks,
    render_not_linked,
    render_unavailable,
)
from bot.presentation.forecast import render_forecast
from bot.presentation.rendered import Button, Rendered
from bot.presentation.telegram import telegram_html, telegram_messages
from bot.presentation.translation import Translator, update_translator
from db.unit_of_work import UnitOfWork


async def grades(
    uow: UnitOfWork, clock: Clock, context: DiaryContext, day: dt.date, _: Translator
) -> Page:
    view = await week_grades(uow, context, day)
    await record_grades_read(uow, clock, context)
    return _grades_page(context, view, _)


async def grades_of_period(
    uow: UnitOfWork, clock: Clock, context: DiaryContext, _day: dt.date, _: Translator
) -> Page:
    view = await period_grades(uow, context)
    if view is None:
        return Page(render_grades(context, None, _))
    await record_grades_read(uow, clock, context)
    return _grades_page(context, view, _)


def _grades_page(context: DiaryContext, view: GradesView, _: Translator) -> Page:
    subjects = tuple((entry.subject_id, entry.subject) for entry in view.subjects)
    return Page(render_grades(context, view, _), subjects)


async def homework(
    uow: UnitOfWork, _clock: Clock, context: DiaryContext, day: dt.date, _: Translator
) -> Page:
    items = await homework_due_on(uow, context, day)
    # Each subject once, where it first appears.
    subjects = tuple({item.subject_id: item.subject for item in items}.items())
    return Page(render_homework(context, day, items, _), subjects)


async def forecast(
    uow: UnitOfWork, _clock: Clock, context: DiaryContext, _day: dt.date, _: Translator
) -> Page:
    return Page(render_forecast(context, await forecast_for(uow, context), _))


# Every section and what renders it (a test checks that none is missing).
RENDERERS: dict[Section, SectionRenderer] = {
    Section.GRADES: grades,
    Section.GRADES_PERIOD: grades_of_period,
    Section.HOMEWORK: homework,
    Section.FORECAST: forecast,
    **SCHEDULE_SECTIONS,
    **LIST_SECTIONS,
}


async def render(
    section: Section,
    uow: UnitOfWork,
    clock: Clock,
    context: DiaryContext,
    day: dt.date,
    _: Translator,
) -> Page:
    """The section as the reader sees it, and the subjects to offer for drilling in."""
    return await RENDERERS[section](uow, clock, context, day, _)


COMMANDS = {
    "grades": GRADES,
    "schedule": SCHEDULE,
    "homework": HOMEWORK,
    "forecast": FORECAST,
    "tests": TESTS,
    "teachers": TEACHERS,
    "holidays": HOLIDAYS,
    "recommendations": RECOMMENDATIONS,
    "finals": FINALS,
}


async def open_section(message: Message, section: Section, uow: UnitOfWork, clock: Clock) -> None:
    assert message.from_user is not None
    _ = update_translator()
    context = await diary_context(uow, clock, message.from_user.id, None)
    if context is None:
        await message.answer(render_not_linked(_))
        return
    day = context.today + dt.timedelta(days=1) if section == HOMEWORK else context.today
    page = await render(section, uow, clock, context, day, _)
    *parts, last = telegram_messages(page.rendered)
    for part in parts:
        await message.answer(part)
    await message.answer(last, reply_markup=keyboard(section, context, day, page.subjects, _))


def section_command(
    section: Section,
) -> Callable[[Message, UnitOfWork, Clock], Awaitable[None]]:
    async def show(message: Message, uow: UnitOfWork, clock: Clock) -> None:
        await open_section(message, section, uow, clock)

    return show


async def navigate(
    query: CallbackQuery, callback_data: DiaryNav, uow: UnitOfWork, clock: Clock
) -> None:
    _ = update_translator()
    try:
        day = dt.date.fromisoformat(callback_data.day)
    except ValueError:
        day = None
    context = await diary_context(uow, clock, query.from_user.id, callback_data.student)
    section = Section(callback_data.section) if callback_data.section in SECTIONS else None
    if context is None or day is None or section is None:
        # A forged or stale button (another family's child, a bad date): refuse, show nothing.
        await query.answer(render_unavailable(_), show_alert=True)
        return
    page = await render(section, uow, clock, context, day, _)
    await query.answer()
    markup = keyboard(section, context, day, page.subjects, _)
    await edit_in_place(query, page.rendered, markup)


async def edit_in_place(
    query: CallbackQuery, rendered: Rendered, markup: InlineKeyboardMarkup | None
) -> None:
    """Edited in place: one message per section, not a new one per tap. A text too long for
    one message continues in new ones, the buttons under the last: never cut."""
    if query.message is None or query.bot is None:
        return
    bot: Bot = query.bot
    first, *rest = telegram_messages(rendered)
    chat_id = query.message.chat.id
    await bot.edit_message_text(
        text=first,
        chat_id=chat_id,
        message_id=query.message.message_id,
        reply_markup=None if rest else markup,
    )
    for index, part in enumerate(rest, start=1):
        await bot.send_message(chat_id, part, reply_markup=markup if index == len(rest) else None)


async def send_chart(
    query: CallbackQuery, callback_data: ChartRequest, uow: UnitOfWork, clock: Clock
) -> None:
    _ = update_translator()
    context = await diary_context(uow, clock, query.from_user.id, callback_data.student)
    series = await trend_series(uow, context) if context is not None else None
    if context is None or query.message is None or query.bot is None:
        await query.answer(render_unavailable(_), show_alert=True)
        return
    if series is None or not series[2]:
        await query.answer(render_no_marks(_), show_alert=True)
        return
    period, thresholds, points = series
    title = chart_title(context.child.name, period)
    # Drawing takes a noticeable fraction of a second: keep it off the event loop.
    png = await asyncio.to_thread(trend_png, points, title=title, thresholds=thresholds)
    await query.answer()
    await query.bot.send_photo(
        query.message.chat.id,
        BufferedInputFile(png, filename="trend.png"),
        caption=telegram_html(render_chart_caption(context.child.name, period, _)),
    )


async def subject_page(
    uow: UnitOfWork, context: DiaryContext, request: SubjectNav, _: Translator
) -> Rendered | None:
    """A subject drilled into from the grades (its marks) or the homework (its tasks);
    None for a subject of another school or a bad date."""
    if request.section == HOMEWORK:
        try:
            day = dt.date.fromisoformat(request.day)
        except ValueError:
            return None
        return await subject_homework(uow, context, request.subject, day, _)
    view = await subject_view(uow, context, request.subject)
    return render_subject(context, view, _) if view else None


async def subject_homework(
    uow: UnitOfWork, context: DiaryContext, subject_id: int, day: dt.date, _: Translator
) -> Rendered | None:
    """A subject's homework from a week before ``day`` to two weeks after it."""
    subject = await subject_name(uow, context, subject_id)
    if subject is None:
        return None
    first, last = day - dt.timedelta(days=7), day + dt.timedelta(days=14)
    items = await homework_between(uow, context, first, last, subject_id)
    return render_subject_homework(context, subject, items, _)


async def show_subject(
    query: CallbackQuery, callback_data: SubjectNav, uow: UnitOfWork, clock: Clock
) -> None:
    _ = update_translator()
    context = await diary_context(uow, clock, query.from_user.id, callback_data.student)
    rendered = await subject_page(uow, context, callback_data, _) if context else None
    if context is None or rendered is None or query.message is None or query.bot is None:
        await query.answer(render_unavailable(_), show_alert=True)
        return
    to_homework = callback_data.section == HOMEWORK
    back = DiaryNav(
        section=HOMEWORK if to_homework else GRADES,
        student=context.child.student_id,
        day=callback_data.day,
    )
    await query.answer()
    markup = inline_markup([[Button(back_label(to_homework, _), back.pack())]])
    await edit_in_place(query, rendered, markup)


def build_router() -> Router:
    router = Router(name="diary")
    for command, section in COMMANDS.items():
        router.message.register(section_command(section), Command(command))
    router.callback_query.register(navigate, DiaryNav.filter())
    router.callback_query.register(send_chart, ChartRequest.filter())
    router.callback_query.register(show_subject, SubjectNav.filter())
    return router
