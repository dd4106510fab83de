"""/tests, /teachers, /holidays, /recommendations and /finals: each list's view, loaded for
the child and rendered for the reader by ``presentation/diary_lists``."""

from __future__ import annotations

import datetime as dt

from bot.clock import Clock
from bot.diary.lists import (
    finals_of,
    holidays_of,
    recommendations_for,
    teachers_of,
    tests_of_period,
)
from bot.diary.sections import FINALS, HOLIDAYS, RECOMMENDATIONS, TEACHERS, TESTS, Section
from bot.diary.views import DiaryContext
from bot.handlers.diary_common import Page, SectionRenderer
from bot.presentation.diary_lists import (
    render_finals,
    render_holidays,
    render_recommendations,
    render_teachers,
    render_tests,
)
from bot.presentation.translation import Translator
from db.unit_of_work import UnitOfWork


async def tests(
    uow: UnitOfWork, _clock: Clock, context: DiaryContext, _day: dt.date, _: Translator
) -> Page:
    return Page(render_tests(context, await tests_of_period(uow, context), _))


async def teachers(
    uow: UnitOfWork, _clock: Clock, context: DiaryContext, _day: dt.date, _: Translator
) -> Page:
    return Page(render_teachers(context, await teachers_of(uow, context), _))


async def holidays(
    uow: UnitOfWork, _clock: Clock, context: DiaryContext, _day: dt.date, _: Translator
) -> Page:
    return Page(render_holidays(await holidays_of(uow, context), _))


async def recommendations(
    uow: UnitOfWork, _clock: Clock, context: DiaryContext, _day: dt.date, _: Translator
) -> Page:
    return Page(render_recommendations(context, await recommendations_for(uow, context), _))


async def finals(
    uow: UnitOfWork, _clock: Clock, context: DiaryContext, _day: dt.date, _: Translator
) -> Page:
    return Page(render_finals(context, await finals_of(uow, context), _))


LIST_SECTIONS: dict[Section, SectionRenderer] = {
    TESTS: tests,
    TEACHERS: teachers,
    HOLIDAYS: holidays,
    RECOMMENDATIONS: recommendations,
    FINALS: finals,
}
