"""The evening brief about tomorrow, with a controllable clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n

from bot.digests.evening_brief import evening_briefs
from bot.handlers.settings import PushModeChoice
from db.database import Database
from db.models import School
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.test_change_pushes import FATHER, deliver, family, sync

EVENING = datetime(2026, 9, 1, 16, 0, tzinfo=UTC)  # Tuesday 19:00 in Moscow


def lesson(external_id: str, day: str, number: int, subject: str, **extra: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "class_id": "5a",
        "subject_id": subject,
        "teacher_id": "t1" if subject == "math" else "t2",
        "date": day,
        "number": number,
        "status": "scheduled",
        **extra,
    }


WEEK = {
    "lessons": [
        lesson("w1", "2026-09-02", 1, "math", status="substituted", substitute_teacher_id="t2"),
        lesson("w2", "2026-09-02", 2, "rus"),
        lesson("w3", "2026-09-03", 1, "math"),
        lesson("w4", "2026-09-04", 1, "rus"),
        lesson("w5", "2026-09-07", 1, "math"),
        lesson("w6", "2026-09-10", 1, "math"),
    ],
    "assessments": [
        {"external_id": "t-soon", "class_id": "5a", "subject_id": "math", "date": "2026-09-07",
         "kind": "контрольная работа", "topic": "Дроби <1/2>"},
        {"external_id": "t-later", "class_id": "5a", "subject_id": "rus", "date": "2026-09-10",
         "kind": "диктант"},
    ],
}  # fmt: skip


async def briefs(database: Database, clock: FakeClock, i18n: I18n, school: School) -> int:
    async with database.unit_of_work() as uow:
        fresh = await uow.session.get(School, school.id)
        assert fresh is not None
        return await evening_briefs(uow, clock, i18n, fresh)


async def test_the_brief_about_tomorrow_with_a_substitution_homework_and_a_test(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await sync(database, clock, school, WEEK)
    clock.set(datetime(2026, 9, 1, 15, 0, tzinfo=UTC))  # 18:00: not yet
    assert await briefs(database, clock, i18n, school) == 0
    clock.set(EVENING)
    assert await briefs(database, clock, i18n, school) == 1
    assert await briefs(database, clock, i18n, school) == 0  # once per evening
    [text] = await deliver(database, bot, clock)
    assert text == (
        "🌙 <b>Завтра, ср, 2 сентября</b>\n\n"
        "<b>Иванов Пётр Сергеевич, 5А</b>\n"
        "1. Математика — 🔁 замена: Кузнецов Игорь Васильевич вместо Смирнова Ольга Петровна\n"
        "2. Русский язык — Кузнецов Игорь Васильевич\n\n"
        "📚 Домашнее задание на завтра:\n"
        "• Математика: № 5 &lt;b&gt;и&lt;/b&gt; № 7 &amp; доклад\n\n"
        "📝 Контрольные:\n"
        "• пн, 7 сентября: Математика (контрольная работа) — Дроби &lt;1/2&gt;"
    )


async def test_no_brief_on_a_holiday_eve_before_a_day_off_or_when_switched_off(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await sync(database, clock, school, WEEK)
    # Friday evening: no lessons on Saturday, nothing to say.
    clock.set(datetime(2026, 9, 4, 16, 0, tzinfo=UTC))
    assert await briefs(database, clock, i18n, school) == 0
    # Tomorrow is a holiday: not even the lessons the journal still lists.
    holiday = {"external_id": "h9", "name": "День учителя", "starts_on": "2026-09-02",
               "ends_on": "2026-09-02"}  # fmt: skip
    await sync(database, clock, school, {"holidays": [holiday]})
    clock.set(EVENING)
    assert await briefs(database, clock, i18n, school) == 0
    await sync(database, clock, school, {"holidays": [{"external_id": "h9", "deleted": True}]})
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send("/settings")
    await father.click(PushModeChoice(kind="evening_brief", mode="off"))
    assert await briefs(database, clock, i18n, school) == 0
    await father.click(PushModeChoice(kind="evening_brief", mode="instant"))
    assert await briefs(database, clock, i18n, school) == 1
