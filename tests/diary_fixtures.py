"""A linked family with a substitution, a cancellation and a move, for diary tests."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import Dispatcher
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select

from bot.exchange.service import sync_document
from bot.handlers.linking import ConsentChoice
from db.database import Database
from db.models import School, Student
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.linking_fixtures import issue, school_with_families

MOTHER = TelegramUser(id=6001, first_name="Мария")
FATHER = TelegramUser(id=6002, first_name="Сергей")

CHANGES = {
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
            "room": "101",
        },
        {
            "external_id": "l3",
            "class_id": "5a",
            "subject_id": "math",
            "teacher_id": "t1",
            "date": "2026-09-01",
            "number": 3,
            "status": "cancelled",
        },
        {
            "external_id": "l4",
            "class_id": "5a",
            "subject_id": "rus",
            "teacher_id": "t2",
            "date": "2026-09-01",
            "number": 4,
            "status": "moved",
            "moved_to": {"date": "2026-09-02", "number": 5},
        },
    ]
}


async def linked_family(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> School:
    school = await school_with_families(database, clock)
    async with database.unit_of_work() as uow:
        await sync_document(
            uow, clock, school, CHANGES, source="test", document_sha256="-", actor="test"
        )
    mother = BotConversation(dispatcher, bot, MOTHER)
    codes = await issue(database, clock, school, "guardian", "g1")
    await mother.send(codes[0].compact)
    await mother.click(ConsentChoice(agree=True))
    await mother.send(codes[1].compact)
    father_code = (await issue(database, clock, school, "guardian", "g2"))[0]
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send(father_code.compact)
    await father.click(ConsentChoice(agree=True))
    return school


def sent(calls: Sequence[object]) -> SendMessage:
    messages = [call for call in calls if isinstance(call, SendMessage)]
    assert len(messages) == 1, calls
    return messages[0]


def button_texts(message: SendMessage | EditMessageText) -> list[str]:
    if message.reply_markup is None:
        return []
    assert isinstance(message.reply_markup, InlineKeyboardMarkup)
    return [button.text for row in message.reply_markup.inline_keyboard for button in row]


async def student_id(database: Database, external_id: str) -> int:
    async with database.unit_of_work() as uow:
        statement = select(Student.id).where(Student.external_id == external_id)
        return int((await uow.session.execute(statement)).scalar_one())
