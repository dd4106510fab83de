"""Replies and edits keep to the limiter every delivery worker shares (REDIS_URL): they wait
for a pause any sender was given, a 429 given to a reply pauses the workers too, and a reply
never fails for want of Redis."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter
from redis.asyncio import Redis

from bot.digests.limiter_metrics import limiter_metrics_text
from bot.digests.shared_rate import PACED_BY_WORKER, SharedRateLimiter, bot_rate
from bot.middlewares import shared_rate_limit
from bot.middlewares.shared_rate_limit import SharedRateLimitMiddleware, share_reply_limits
from tests.doubles.fake_bot_api import FakeBotApi
from tests.test_storage import redis_url  # noqa: F401 - the fixture


@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotApi]:
    token = f"{uuid.uuid4().int % 10**9 + 10**9}:TEST-TOKEN-shared-replies"
    async with FakeBotApi(token) as api:
        yield api


@pytest.fixture
async def bot(telegram: FakeBotApi, redis_url: str) -> AsyncIterator[tuple[Bot, SharedRateLimiter]]:  # noqa: F811
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.base_url))
    bot = Bot(telegram.token, session=session)
    replies = share_reply_limits(bot, redis_url, per_second=1000)
    yield bot, replies.limiter
    await replies.close()
    await bot.session.close()


async def test_a_reply_waits_out_a_pause_another_sender_was_given(
    bot: tuple[Bot, SharedRateLimiter], telegram: FakeBotApi
) -> None:
    sender, limiter = bot
    await limiter.pause(1)  # as a worker does on a 429
    started = time.monotonic()
    await sender.send_message(chat_id=501, text="Оценки")
    assert time.monotonic() - started >= 0.9
    assert [call.params["text"] for call in telegram.calls("sendMessage")] == ["Оценки"]
    assert b'ediary_rate_limiter_waits_total{sender="reply"}' in limiter_metrics_text()


async def test_a_429_given_to_a_reply_pauses_every_sender(
    bot: tuple[Bot, SharedRateLimiter], telegram: FakeBotApi
) -> None:
    sender, limiter = bot
    telegram.fail_next("editMessageText", 429, "Too Many Requests: retry after 4", retry_after=4)
    with pytest.raises(TelegramRetryAfter):
        await sender.edit_message_text(chat_id=501, message_id=7, text="»")
    assert 3 < await limiter.paused_for() <= 4


async def test_worker_sends_and_button_answers_are_not_held(
    bot: tuple[Bot, SharedRateLimiter], telegram: FakeBotApi
) -> None:
    sender, limiter = bot
    await limiter.pause(30)
    started = time.monotonic()
    await sender.answer_callback_query("q1")  # not a message: Telegram does not count it
    token = PACED_BY_WORKER.set(True)  # the worker took its slot already
    try:
        await sender.send_message(chat_id=502, text="Итоговые оценки")
    finally:
        PACED_BY_WORKER.reset(token)
    assert time.monotonic() - started < 2
    assert len(telegram.calls("sendMessage")) == 1


async def test_a_long_pause_holds_a_reply_for_a_few_seconds_at_most(
    bot: tuple[Bot, SharedRateLimiter], telegram: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender, limiter = bot
    monkeypatch.setattr(shared_rate_limit, "LONGEST_WAIT", 0.3)
    await limiter.pause(60)
    started = time.monotonic()
    await sender.send_message(chat_id=503, text="Расписание")
    assert 0.25 < time.monotonic() - started < 2  # a person is waiting: it goes anyway
    assert len(telegram.calls("sendMessage")) == 1


async def test_a_reply_goes_without_redis_and_says_so_once(
    telegram: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.base_url))
    bot = Bot(telegram.token, session=session)
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    middleware = SharedRateLimitMiddleware(
        SharedRateLimiter(unreachable, bot.id, bot_rate(30)), unreachable
    )
    bot.session.middleware(middleware)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.middlewares.shared_rate_limit"):
            await bot.send_message(chat_id=504, text="1")
            await bot.send_message(chat_id=504, text="2")
    finally:
        await middleware.close()
        await bot.session.close()
    assert [c.params["text"] for c in telegram.calls("sendMessage")] == ["1", "2"]
    warnings = [r for r in caplog.records if "Redis is unreachable" in r.getMessage()]
    assert len(warnings) == 1
