"""The delivery worker with the shared limiter, and without Redis: it keeps to its share of
the bot's rate (the rate divided by the workers sending now, from PostgreSQL), says so once,
and delivers everything meanwhile."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage
from redis.asyncio import Redis

from bot.digests.shared_pacing import SharedPacing
from bot.digests.shared_rate import SharedRateLimiter, bot_rate
from db.database import Database
from tests.conftest import worker_for
from tests.doubles.clock import FakeClock
from tests.doubles.fake_time import FakeTime
from tests.doubles.recording_session import RecordingBot
from tests.test_delivery import PARENT, linked_parent, push, statuses, worker
from tests.test_storage import redis_url  # noqa: F401 - the fixture


def unreachable_pacing() -> SharedPacing:
    redis = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    return SharedPacing(SharedRateLimiter(redis, 42, bot_rate(30)), redis)


async def test_without_redis_a_worker_keeps_to_its_share_and_delivers(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    await linked_parent(dispatcher, bot, database, clock)
    for number in range(3):
        await push(database, clock, f"grade:{number}:1", alone=True)
    # Another worker holds a live claim: the two share the bot's rate.
    async with database.unit_of_work() as uow:
        await uow.outbox.claim(worker="other", now=clock.now(),
                               lease_until=clock.now() + timedelta(minutes=2), limit=1)  # fmt: skip
        await uow.commit()
    pacing = unreachable_pacing()
    delivery = replace(worker(database, bot, clock, FakeTime()), shared=pacing)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.digests.shared_pacing"):
            report = await delivery.deliver_due()
            await delivery.deliver_due()
    finally:
        await pacing.close()
    assert report.sent == 2  # the third is the other worker's
    assert len(bot.session.calls(SendMessage)) == 2
    assert pacing.degraded
    assert pacing.live_workers == 2
    assert pacing.share_of(30) == 15
    said = [r for r in caplog.records if "Redis is unreachable" in r.getMessage()]
    assert len(said) == 1  # once, not per send
    assert len(await statuses(database)) == 3


async def test_other_claimants_count_live_claims_only(database: Database, clock: FakeClock) -> None:
    await push(database, clock, "no-consent")  # nothing queued without a linked family
    now = clock.now()
    async with database.unit_of_work() as uow:
        assert await uow.outbox.other_claimants("me", now) == 0


async def test_a_worker_with_redis_takes_its_turns_there(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    redis_url: str,  # noqa: F811
) -> None:  # fmt: skip
    await linked_parent(dispatcher, bot, database, clock)
    for number in range(2):
        await push(database, clock, f"grade:{number}:1", alone=True)
    redis = Redis.from_url(redis_url)
    limiter = SharedRateLimiter(redis, uuid.uuid4().int % 10**12, bot_rate(1000))
    pacing = SharedPacing(limiter, redis)
    # Real time: Redis keeps its own clock, a fake one here would never reach its turns.
    delivery = replace(worker_for(database, bot, clock, name="w1"), shared=pacing)
    try:
        started = time.monotonic()
        assert (await delivery.deliver_due()).sent == 2
        # The chat's second message waited its second, by Redis's count as well as ours.
        assert time.monotonic() - started >= 0.9
        assert not pacing.degraded
        assert await limiter.try_acquire(PARENT.id) > 0  # Redis holds the chat's next slot
    finally:
        await pacing.close()
