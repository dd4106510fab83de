"""Each Telegram error class, answered by a fake Bot API over real HTTP, and what the
delivery worker makes of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select

from db.database import Database
from db.models import OutboxMessage, OutboxStatus, TelegramAccount
from tests.conftest import worker_for
from tests.doubles.clock import FakeClock
from tests.doubles.fake_bot_api import FakeBotApi
from tests.doubles.fake_time import FakeTime
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TEST_TOKEN
from tests.test_delivery import PARENT, linked_parent, push


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(max_poll_wait=0.3) as server:
        yield server


@pytest.fixture
async def http_bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    bot = Bot(TEST_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
    async with bot:
        yield bot


@pytest.mark.parametrize(
    ("error", "status", "active"),
    [
        ({"error_code": 429, "description": "Too Many Requests", "retry_after": 5},
         "pending", True),
        ({"error_code": 403, "description": "Forbidden: bot was blocked by the user"},
         "dead", False),
        ({"error_code": 400, "description": "Bad Request: chat not found"}, "dead", True),
        ({"error_code": 502, "description": "Bad Gateway"}, "pending", True),
        (
            {"error_code": 400, "description": "Bad Request: group chat was upgraded",
             "migrate_to_chat_id": -1009876},
            "sent",
            True,
        ),
    ],
)  # fmt: skip
async def test_each_telegram_error_over_http(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    api: FakeBotApi,
    http_bot: Bot,
    error: dict[str, Any],
    status: str,
    active: bool,
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    assert await push(database, clock, "grade:1:1")
    api.fail_next("sendMessage", **error)
    fake = FakeTime()
    worker = worker_for(database, http_bot, clock, fake)
    await worker.deliver_due()
    async with database.unit_of_work() as uow:
        row = (await uow.session.execute(select(OutboxMessage))).scalar_one()
        account = (
            await uow.session.execute(
                select(TelegramAccount).where(TelegramAccount.telegram_user_id == PARENT.id)
            )
        ).scalar_one()
    assert row.status == OutboxStatus(status)
    assert account.is_active is active
    sends = api.calls("sendMessage")
    if "migrate_to_chat_id" in error:
        # Sent again to the supergroup, and the account follows it.
        assert [call.params["chat_id"] for call in sends] == [PARENT.id, -1009876]
        assert account.chat_id == -1009876
    else:
        assert len(sends) == 1
    if error["error_code"] == 429:
        assert row.attempts == 0  # Telegram's pacing is not the push's failure
        assert worker.paused_for() > 0
    if error["error_code"] == 502:
        assert row.attempts == 1
        assert row.due_at > clock.now()  # backed off
