"""The diary's list sections: tests, teachers, holidays, recommendations, final grades."""

from __future__ import annotations

import datetime as dt

from bot.diary.views import (
    DiaryContext,
    FinalLine,
    FinalPeriod,
    HolidayLine,
    RecommendationLine,
    TeachersView,
    TestLine,
    TestsView,
)
from db.models import FinalGradeStatus
from db.unit_of_work import UnitOfWork

RECOMMENDATIONS_SHOWN = 20


async def tests_of_period(uow: UnitOfWork, context: DiaryContext) -> TestsView:
    period = await uow.diary.current_period(context.school_id, context.class_id, context.today)
    first, last = (
        (period.starts_on, period.ends_on)
        if period
        else (context.today - dt.timedelta(days=45), context.today + dt.timedelta(days=45))
    )
    rows = await uow.diary.assessments_between(context.class_id, first, last)
    lines = tuple(TestLine(item.date, subject, item.kind, item.topic) for item, subject in rows)
    return TestsView(period.name if period else None, lines)


async def teachers_of(uow: UnitOfWork, context: DiaryContext) -> TeachersView:
    grouped: dict[str, list[str]] = {}
    for subject, teacher in await uow.diary.teachers_of_class(context.class_id):
        names = grouped.setdefault(subject, [])
        if teacher not in names:
            names.append(teacher)
    return TeachersView(await uow.diary.class_teacher(context.class_id), list(grouped.items()))


async def holidays_of(uow: UnitOfWork, context: DiaryContext) -> list[HolidayLine]:
    holidays = await uow.diary.holidays(context.school_id)
    upcoming = next((h for h in holidays if h.ends_on >= context.today), None)
    return [HolidayLine(h.name, h.starts_on, h.ends_on, h is upcoming) for h in holidays]


async def recommendations_for(uow: UnitOfWork, context: DiaryContext) -> list[RecommendationLine]:
    rows = await uow.diary.recommendations(context.child.student_id, RECOMMENDATIONS_SHOWN)
    return [
        RecommendationLine(item.date, teacher, subject, item.text)
        for item, teacher, subject in rows
    ]


async def finals_of(uow: UnitOfWork, context: DiaryContext) -> list[FinalPeriod]:
    acknowledged = await uow.finals.acknowledged_periods(
        context.child.student_id, context.guardian_ids
    )
    periods: dict[int, tuple[str, list[FinalLine]]] = {}
    for grade, subject, period in await uow.diary.final_grades(context.child.student_id):
        deferred = grade.status == FinalGradeStatus.DEFERRED
        periods.setdefault(period.id, (period.name, []))[1].append(
            FinalLine(
                subject,
                grade.value,
                grade.deferred_until if deferred else None,
                grade.reason if deferred else None,
            )
        )
    return [
        FinalPeriod(name, grades, acknowledged.get(period_id))
        for period_id, (name, grades) in periods.items()
    ]
