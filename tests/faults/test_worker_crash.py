"""``kill -9`` of a delivery worker mid-send: nothing is lost; what it had in flight, or had
sent since it last wrote its outcomes (a second at most), is sent again after its lease, and
``ediary status`` counts those as of unknown outcome."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from bot.digests.status import delivery_status
from db.database import Database
from db.models import OutboxMessage, OutboxStatus
from tests.conftest import worker_for
from tests.doubles.clock import FakeClock
from tests.doubles.fake_bot_api import FakeBotApi
from tests.doubles.telegram_updates import TEST_TOKEN
from tests.test_delivery import BUTTONS
from tests.test_run_end_to_end import process_environment, run_ediary

pytestmark = [pytest.mark.slow, pytest.mark.own_processes]

CHATS, PER_CHAT = 40, 3


@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotApi]:
    # Slow answers: when the worker is killed, some sends are in flight.
    async with FakeBotApi(latency=(0.2, 0.5)) as api:
        yield api


async def seed(database: Database, clock: FakeClock) -> None:
    """Three pushes for each of 40 chats, due long ago (so due whatever the worker's clock)."""
    now = clock.now()
    async with database.unit_of_work() as uow:
        for chat in range(CHATS):
            account = await uow.accounts.add(telegram_user_id=70_000 + chat, chat_id=70_000 + chat,
                                             now=now)  # fmt: skip
            for number in range(PER_CHAT):
                await uow.outbox.queue(
                    account_id=account.id, school_id=None, kind="announcement",
                    key=f"crash:{chat}:{number}", text=f"Объявление {number}",
                    reply_markup=BUTTONS, due_at=now, urgent=True, now=now,
                )  # fmt: skip
        await uow.commit()


async def recorded_as_sent(database: Database) -> int:
    async with database.unit_of_work() as uow:
        sent = await uow.session.execute(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.status == OutboxStatus.SENT)
        )
        return int(sent.scalar_one())


async def latest_lease(database: Database) -> datetime | None:
    async with database.unit_of_work() as uow:
        latest: datetime | None = (
            await uow.session.execute(select(func.max(OutboxMessage.lease_expires_at)))
        ).scalar_one()
        return latest


async def test_a_killed_worker_loses_nothing_and_its_in_flight_sends_are_counted(
    database: Database, database_url: URL, clock: FakeClock, telegram: FakeBotApi, tmp_path: Path
) -> None:
    await seed(database, clock)
    env = process_environment(
        BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=telegram.base_url,
        DATABASE_URL=database_url.render_as_string(hide_password=False),
        SECRET_KEY="k" * 40,
    )
    process = await run_ediary("worker", env=env, cwd=tmp_path)
    try:
        # Killed once 30 outcomes are written: those must never count as unknown. Up to two
        # minutes: a Python process that loads aiogram starts slowly on a busy machine.
        for _ in range(2400):
            if await recorded_as_sent(database) >= 30:
                break
            await asyncio.sleep(0.05)
        assert await recorded_as_sent(database) >= 30, "the worker never got going"
    finally:
        process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == -signal.SIGKILL
    async with database.unit_of_work() as uow:
        status = await uow.session.execute(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.status == OutboxStatus.CLAIMED)
        )
        assert status.scalar_one() > 0  # it died holding rows

    # Another worker, once the dead one's lease has run out, delivers the rest.
    lease = await latest_lease(database)
    assert lease is not None
    clock.set(lease + timedelta(seconds=1))
    bot = Bot(
        TEST_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(telegram.base_url))
    )
    async with bot:
        worker = worker_for(database, bot, clock, name="survivor")
        for _ in range(20):
            report = await worker.deliver_due()
            if not (report.sent or report.retried):
                break

    sends = Counter(
        (call.params["chat_id"], call.params["text"]) for call in telegram.calls("sendMessage")
    )
    wanted = {(70_000 + chat, f"Объявление {n}") for chat in range(CHATS) for n in range(PER_CHAT)}
    assert {(int(chat), str(text)) for chat, text in sends} == wanted  # nothing lost
    duplicates = sum(count - 1 for count in sends.values())
    async with database.unit_of_work() as uow:
        figures = await delivery_status(uow, clock)
        left = await uow.session.execute(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.status != OutboxStatus.SENT)
        )
        assert left.scalar_one() == 0
    # Every duplicate is among the pushes counted as of unknown outcome, and nothing else is.
    assert duplicates <= figures.unknown_after_crash_last_hour
    assert figures.unknown_after_crash_last_hour == figures.unknown_after_crash_last_day
    assert 0 < figures.unknown_after_crash_last_hour <= CHATS * PER_CHAT - 30
