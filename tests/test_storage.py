"""Conversation state lives in Redis when REDIS_URL is set, so instances can share it."""

from __future__ import annotations

import os
import uuid

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.app import build_storage
from bot.config import Settings

LOCAL_REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
async def redis_url() -> str:
    configured = os.environ.get("TEST_REDIS_URL")
    url = configured or LOCAL_REDIS
    client = Redis.from_url(url)
    try:
        await client.ping()
    except (RedisConnectionError, OSError) as error:
        if configured:
            pytest.fail(f"TEST_REDIS_URL is set but Redis is unreachable: {error}")
        pytest.skip(
            "Redis tests skipped: TEST_REDIS_URL is not set and no Redis answers at "
            "127.0.0.1:6379; set TEST_REDIS_URL=redis://host:6379/15 to run them"
        )
    finally:
        await client.aclose()
    return url


def test_memory_storage_without_redis() -> None:
    assert isinstance(build_storage(Settings(_env_file=None)), MemoryStorage)


async def test_two_instances_share_state_through_redis(redis_url: str) -> None:
    settings = Settings(_env_file=None, redis_url=redis_url)
    first, second = build_storage(settings), build_storage(settings)
    assert isinstance(first, RedisStorage)
    user = int(uuid.uuid4().int % 10**9)
    key = StorageKey(bot_id=42, chat_id=user, user_id=user)
    try:
        await first.set_state(key, "broadcast:preview")
        await first.set_data(key, {"class": "5А"})
        assert await second.get_state(key) == "broadcast:preview"
        assert await second.get_data(key) == {"class": "5А"}
    finally:
        await first.set_state(key, None)
        await first.set_data(key, {})
        await first.close()
        await second.close()
