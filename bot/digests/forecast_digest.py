"""The regular forecast of final success (прогноз итоговой успешности), per child.

Weekly by default (the school's day and hour), and in any case once in the last two weeks
of every period. Each digest is keyed by period and week, so a re-run never repeats it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.diary.forecast_view import forecast_for
from bot.diary.service import context_for_student
from bot.digests.audience import readers_with_mail, students_in_reach
from bot.digests.outbox import queue_for_reader
from bot.digests.preferences import PushKind
from bot.presentation.forecast_digest import render_forecast_digest
from bot.presentation.telegram import telegram_messages
from bot.presentation.translation import translator
from bot.schools.settings import SchoolSettings
from db.models import School
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

FINAL_STRETCH = dt.timedelta(days=14)


def digest_due(school: School, local: dt.datetime, period_ends_on: dt.date) -> str | None:
    """The digest's key part if one is due now at the school's local time, else None."""
    settings = SchoolSettings.of(school)
    weekly, hour = settings.digest_weekly, settings.digest_hour
    year, week, _ = local.isocalendar()
    if weekly and local.weekday() == settings.digest_weekday and local.hour >= hour:
        return f"week-{year}-{week}"
    if not weekly and period_ends_on - local.date() <= FINAL_STRETCH and local.hour >= hour:
        return "final-stretch"
    return None


async def forecast_digests(uow: UnitOfWork, clock: Clock, i18n: I18n, school: School) -> int:
    """Queue the digests that are due for one school; returns how many were queued now (a
    re-run finds their keys taken and queues none)."""
    now = clock.now()
    local = now.astimezone(ZoneInfo(school.timezone))
    students = await students_in_reach(uow, school.id)
    audience = await readers_with_mail(uow, set(students), now)
    queued = 0
    for student_id in students:
        context = await context_for_student(uow, clock, student_id)
        period = await uow.diary.current_period(school.id, context.class_id, context.today)
        if period is None or (slot := digest_due(school, local, period.ends_on)) is None:
            continue
        child_readers = audience.get(student_id, [])
        if not child_readers:
            continue
        view = await forecast_for(uow, context)  # the same for every reader of the child
        for reader in child_readers:
            key = f"digest:{period.id}:{slot}:{student_id}:{reader.account_id}"
            rendered = render_forecast_digest(context, view, translator(i18n, reader.language))
            # A digest too long for one message goes in parts; the first keeps the key.
            for index, text in enumerate(telegram_messages(rendered)):
                queued += await queue_for_reader(
                    uow,
                    i18n,
                    reader,
                    school_id=school.id,
                    timezone=school.timezone,
                    kind=PushKind.FORECAST,
                    key=f"{key}:{index}" if index else key,
                    text=text,
                    now=now,
                    student_id=student_id,
                    rendered=None if index else rendered,
                )
    await uow.commit()
    return queued
