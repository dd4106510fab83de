"""A linked family, a linked class teacher and published final grades, for duty 6 tests."""

from __future__ import annotations

from typing import Any

from aiogram import Dispatcher
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n

from bot.finals.publication import publish_final_grades
from bot.finals.summary import refresh_summaries
from bot.handlers.linking import ConsentChoice
from db.database import Database
from db.models import School
from tests.conftest import worker_for
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.fake_time import FakeTime
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.linking_fixtures import issue
from tests.test_change_pushes import FATHER, family, sync

TEACHER = TelegramUser(id=9001, first_name="Ольга")
MOTHER = TelegramUser(id=8001, first_name="Мария")


def final(external_id: str, subject: str, value: str | None, **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "external_id": external_id,
        "student_id": extra.pop("student", "s1"),
        "subject_id": subject,
        "period_id": "q1",
        "status": "final" if value is not None else "deferred",
        **extra,
    }
    if value is not None:
        item["value"] = value
    return item


async def link(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    school: School,
    user: TelegramUser,
    target: str,
    reference: str,
) -> BotConversation:
    code = (await issue(database, clock, school, target, reference))[0]  # type: ignore[arg-type]
    chat = BotConversation(dispatcher, bot, user)
    await chat.send(code.compact)
    if target != "teacher":
        await chat.click(ConsentChoice(agree=True))
    bot.session.clear()
    return chat


async def school_with_teacher(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> tuple[School, BotConversation, BotConversation]:
    """The small school: the father (g2) of s1 linked, and the class teacher t1 of 5А."""
    school = await family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    teacher = await link(dispatcher, bot, database, clock, school, TEACHER, "teacher", "t1")
    return school, father, teacher


async def publish(
    database: Database, clock: FakeClock, i18n: I18n, school: School, items: list[dict[str, Any]]
) -> int:
    await sync(database, clock, school, {"final_grades": items})
    async with database.unit_of_work() as uow:
        return await publish_final_grades(uow, clock, i18n)


async def summaries(database: Database, clock: FakeClock, i18n: I18n, school: School) -> int:
    async with database.unit_of_work() as uow:
        return await refresh_summaries(uow, clock, i18n, school)


async def deliver_all(database: Database, bot: RecordingBot, clock: FakeClock) -> list[Any]:
    """Run the worker until nothing is due; the requests it made, in order."""
    before = len(bot.session.requests)
    fake = FakeTime()
    worker = worker_for(database, bot, clock, fake)
    while True:
        report = await worker.deliver_due()
        if not (report.sent or report.retried or report.dead or report.blocked):
            break
    return bot.session.requests[before:]


def sent_to(requests: list[Any], chat_id: int) -> list[SendMessage]:
    return [r for r in requests if isinstance(r, SendMessage) and r.chat_id == chat_id]
