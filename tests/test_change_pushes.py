"""From the journal's change records to pushes: merged, quiet at night, never twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Dispatcher
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy import func, select

from bot.digests.change_pushes import push_changes
from bot.exchange.service import sync_document
from bot.handlers.linking import ConsentChoice
from db.database import Database
from db.models import ChangeRecord, OutboxMessage, School
from tests.conftest import worker_for
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.fake_time import FakeTime
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.linking_fixtures import issue, school_with_families

FATHER = TelegramUser(id=8002, first_name="Сергей")


async def family(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> School:
    school = await school_with_families(database, clock)
    code = (await issue(database, clock, school, "guardian", "g2"))[0]
    chat = BotConversation(dispatcher, bot, FATHER)
    await chat.send(code.compact)
    await chat.click(ConsentChoice(agree=True))
    async with database.unit_of_work() as uow:  # what was loaded before linking is not news
        await uow.changes.mark_consumed(
            list((await uow.session.execute(select(ChangeRecord.id))).scalars()), clock.now()
        )
        await uow.commit()
    bot.session.clear()
    return school


async def sync(database: Database, clock: FakeClock, school: School, doc: dict[str, Any]) -> None:
    async with database.unit_of_work() as uow:
        await sync_document(
            uow, clock, school, doc, source="test", document_sha256="-", actor="test"
        )


async def run_job(database: Database, clock: FakeClock, i18n: I18n) -> int:
    async with database.unit_of_work() as uow:
        return await push_changes(uow, clock, i18n)


async def deliver(database: Database, bot: RecordingBot, clock: FakeClock) -> list[str]:
    fake = FakeTime()
    worker = worker_for(database, bot, clock, fake)
    await worker.deliver_due()
    return [m.text for m in bot.session.calls(SendMessage)]


def grade(
    external_id: str,
    value: str,
    subject: str = "math",
    day: str = "2026-09-01",
    work_type: str | None = None,
) -> dict[str, Any]:
    item = {
        "external_id": external_id,
        "student_id": "s1",
        "subject_id": subject,
        "date": day,
        "value": value,
    }
    if work_type:
        item["work_type"] = work_type
    return item


async def test_new_marks_of_a_child_are_merged_after_the_window(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await sync(
        database, clock, school, {"grades": [grade("n1", "5", work_type="контрольная работа")]}
    )
    clock.advance(timedelta(minutes=4))
    await sync(database, clock, school, {"grades": [grade("n2", "4", subject="rus")]})
    assert await run_job(database, clock, i18n) == 0  # the window is still open
    clock.advance(timedelta(minutes=7))
    assert await run_job(database, clock, i18n) == 1
    assert await run_job(database, clock, i18n) == 0  # consumed: never twice
    texts = await deliver(database, bot, clock)
    assert texts == [
        "<b>Новые оценки: Иванов Пётр Сергеевич</b>\n"
        "• Математика: <b>5</b> (контрольная работа)\n"
        "• Русский язык: <b>4</b>"
    ]


async def test_a_mark_changed_and_changed_back_is_no_news(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    original = {**grade("gr1", "5", work_type="ответ на уроке"), "lesson_id": "l1"}
    await sync(database, clock, school, {"grades": [{**original, "value": "3"}]})
    await sync(database, clock, school, {"grades": [original]})
    await sync(database, clock, school, {"grades": [grade("n9", "2"), grade("n9x", "4")]})
    await sync(database, clock, school, {"grades": [{"external_id": "n9", "deleted": True}]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 1
    assert await deliver(database, bot, clock) == [
        "<b>Новые оценки: Иванов Пётр Сергеевич</b>\n• Математика: <b>4</b>"
    ]


async def test_a_backfill_of_old_marks_is_not_pushed(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    clock.set(datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    await sync(database, clock, school, {"grades": [grade("old", "5", day="2026-09-02")]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 0
    async with database.unit_of_work() as uow:
        left = await uow.session.execute(
            select(func.count(ChangeRecord.id)).where(ChangeRecord.consumed_at.is_(None))
        )
        assert left.scalar_one() == 0


async def test_a_substitution_today_is_pushed_at_once(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await sync(
        database,
        clock,
        school,
        {
            "lessons": [
                {
                    "external_id": "l2",
                    "class_id": "5a",
                    "subject_id": "rus",
                    "teacher_id": "t2",
                    "date": "2026-09-01",
                    "number": 2,
                    "status": "substituted",
                    "substitute_teacher_id": "t1",
                }
            ]
        },
    )
    assert await run_job(database, clock, i18n) == 1
    assert await deliver(database, bot, clock) == [
        "🔁 <b>Изменение в расписании: Иванов Пётр Сергеевич, 01.09</b>\n"
        "2. Русский язык — замена: Смирнова Ольга Петровна вместо Кузнецов Игорь Васильевич"
    ]


async def test_marks_at_night_wait_for_the_morning(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    clock.set(datetime(2026, 9, 1, 19, 0, tzinfo=UTC))  # 22:00 in Moscow
    await sync(database, clock, school, {"grades": [grade("late", "5")]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 1
    async with database.unit_of_work() as uow:
        due, created = (
            await uow.session.execute(select(OutboxMessage.due_at, OutboxMessage.created_at))
        ).one()
    assert due == datetime(2026, 9, 2, 5, 0, tzinfo=UTC)  # 08:00 in Moscow
    assert created == clock.now()  # queued now, held until the morning
    assert await deliver(database, bot, clock) == []
    clock.set(datetime(2026, 9, 2, 5, 0, tzinfo=UTC))
    assert len(await deliver(database, bot, clock)) == 1


async def test_a_new_recommendation_is_pushed(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await sync(
        database,
        clock,
        school,
        {
            "recommendations": [
                {
                    "external_id": "r9",
                    "student_id": "s1",
                    "teacher_id": "t1",
                    "subject_id": "math",
                    "date": "2026-09-01",
                    "text": "Решать по две задачи <в день>",
                }
            ]
        },
    )
    assert await run_job(database, clock, i18n) == 1
    assert await deliver(database, bot, clock) == [
        "💬 <b>Рекомендация для Иванов Пётр Сергеевич от Смирнова Ольга Петровна</b> · "
        "Математика\nРешать по две задачи &lt;в день&gt;"
    ]
