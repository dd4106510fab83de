"""Answers to people take their slots from the bot's shared limiter too.

Telegram counts every message and edit a bot sends, not only pushes: with ``REDIS_URL`` set,
a reply or an edit made while handling an update takes the bot's next slot and its chat's
from the same limiter as every delivery worker, so all together stay within the limit, and
a 429 given to a reply pauses the workers as well. Answers to button presses
(answerCallbackQuery) are not messages and do not count.

A reply waits at most :data:`LONGEST_WAIT` seconds for its turn and then goes anyway (a
person is waiting for it; Telegram decides), and a reply never fails because Redis is away:
it is sent unlimited and that is said once in the log.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramRetryAfter
from redis.exceptions import RedisError

from bot.digests import limiter_metrics
from bot.digests.shared_rate import PACED_BY_WORKER, SharedRateLimiter, bot_rate

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
    from aiogram.methods import Response, TelegramMethod
    from aiogram.methods.base import TelegramType
    from redis.asyncio import Redis

log = logging.getLogger(__name__)
LONGEST_WAIT = 5.0
# A person tapping quickly gets a few answers at once, as Telegram tolerates in a chat.
REPLY_BURST = 3
COUNTED = frozenset(
    {
        "SendMessage", "SendPhoto", "SendDocument", "SendMediaGroup", "SendVideo", "SendAudio",
        "SendVoice", "SendAnimation", "SendSticker", "CopyMessage", "ForwardMessage",
        "EditMessageText", "EditMessageCaption", "EditMessageReplyMarkup", "EditMessageMedia",
    }
)  # fmt: skip
_UNREACHABLE = (RedisError, OSError, TimeoutError)


class SharedRateLimitMiddleware(BaseRequestMiddleware):
    def __init__(self, limiter: SharedRateLimiter, redis: Redis) -> None:
        self.limiter = limiter
        self._redis = redis
        self._warned = False

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        if PACED_BY_WORKER.get() or type(method).__name__ not in COUNTED or chat_id is None:
            return await make_request(bot, method)
        await self._take_turn(chat_id)
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter as error:
            await self._pause(error.retry_after)
            raise

    async def _take_turn(self, chat_id: Any) -> None:
        waited = 0.0
        try:
            while waited < LONGEST_WAIT:
                wait = await self.limiter.try_acquire(chat_id, chat_burst=REPLY_BURST)
                self._warned = False  # Redis answers: a later loss is told again
                if wait <= 0:
                    break
                wait = min(wait, LONGEST_WAIT - waited)
                await asyncio.sleep(wait)
                waited += wait
        except _UNREACHABLE as error:
            self._unreachable(error)
        limiter_metrics.waited("reply", waited)

    async def _pause(self, seconds: float) -> None:
        try:
            await self.limiter.pause(seconds)
        except _UNREACHABLE as error:
            self._unreachable(error)
            return
        limiter_metrics.PAUSES.labels("reply").inc()

    def _unreachable(self, error: BaseException) -> None:
        if not self._warned:
            self._warned = True
            log.warning(
                "Redis is unreachable (%s): replies go out without the shared limiter",
                type(error).__name__,
            )

    async def close(self) -> None:
        await self._redis.aclose()


def share_reply_limits(bot: Bot, redis_url: str, per_second: float) -> SharedRateLimitMiddleware:
    """Register the middleware on the bot's session; the caller closes it when done."""
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url, socket_timeout=2.0, socket_connect_timeout=2.0)
    middleware = SharedRateLimitMiddleware(
        SharedRateLimiter(redis, bot.id, bot_rate(per_second)), redis
    )
    bot.session.middleware(middleware)
    return middleware
