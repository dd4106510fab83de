"""The bot's limiter shared through Redis: every sender together keeps to the bot's rate
and to one message a second per chat, and a pause seen by one holds them all."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.digests.shared_rate import SharedRate, SharedRateLimiter
from tests.test_storage import redis_url  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("redis_url")


@pytest.fixture
async def clients(redis_url: str) -> AsyncIterator[tuple[Redis, Redis]]:  # noqa: F811
    """Two connections, as two worker processes would have."""
    first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
    yield first, second
    await first.aclose()
    await second.aclose()


def limiters(
    clients: tuple[Redis, Redis], rate: SharedRate
) -> tuple[SharedRateLimiter, SharedRateLimiter]:
    bot_id = uuid.uuid4().int % 10**12  # a bot of its own: runs never share keys
    return SharedRateLimiter(clients[0], bot_id, rate), SharedRateLimiter(clients[1], bot_id, rate)


async def test_two_senders_share_the_bots_rate(clients: tuple[Redis, Redis]) -> None:
    first, second = limiters(clients, SharedRate(per_second=10))
    assert await first.try_acquire(1) == 0
    wait = await second.try_acquire(2)  # another chat, another process: the bot's next slot
    assert 0 < wait <= 0.1


async def test_one_chat_gets_one_message_a_second(clients: tuple[Redis, Redis]) -> None:
    first, second = limiters(clients, SharedRate(per_second=1000, bot_burst=100))
    assert await first.try_acquire(7) == 0
    wait = await second.try_acquire(7)
    assert 0.9 < wait <= 1.0
    assert await second.try_acquire(8) == 0  # another chat is not held back


async def test_a_waiting_send_takes_nothing(clients: tuple[Redis, Redis]) -> None:
    first, _ = limiters(clients, SharedRate(per_second=1000, bot_burst=100))
    assert await first.try_acquire(7) == 0
    assert await first.try_acquire(7) > 0
    # The refused attempt took no slot of the bot: another chat goes at once.
    assert await first.try_acquire(9) == 0


async def test_concurrent_senders_never_take_the_same_slot(clients: tuple[Redis, Redis]) -> None:
    first, second = limiters(clients, SharedRate(per_second=5, bot_burst=5))
    attempts = [
        (first if n % 2 else second).try_acquire(n) for n in range(60)
    ]  # 60 chats at once, from two processes
    waits = await asyncio.gather(*attempts)
    assert waits.count(0.0) == 5  # exactly the bucket's depth, whoever asked


async def test_a_private_chat_may_burst_when_the_caller_allows(
    clients: tuple[Redis, Redis],
) -> None:
    first, _ = limiters(clients, SharedRate(per_second=1000, bot_burst=100))
    assert [await first.try_acquire(3, chat_burst=3) for _ in range(3)] == [0, 0, 0]
    assert await first.try_acquire(3, chat_burst=3) > 0


async def test_a_pause_seen_by_one_holds_every_sender(clients: tuple[Redis, Redis]) -> None:
    first, second = limiters(clients, SharedRate(per_second=1000, bot_burst=100))
    await first.pause(5)
    assert 4.5 < await second.paused_for() <= 5
    assert 4.5 < await second.try_acquire(1) <= 5
    await second.pause(1)  # a shorter pause never shortens the longer one
    assert await first.paused_for() > 4.5


async def test_acquire_waits_for_its_turn(clients: tuple[Redis, Redis]) -> None:
    first, second = limiters(clients, SharedRate(per_second=1000, bot_burst=100))
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(seconds)

    await first.acquire(5)
    waited = await second.acquire(5, sleep=sleep)
    assert slept
    assert 0.9 < waited < 1.5
