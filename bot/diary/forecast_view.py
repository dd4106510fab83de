"""The forecast of final success for the current period (duty 5), per subject."""

from __future__ import annotations

import datetime as dt

from bot.diary.chart import running_averages
from bot.diary.views import DiaryContext, ForecastView, SubjectForecast
from bot.grading.forecast import Thresholds, WeightedMark, forecast
from bot.schools.settings import SchoolSettings
from db.unit_of_work import UnitOfWork


def at_risk_first(item: SubjectForecast) -> tuple[int, str]:
    predicted = item.forecast.predicted
    # Not assessable or heading for a 2 first: that is what a parent must see.
    rank = 0 if predicted is None or predicted <= 2 else predicted
    return rank, item.subject


async def forecast_for(uow: UnitOfWork, context: DiaryContext) -> ForecastView | None:
    period = await uow.diary.current_period(context.school_id, context.class_id, context.today)
    if period is None:
        return None
    settings = await _settings(uow, context)
    thresholds, minimum = settings.thresholds, settings.forecast_minimum_marks
    marks: dict[str, list[WeightedMark]] = {}
    for grade, subject in await uow.diary.grades_between(
        context.child.student_id, period.starts_on, min(period.ends_on, context.today)
    ):
        bucket = marks.setdefault(subject, [])
        if grade.score is not None:
            bucket.append(WeightedMark(grade.score, grade.weight))
    subjects = [
        SubjectForecast(subject, forecast(items, thresholds=thresholds, minimum_marks=minimum))
        for subject, items in marks.items()
    ]
    return ForecastView(
        period.name,
        period.starts_on,
        period.ends_on,
        thresholds,
        minimum,
        sorted(subjects, key=at_risk_first),
    )


async def trend_series(
    uow: UnitOfWork, context: DiaryContext
) -> tuple[str, Thresholds, dict[str, list[tuple[dt.date, float]]]] | None:
    """The running weighted average per subject over the current period, for the chart."""
    period = await uow.diary.current_period(context.school_id, context.class_id, context.today)
    if period is None:
        return None
    thresholds = (await _settings(uow, context)).thresholds
    marks: dict[str, list[tuple[dt.date, float, float]]] = {}
    for grade, subject in await uow.diary.grades_between(
        context.child.student_id, period.starts_on, min(period.ends_on, context.today)
    ):
        if grade.score is not None:
            marks.setdefault(subject, []).append((grade.date, grade.score, grade.weight))
    return period.name, thresholds, {s: running_averages(m) for s, m in marks.items()}


async def _settings(uow: UnitOfWork, context: DiaryContext) -> SchoolSettings:
    # Read with the account's links (no statement of its own), unless built elsewhere.
    if context.settings is not None:
        return context.settings
    return SchoolSettings.of(await uow.schools.get(context.school_id))
