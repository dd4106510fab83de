"""No floods: the baseline at linking, journal backfills, and the daily cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from bot.handlers.linking import ConsentChoice
from db.database import Database
from db.models import OutboxMessage, School
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.linking_fixtures import issue, school_with_families
from tests.test_change_pushes import FATHER, deliver, family, grade, run_job, sync


def advice(external_id: str, text: str) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "student_id": "s1",
        "teacher_id": "t1",
        "subject_id": "math",
        "date": "2026-09-01",
        "text": text,
    }


async def test_a_parent_who_links_now_hears_only_what_changes_from_now_on(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await school_with_families(database, clock)
    # Marks entered before the father links (still inside the merge window, unconsumed).
    await sync(database, clock, school, {"grades": [grade("before", "3")]})
    clock.advance(timedelta(minutes=2))
    code = (await issue(database, clock, school, "guardian", "g2"))[0]
    chat = BotConversation(dispatcher, bot, FATHER)
    await chat.send(code.compact)
    await chat.click(ConsentChoice(agree=True))
    bot.session.clear()
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 0  # the baseline: nothing old
    await sync(database, clock, school, {"grades": [grade("after", "5")]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 1
    assert await deliver(database, bot, clock) == [
        "<b>Новые оценки: Иванов Пётр Сергеевич</b>\n• Математика: <b>5</b>"
    ]


async def test_the_backfill_limit_is_the_schools_to_set(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    async with database.unit_of_work() as uow:
        stored = await uow.session.get(School, school.id)
        assert stored is not None
        stored.settings = {**stored.settings, "backfill_days": 1}
        await uow.commit()
    clock.set(datetime(2026, 9, 4, 9, 0, tzinfo=UTC))
    # Three days old: over this school's one-day limit; yesterday's is news.
    await sync(
        database,
        clock,
        school,
        {"grades": [grade("old", "2", day="2026-09-01"), grade("new", "4", day="2026-09-03")]},
    )
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 1
    assert await deliver(database, bot, clock) == [
        "<b>Новые оценки: Иванов Пётр Сергеевич</b>\n• Математика: <b>4</b>"
    ]


async def test_pushes_beyond_the_daily_cap_fold_into_the_summary(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    async with database.unit_of_work() as uow:
        stored = await uow.session.get(School, school.id)
        assert stored is not None
        stored.settings = {**stored.settings, "daily_push_cap": 2}
        await uow.commit()
    items = [advice(f"cap{n}", f"Совет {n}") for n in range(1, 4)]
    await sync(database, clock, school, {"recommendations": items})
    assert await run_job(database, clock, i18n) == 3
    async with database.unit_of_work() as uow:
        rows = (
            await uow.session.execute(
                select(OutboxMessage.kind, OutboxMessage.in_summary, OutboxMessage.due_at).order_by(
                    OutboxMessage.id
                )
            )
        ).all()
    summary_at = datetime(2026, 9, 1, 16, 0, tzinfo=UTC)  # 19:00 in Moscow
    assert [(kind, folded) for kind, folded, _ in rows] == [
        ("recommendation", False),
        ("recommendation", False),
        ("summary", True),
        ("recommendation", True),
    ]
    assert [due for _, folded, due in rows if folded] == [summary_at, summary_at]
    now = await deliver(database, bot, clock)
    assert len(now) == 1  # the two within the cap, merged for the one chat
    assert "Совет 1" in now[0]
    assert "Совет 2" in now[0]
    assert "Совет 3" not in now[0]
    clock.set(summary_at)
    bot.session.clear()
    [evening] = await deliver(database, bot, clock)
    assert evening.startswith("🗒 <b>Сводка за 01.09</b>")
    assert "Совет 3" in evening
    # Urgent news is never capped: a change to today's lessons goes at once.
    lesson = {
        "external_id": "l2",
        "class_id": "5a",
        "subject_id": "rus",
        "teacher_id": "t2",
        "date": "2026-09-01",
        "number": 2,
        "status": "cancelled",
    }
    clock.set(datetime(2026, 9, 1, 10, 0, tzinfo=UTC))
    await sync(database, clock, school, {"lessons": [lesson]})
    assert await run_job(database, clock, i18n) == 1
    bot.session.clear()
    assert len(await deliver(database, bot, clock)) == 1


async def test_a_deleted_mark_is_said_plainly(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await sync(database, clock, school, {"grades": [grade("gone", "2")]})
    clock.advance(timedelta(minutes=11))
    await run_job(database, clock, i18n)
    await deliver(database, bot, clock)
    bot.session.clear()
    await sync(database, clock, school, {"grades": [{"external_id": "gone", "deleted": True}]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 1
    assert await deliver(database, bot, clock) == [
        "<b>Изменения в оценках: Иванов Пётр Сергеевич</b>\n• Математика: оценка 2 за 01.09 удалена"
    ]
