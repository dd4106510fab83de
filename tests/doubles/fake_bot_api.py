"""The Telegram stand-in (:mod:`bot.standin.server`) with the test suite's bot and clock.

Point aiogram at it with `TelegramAPIServer.from_base(await api.start())`, or start the bot in a
subprocess with TELEGRAM_API_URL set to the base URL. The server runs on the caller's event loop,
so it must be driven from async tests; a subprocess reaches it over TCP like the real API.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from bot.standin.flood_control import FloodControl
from bot.standin.server import TelegramStandIn
from tests.doubles.telegram_updates import (
    BOT_FIRST_NAME,
    BOT_USERNAME,
    DEFAULT_USER_ID,
    FIXED_NOW,
    TEST_TOKEN,
    TelegramUser,
)


class FakeBotApi(TelegramStandIn):
    """The stand-in for the test bot (`TEST_TOKEN`), at a fixed instant unless told."""

    def __init__(
        self,
        token: str = TEST_TOKEN,
        *,
        latency: tuple[float, float] | None = None,
        max_poll_wait: float = 5.0,
        now: Callable[[], datetime] = lambda: FIXED_NOW,
        flood: FloodControl | None = None,
    ) -> None:
        super().__init__(
            token,
            username=BOT_USERNAME,
            first_name=BOT_FIRST_NAME,
            now=now,
            latency=latency,
            max_poll_wait=max_poll_wait,
            flood=flood,
        )

    def push_message(
        self,
        text: str,
        user_id: int = DEFAULT_USER_ID,
        language_code: str | None = "ru",
        first_name: str = "Анна",
    ) -> dict[str, Any]:
        """Queue a private-chat text message from a user."""
        return self.send_as(TelegramUser(user_id, first_name, language_code=language_code), text)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
