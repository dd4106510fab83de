"""Stored settings that do not validate no longer crash their readers: the bad key counts
as its default, the other keys keep their values (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from bot.digests.forecast_digest import forecast_digests
from bot.exchange.service import sync_document
from db.database import Database
from db.models import OutboxMessage, School, TelegramAccount
from tests.diary_fixtures import FATHER, linked_family, sent
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.test_change_pushes import FATHER as PUSHED_FATHER
from tests.test_change_pushes import family, grade, run_job, sync


async def store_settings(database: Database, school: School, settings: dict[str, Any]) -> None:
    async with database.unit_of_work() as uow:
        stored = await uow.session.get(School, school.id)
        assert stored is not None
        stored.settings = settings
        await uow.commit()
    school.settings = settings


async def test_the_forecast_view_with_bad_thresholds(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await linked_family(dispatcher, bot, database, clock)
    document = {"grades": [
        {"external_id": f"f{i}", "student_id": "s1", "subject_id": "rus",
         "date": "2026-09-01", "value": value, "weight": 1}
        for i, value in enumerate(["5", "4", "4"])
    ]}  # fmt: skip
    async with database.unit_of_work() as uow:
        await sync_document(
            uow, clock, school, document, source="test", document_sha256="-", actor="test"
        )
    # Once a ValueError ("high" unpacked into three thresholds) on every /forecast.
    await store_settings(
        database, school, {"forecast_thresholds": "high", "forecast_minimum_marks": 2}
    )
    answer = sent(await BotConversation(dispatcher, bot, FATHER).send("/forecast"))
    lines = answer.text.split("\n")
    assert lines[3] == "<b>Математика</b>: мало оценок для прогноза (1 из 2)"  # kept: 2
    assert lines[4] == "<b>Русский язык</b>: средний балл 4,33, прогноз 4"  # default 4.5
    assert lines[5] == "   ещё 1 пятёрка — и будет 5"


async def test_the_forecast_digest_with_a_bad_day(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await sync(database, clock, school, {"grades": [grade("d1", "5", subject="rus")]})
    # Once a ValueError (int("friday")) every hour: the school's families got no digest.
    await store_settings(database, school, {"digest_weekday": "friday", "digest_hour": 20})

    async def digests() -> int:
        async with database.unit_of_work() as uow:
            return await forecast_digests(uow, clock, i18n, school)

    clock.set(datetime(2026, 10, 2, 15, 30, tzinfo=UTC))  # Friday 18:30 in Moscow
    assert await digests() == 0  # the school's own hour, 20, is kept
    clock.set(datetime(2026, 10, 2, 17, 30, tzinfo=UTC))  # 20:30
    assert await digests() == 1  # on the default day, Friday


async def test_change_pushes_with_bad_school_and_account_settings(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await store_settings(database, school, {"backfill_days": "a week", "daily_push_cap": -1})
    async with database.unit_of_work() as uow:
        account = (
            await uow.session.execute(
                select(TelegramAccount).where(TelegramAccount.telegram_user_id == PUSHED_FATHER.id)
            )
        ).scalar_one()
        # A list where a quiet-hours preset belongs: once a TypeError at every push.
        account.settings = {"pushes": {"quiet": ["22-7"]}}
        await uow.commit()
    clock.set(datetime(2026, 9, 10, 9, 0, tzinfo=UTC))
    await sync(
        database,
        clock,
        school,
        {"grades": [grade("old", "2", day="2026-09-01"), grade("new", "4", day="2026-09-09")]},
    )
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 1
    async with database.unit_of_work() as uow:
        text = (await uow.session.execute(select(OutboxMessage.payload))).scalar_one()["text"]
    # Nine days back is over the default seven: only yesterday's mark is news.
    assert text == "<b>Новые оценки: Иванов Пётр Сергеевич</b>\n• Математика: <b>4</b>"
