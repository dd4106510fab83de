"""Passes that overlap: the next batch is claimed while the last answers of the one before
come, yet a chat's messages keep their order and spacing, and a pause stops both passes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage, TelegramMethod
from sqlalchemy import select

from bot.digests.delivery import DeliveryWorker
from bot.digests.delivery_loop import run_delivery
from db.database import Database
from db.models import OutboxMessage, OutboxStatus
from tests.doubles.clock import FakeClock
from tests.doubles.fake_time import FakeTime
from tests.doubles.recording_session import RecordingBot
from tests.test_delivery import statuses, worker
from tests.test_delivery_concurrency import accounts_with_pushes


@pytest.fixture
async def second(database: Database) -> AsyncIterator[Database]:
    """Another engine on the same database: what another process would see."""
    other = Database(database.engine.url)
    yield other
    await other.dispose()


async def claimed_by_now(database: Database, text: str) -> None:
    """Wait (in real time, at most 5 s) until the row with this text is claimed."""
    async with asyncio.timeout(5):
        while True:
            async with database.unit_of_work() as uow:
                status = await uow.session.scalar(
                    select(OutboxMessage.status).where(
                        OutboxMessage.payload["text"].as_string() == text
                    )
                )
            if status is OutboxStatus.CLAIMED:
                return
            await asyncio.sleep(0.01)


async def deliver_until(stop: asyncio.Event, delivery: DeliveryWorker) -> None:
    loop = asyncio.create_task(run_delivery(delivery, stop, idle=0.01))
    async with asyncio.timeout(10):
        await stop.wait()
    await loop


async def test_the_next_pass_is_claimed_while_answers_come_and_a_chat_keeps_its_order(
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    second: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (chat,) = await accounts_with_pushes(database, clock, chats=1, per_chat=2)
    fake = FakeTime()
    answer = bot.session.make_request
    events: list[tuple[str, str, float]] = []
    stop = asyncio.Event()

    async def slow_first(
        bot_: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        assert isinstance(method, SendMessage)
        events.append(("sent", method.text, fake.now))
        if method.text == "Новая оценка 0":
            # The answer comes only once the next pass has claimed the chat's second row:
            # passes one after the other, this would never happen (a time-out).
            await claimed_by_now(second, "Новая оценка 1")
        result = await answer(bot_, method, timeout)
        events.append(("answered", method.text, fake.now))
        if len(events) == 4:
            stop.set()
        return result

    monkeypatch.setattr(bot.session, "make_request", slow_first)
    delivery = worker(database, bot, clock, fake)
    delivery.batch = 1  # one row a pass: the chat's two messages are in two passes
    await deliver_until(stop, delivery)
    assert [(kind, text) for kind, text, _ in events] == [
        ("sent", "Новая оценка 0"),
        ("answered", "Новая оценка 0"),
        ("sent", "Новая оценка 1"),  # after the first was answered, in the later pass
        ("answered", "Новая оценка 1"),
    ]
    assert events[2][2] - events[1][2] >= 1.0  # and a second after it, as Telegram asks
    assert [m.chat_id for m in bot.session.calls(SendMessage)] == [chat, chat]
    assert await statuses(database) == [OutboxStatus.SENT, OutboxStatus.SENT]


async def test_a_pause_in_one_pass_stops_the_next_pass_too(
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    second: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await accounts_with_pushes(database, clock, chats=1, per_chat=2)
    fake = FakeTime()
    answer = bot.session.make_request
    bot.session.queue_error(SendMessage, 429, "Too Many Requests: retry after 30", retry_after=30)

    async def late_429(
        bot_: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        # Telegram's 429 for the first comes once the next pass holds the second row.
        await claimed_by_now(second, "Новая оценка 1")
        return await answer(bot_, method, timeout)

    monkeypatch.setattr(bot.session, "make_request", late_429)
    delivery = worker(database, bot, clock, fake)
    delivery.batch = 1
    stop = asyncio.Event()
    loop = asyncio.create_task(run_delivery(delivery, stop, idle=0.01))
    async with asyncio.timeout(10):
        # Polled: the state is in the database and in the worker, with nothing to wait on.
        paused = [OutboxStatus.PENDING] * 2
        while delivery.paused_for() == 0 or await statuses(second) != paused:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    stop.set()  # (ends the loop's wait for the pause at once)
    await asyncio.wait_for(loop, timeout=5)
    # The later pass sent nothing during the pause: both rows wait for it to end.
    assert len(bot.session.calls(SendMessage)) == 1
    assert await statuses(database) == [OutboxStatus.PENDING, OutboxStatus.PENDING]
    assert delivery.paused_for() == pytest.approx(30, abs=1)
