"""The weekly forecast digest: content, timing in the school's zone, never twice a week."""

from __future__ import annotations

from datetime import UTC, date, datetime

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from bot.digests.forecast_digest import digest_due, forecast_digests
from db.database import Database
from db.models import OutboxMessage, School
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot
from tests.test_change_pushes import family, grade, sync

# Friday 2 October 2026, 18:30 in Moscow (15:30 UTC), inside the first quarter.
FRIDAY_EVENING = datetime(2026, 10, 2, 15, 30, tzinfo=UTC)


async def digests(database: Database, clock: FakeClock, i18n: I18n, school: School) -> int:
    async with database.unit_of_work() as uow:
        return await forecast_digests(uow, clock, i18n, school)


async def test_the_digest_for_a_known_child(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await sync(
        database,
        clock,
        school,
        {
            "grades": [
                grade("d1", "5", subject="rus", day="2026-09-10"),
                grade("d2", "4", subject="rus", day="2026-09-17"),
                grade("d3", "4", subject="rus", day="2026-09-24"),
            ]
        },
    )
    clock.set(datetime(2026, 10, 1, 15, 30, tzinfo=UTC))  # Thursday: not the day
    assert await digests(database, clock, i18n, school) == 0
    clock.set(FRIDAY_EVENING)
    assert await digests(database, clock, i18n, school) == 1
    await digests(database, clock, i18n, school)  # a re-run the same evening ...
    async with database.unit_of_work() as uow:
        # ... leaves one digest: the key is the period, the week, the child and the reader.
        message = (await uow.session.execute(select(OutboxMessage))).scalar_one()
    lines = message.payload["text"].split("\n")
    assert lines[0] == "📈 <b>Прогноз</b> · Иванов Пётр Сергеевич, 5А"
    assert "<b>Математика</b>: средний балл 5,00, прогноз 5" not in lines  # 1 mark: too few
    assert "<b>Математика</b>: мало оценок для прогноза (1 из 3)" in lines
    assert "<b>Русский язык</b>: средний балл 4,33, прогноз 4" in lines
    assert "   ещё 1 пятёрка — и будет 5" in lines


def test_the_schools_own_day_and_hour_and_the_final_stretch() -> None:
    school = School(
        name="x", timezone="Europe/Moscow", settings={"digest_weekday": 0, "digest_hour": 9}
    )
    monday_morning = datetime(2026, 10, 5, 9, 15, tzinfo=UTC)
    assert digest_due(school, monday_morning, date(2026, 10, 24)) == "week-2026-41"
    assert digest_due(school, datetime(2026, 10, 5, 8, 0, tzinfo=UTC), date(2026, 10, 24)) is None
    never_weekly = School(name="y", timezone="Europe/Moscow", settings={"digest_weekly": False})
    evening = datetime(2026, 10, 15, 19, 0, tzinfo=UTC)
    assert digest_due(never_weekly, evening, date(2026, 10, 24)) == "final-stretch"
    assert digest_due(never_weekly, evening, date(2026, 12, 28)) is None
