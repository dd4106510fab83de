"""One rate limiter for the bot, shared by every worker and instance through Redis.

Telegram counts a bot's messages across all its connections: two workers that each keep to
30 a second together send 60 and draw 429s, and a ``retry_after`` seen by one must pause
all. So the bot's rate, the one-a-second-per-chat rule and the pause live in Redis, checked
and updated by one Lua script (atomic: no two senders take the same slot), on Redis's own
clock (one clock for all machines).

The rule is GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp per
key): a key holds the "theoretical arrival time" of its next send; a send may go when that
time, less the burst the caller allows, has come. A send takes a slot of the bot's key and
one of the chat's key together, or neither.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis.asyncio import Redis

# KEYS: the bot's key, the chat's key ('' for none), the pause key.
# ARGV: bot interval, bot tolerance, chat interval, chat tolerance (seconds).
# Returns the seconds to wait as a string (Redis would cut a Lua number to an integer);
# "0" means the send may go now and its slots are taken.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local resume = tonumber(redis.call('GET', KEYS[3]) or '0')
if resume > now then
  return tostring(resume - now)
end
local bot_interval, bot_tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local bot_tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local wait = bot_tat - bot_tolerance - now
local chat_tat = now
if KEYS[2] ~= '' then
  local chat_interval, chat_tolerance = tonumber(ARGV[3]), tonumber(ARGV[4])
  chat_tat = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), now)
  wait = math.max(wait, chat_tat - chat_tolerance - now)
  if wait <= 0 then
    local next_chat = chat_tat + chat_interval
    redis.call('SET', KEYS[2], tostring(next_chat), 'PX',
               math.ceil((next_chat - now) * 1000) + 1000)
  end
end
if wait > 0 then
  return tostring(wait)
end
local next_bot = bot_tat + bot_interval
redis.call('SET', KEYS[1], tostring(next_bot), 'PX', math.ceil((next_bot - now) * 1000) + 1000)
return '0'
"""

# KEYS: the pause key. ARGV: seconds. A pause only ever grows: the latest end wins.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local resume = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], tostring(resume), 'PX', math.ceil((resume - now) * 1000) + 1000)
return tostring(resume - now)
"""

_PAUSED_FOR = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local resume = tonumber(redis.call('GET', KEYS[1]) or '0')
return tostring(math.max(0, resume - now))
"""

Sleep = Callable[[float], Awaitable[None]]
# Set by the delivery worker around its own sends: it has taken its slots already, so the
# replies' middleware lets them through.
PACED_BY_WORKER: ContextVar[bool] = ContextVar("paced_by_worker", default=False)


@dataclass(frozen=True)
class SharedRate:
    """Telegram's limits for one bot, as all its senders share them."""

    per_second: float
    per_chat_interval: float = 1.0
    # Sends the bot may make at once after a quiet spell (its bucket's depth).
    bot_burst: int = 1


def bot_rate(per_second: float) -> SharedRate:
    """The bot's limits as every sender keeps them (the same for all, or they would not
    share one bucket). A burst of 2: a turn taken a little late may catch up by one, so the
    bot keeps to its rate over a second instead of falling behind by every late wake-up."""
    return SharedRate(per_second, bot_burst=2)


class SharedRateLimiter:
    """The bot's limiter in Redis (``REDIS_URL``): ``acquire`` before every counted send,
    ``pause`` on a 429."""

    def __init__(self, redis: Redis, bot_id: int, rate: SharedRate) -> None:
        self._redis = redis
        self.rate = rate
        prefix = f"ediary:rate:{bot_id}"
        self._bot_key, self._pause_key = f"{prefix}:bot", f"{prefix}:pause"
        self._chat_prefix = f"{prefix}:chat:"
        self._acquire = redis.register_script(_ACQUIRE)
        self._pause = redis.register_script(_PAUSE)
        self._paused_for = redis.register_script(_PAUSED_FOR)

    async def try_acquire(self, chat_id: int | str | None, *, chat_burst: int = 1) -> float:
        """Take the bot's and the chat's next slots and return 0, or the seconds to wait
        (nothing taken). ``chat_burst`` > 1 lets a person's quick taps be answered at once,
        as Telegram tolerates short bursts in a private chat."""
        rate = self.rate
        interval = 1 / rate.per_second
        chat_key = "" if chat_id is None else f"{self._chat_prefix}{chat_id}"
        wait = await self._acquire(
            keys=[self._bot_key, chat_key, self._pause_key],
            args=[
                repr(interval),
                repr(interval * (rate.bot_burst - 1)),
                repr(rate.per_chat_interval),
                repr(rate.per_chat_interval * (chat_burst - 1)),
            ],
        )
        return float(wait)

    async def acquire(
        self, chat_id: int | str | None, *, chat_burst: int = 1, sleep: Sleep = asyncio.sleep
    ) -> float:
        """Wait for the slots and take them; returns how long it waited."""
        waited = 0.0
        while (wait := await self.try_acquire(chat_id, chat_burst=chat_burst)) > 0:
            await sleep(wait)
            waited += wait
        return waited

    async def pause(self, seconds: float) -> float:
        """Telegram asked the bot to wait: nobody sends until then (the latest end wins)."""
        return float(await self._pause(keys=[self._pause_key], args=[repr(float(seconds))]))

    async def paused_for(self) -> float:
        return float(await self._paused_for(keys=[self._pause_key], args=[]))
