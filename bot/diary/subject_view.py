"""One subject over the current period: its marks and the lessons' topics."""

from __future__ import annotations

import datetime as dt

from bot.diary.views import DiaryContext, MarkLine, SubjectView
from bot.grading.forecast import WeightedMark, forecast
from bot.schools.settings import SchoolSettings
from db.unit_of_work import UnitOfWork


async def subject_view(
    uow: UnitOfWork, context: DiaryContext, subject_id: int
) -> SubjectView | None:
    subject = await uow.diary.subject_name(context.school_id, subject_id)
    if subject is None:
        return None
    period = await uow.diary.current_period(context.school_id, context.class_id, context.today)
    first, last = (
        (period.starts_on, min(period.ends_on, context.today))
        if period
        else (context.today - dt.timedelta(days=60), context.today)
    )
    grades = await uow.diary.subject_grades(context.child.student_id, subject_id, first, last)
    lessons = await uow.diary.subject_topics(context.class_id, subject_id, first, last)
    settings = SchoolSettings.of(await uow.schools.get(context.school_id))
    scored = [WeightedMark(g.score, g.weight) for g in grades if g.score is not None]
    return SubjectView(
        subject,
        period.name if period else None,
        tuple(MarkLine(g.date, g.value, g.work_type, g.weight) for g in grades),
        forecast(
            scored, thresholds=settings.thresholds, minimum_marks=settings.forecast_minimum_marks
        ),
        tuple((lesson.date, lesson.topic) for lesson in lessons if lesson.topic),
    )
