"""Edits of an earlier message and documents, through the delivery worker."""

from __future__ import annotations

from typing import Any

from aiogram import Dispatcher
from aiogram.methods import EditMessageText, SendDocument, SendMessage
from aiogram.types import BufferedInputFile

from db.database import Database
from db.models import OutboxStatus
from tests.doubles.clock import FakeClock
from tests.doubles.fake_time import FakeTime
from tests.doubles.recording_session import RecordingBot
from tests.test_delivery import PARENT, linked_parent, statuses, worker


async def queue(database: Database, clock: FakeClock, key: str, text: str, **extra: Any) -> int:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.by_telegram_user(PARENT.id)
        assert account is not None
        await uow.outbox.queue(
            account_id=account.id,
            school_id=1,
            kind="test",
            key=key,
            text=text,
            reply_markup=None,
            due_at=clock.now(),
            urgent=False,
            now=clock.now(),
            extra=extra,
        )
        row = await uow.outbox.by_key(key)
        await uow.commit()
    assert row is not None
    return row.id


async def test_an_edit_replaces_the_sent_message_and_is_never_merged(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    original = await queue(database, clock, "summary:1", "Ознакомлены: 0 из 2", alone=True)
    await queue(database, clock, "other:1", "Другая новость")
    await worker(database, bot, clock, FakeTime()).deliver_due()
    # The running summary went alone, not merged with the other plain push.
    assert [m.text for m in bot.session.calls(SendMessage)] == [
        "Ознакомлены: 0 из 2",
        "Другая новость",
    ]
    bot.session.clear()
    await queue(database, clock, "summary:2", "Ознакомлены: 1 из 2", edit_of=original)
    await worker(database, bot, clock, FakeTime()).deliver_due()
    [edit] = bot.session.calls(EditMessageText)
    assert edit.text == "Ознакомлены: 1 из 2"
    assert bot.session.calls(SendMessage) == []
    async with database.unit_of_work() as uow:
        first = await uow.outbox.get(original)
        second = await uow.outbox.by_key("summary:2")
    assert first is not None
    assert second is not None
    assert edit.message_id == first.telegram_message_id == second.telegram_message_id


async def test_an_edit_whose_message_is_gone_is_sent_anew(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    original = await queue(database, clock, "summary:1", "Было", alone=True)
    await worker(database, bot, clock, FakeTime()).deliver_due()
    bot.session.clear()
    bot.session.queue_error(EditMessageText, 400, "Bad Request: message to edit not found")
    await queue(database, clock, "summary:2", "Стало", edit_of=original)
    await worker(database, bot, clock, FakeTime()).deliver_due()
    assert [m.text for m in bot.session.calls(SendMessage)] == ["Стало"]
    # An unchanged text is no error: the message already says it.
    bot.session.clear()
    bot.session.queue_error(EditMessageText, 400, "Bad Request: message is not modified")
    await queue(database, clock, "summary:3", "Стало", edit_of=original)
    await worker(database, bot, clock, FakeTime()).deliver_due()
    assert bot.session.calls(SendMessage) == []
    assert await statuses(database) == [OutboxStatus.SENT] * 3


async def test_a_stored_document_goes_as_a_file_with_its_caption(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    async with database.unit_of_work() as uow:
        document = await uow.documents.add(
            school_id=1,
            kind="statements",
            filename="statements-5А.pdf",
            content_type="application/pdf",
            content=b"%PDF-1.4 test",
            now=clock.now(),
        )
        await uow.commit()
    await queue(database, clock, "statements:1", "Выписки: 5А", document_id=document.id)
    await queue(database, clock, "other:1", "Другая новость")
    await worker(database, bot, clock, FakeTime()).deliver_due()
    [sent] = bot.session.calls(SendDocument)
    assert sent.caption == "Выписки: 5А"
    assert isinstance(sent.document, BufferedInputFile)
    assert sent.document.filename == "statements-5А.pdf"
    assert sent.document.data == b"%PDF-1.4 test"
    assert [m.text for m in bot.session.calls(SendMessage)] == ["Другая новость"]
