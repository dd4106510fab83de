"""The delivery worker's side of the shared limiter, and what it does while Redis is away.

With ``REDIS_URL`` set every worker and instance takes its turns from one limiter in Redis
(:mod:`bot.digests.shared_rate`). When Redis cannot be reached a worker must still keep
the bot within Telegram's limit without knowing what the others send, so it falls back to a
conservative share: the bot's rate divided by the workers sending now, which PostgreSQL
knows (the distinct holders of live claims in the outbox). It says so once in the log, tries
Redis again every half a minute, and says so once when it is back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from bot.digests import limiter_metrics
from bot.digests.shared_rate import SharedRateLimiter

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)
RETRY_REDIS_EVERY = 30.0
_UNREACHABLE = (RedisError, OSError, TimeoutError)


class SharedPacing:
    def __init__(
        self,
        limiter: SharedRateLimiter,
        redis: Redis,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limiter = limiter
        self._redis = redis
        self._monotonic = monotonic
        self.degraded = False
        self.live_workers = 1
        self._retry_at = float("-inf")

    def share_of(self, per_second: float) -> float:
        """This worker's rate: the bot's when shared, its share of it when not."""
        return per_second / max(1, self.live_workers) if self.degraded else per_second

    async def turn(self, chat_id: int) -> float | None:
        """0 when a send to ``chat_id`` may go now (its slots are taken), the seconds to
        wait, or None when Redis is away (pace locally then)."""
        if self.degraded:
            return None
        try:
            wait = await self.limiter.try_acquire(chat_id)
        except _UNREACHABLE as error:
            self._degrade(error)
            return None
        limiter_metrics.waited("delivery", wait)
        return wait

    async def pause(self, seconds: float) -> None:
        """A 429 seen here pauses every sender (when Redis is there to tell them)."""
        if self.degraded:
            return
        try:
            await self.limiter.pause(seconds)
        except _UNREACHABLE as error:
            self._degrade(error)
            return
        limiter_metrics.PAUSES.labels("delivery").inc()

    async def paused_for(self) -> float:
        """A pause another worker or instance was asked for; 0 without Redis."""
        await self._maybe_recover()
        if self.degraded:
            return 0.0
        try:
            return await self.limiter.paused_for()
        except _UNREACHABLE as error:
            self._degrade(error)
            return 0.0

    def count_live_workers(self, others_claiming: int) -> None:
        """What PostgreSQL says: ``others_claiming`` other workers hold live claims."""
        self.live_workers = others_claiming + 1

    async def close(self) -> None:
        await self._redis.aclose()

    def _degrade(self, error: BaseException) -> None:
        self._retry_at = self._monotonic() + RETRY_REDIS_EVERY
        if not self.degraded:
            self.degraded = True
            limiter_metrics.DEGRADED.set(1)
            log.warning(
                "Redis is unreachable (%s): this worker keeps to its share of the bot's rate "
                "(the rate divided by the workers sending now) until Redis is back",
                type(error).__name__,
            )

    async def _maybe_recover(self) -> None:
        if not self.degraded or self._monotonic() < self._retry_at:
            return
        try:
            await self._redis.ping()
        except _UNREACHABLE:
            self._retry_at = self._monotonic() + RETRY_REDIS_EVERY
            return
        self.degraded = False
        limiter_metrics.DEGRADED.set(0)
        log.warning("Redis is back: the workers share the bot's rate through it again")
