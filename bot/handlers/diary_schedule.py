"""/schedule: a day or a week of lessons, loaded for the child and rendered for the reader
by ``presentation/diary_schedule``."""

from __future__ import annotations

import datetime as dt

from bot.clock import Clock
from bot.diary.sections import SCHEDULE, SCHEDULE_WEEK, Section
from bot.diary.service import schedule_between, schedule_of_day, week_of
from bot.diary.views import DiaryContext
from bot.handlers.diary_common import Page, SectionRenderer
from bot.presentation.diary_schedule import render_schedule_day, render_schedule_week
from bot.presentation.translation import Translator
from db.unit_of_work import UnitOfWork


async def schedule_day(
    uow: UnitOfWork, _clock: Clock, context: DiaryContext, day: dt.date, _: Translator
) -> Page:
    lessons = await schedule_of_day(uow, context, day)
    return Page(render_schedule_day(context, day, lessons, _))


async def schedule_week(
    uow: UnitOfWork, _clock: Clock, context: DiaryContext, day: dt.date, _: Translator
) -> Page:
    first, last = week_of(day)
    days = await schedule_between(uow, context, first, last)
    return Page(render_schedule_week(context, first, last, days, _))


SCHEDULE_SECTIONS: dict[Section, SectionRenderer] = {
    SCHEDULE: schedule_day,
    SCHEDULE_WEEK: schedule_week,
}
