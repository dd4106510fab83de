"""Risk alerts end to end: once per change of state, again after recovery and relapse."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from bot.digests.risk_alerts import risk_alerts
from bot.handlers.settings import RiskThresholdChoice
from db.database import Database
from db.models import RiskAlertState, School
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.test_change_pushes import FATHER, deliver, family, grade, sync


async def alerts(database: Database, clock: FakeClock, i18n: I18n, school: School) -> int:
    async with database.unit_of_work() as uow:
        fresh = await uow.session.get(School, school.id)
        assert fresh is not None
        return await risk_alerts(uow, clock, i18n, fresh)


def marks(prefix: str, *values: str) -> dict[str, list[dict[str, Any]]]:
    # Without the fixture school's one mark (a 5), so the averages are these marks' own.
    items: list[dict[str, Any]] = [{"external_id": "gr1", "deleted": True}]
    return {"grades": items + [grade(f"{prefix}{n}", v) for n, v in enumerate(values)]}


async def test_a_failing_subject_alerts_once_and_again_after_recovery_and_relapse(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await sync(database, clock, school, marks("a", "2", "2", "3"))
    assert await alerts(database, clock, i18n, school) == 1
    assert await alerts(database, clock, i18n, school) == 0  # the same state: quiet
    [text] = await deliver(database, bot, clock)
    assert text == (
        "⚠️ <b>Математика: Иванов Пётр Сергеевич — есть риск</b>\n"
        "Прогноз итоговой оценки: 2.\n"
        "Средний балл: 2.33\n"
        "Оценки: 2, 2, 3\n"
        "Чтобы выйти на 3: ещё пятёрок — 1."
    )
    clock.advance(timedelta(hours=1))
    await sync(database, clock, school, marks("b", "5", "5", "5"))
    assert await alerts(database, clock, i18n, school) == 0  # recovered: no alert for good news
    clock.advance(timedelta(hours=1))
    await sync(database, clock, school, marks("c", *["2"] * 15))
    assert await alerts(database, clock, i18n, school) == 1  # relapsed
    async with database.unit_of_work() as uow:
        states = list((await uow.session.execute(select(RiskAlertState.state))).scalars())
    assert "failing" in states


async def test_the_parents_own_threshold(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await sync(database, clock, school, marks("a", "4", "3", "3"))  # 3.33: a 3, not a 2
    assert await alerts(database, clock, i18n, school) == 0
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send("/settings")
    # The button steps through the thresholds: none → 3.0 → 3.5.
    await father.press("Риск: только при прогнозе 2")
    await father.click(RiskThresholdChoice(value="3.5"))
    bot.session.clear()
    assert await alerts(database, clock, i18n, school) == 1
    [text] = await deliver(database, bot, clock)
    assert "Средний балл ниже выбранного вами порога 3.5." in text
    assert "Чтобы подняться до 3.5: ещё пятёрок — 1." in text
