"""An in-process fake Telegram Bot API server speaking real HTTP.

Point aiogram at it with `TelegramAPIServer.from_base(await api.start())`, or start the bot in a
subprocess with TELEGRAM_API_URL set to the base URL. The server runs on the caller's event loop,
so it must be driven from async tests; a subprocess reaches it over TCP like the real API.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tests.doubles.bot_api_messages import SentMessages
from tests.doubles.bot_api_wire import (
    ApiError,
    Failure,
    RecordedCall,
    read_params,
    telegram_error,
)
from tests.doubles.telegram_updates import (
    BOT_USERNAME,
    DEFAULT_USER_ID,
    FIXED_NOW,
    TEST_TOKEN,
    TelegramUser,
    bot_user_dict,
    message_update_data,
)

# A Bot API method implementation: parsed params in, `result` out (or ApiError).
_MethodHandler = Callable[[dict[str, Any]], Awaitable[Any]]


class FakeBotApi:
    """A fake Bot API for one bot token, with scripted updates, errors and latency."""

    def __init__(
        self,
        token: str = TEST_TOKEN,
        *,
        latency: tuple[float, float] | None = None,
        max_poll_wait: float = 5.0,
        now: Callable[[], datetime] = lambda: FIXED_NOW,
    ) -> None:
        """`latency` delays every answer by uniform(low, high) seconds; `max_poll_wait` caps
        how long getUpdates holds a request open, whatever timeout the client asked for."""
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.latency = latency
        self.max_poll_wait = max_poll_wait
        self.now = now
        self._calls: list[RecordedCall] = []
        self._updates: list[dict[str, Any]] = []
        self._last_update_id = 0
        self._failures: dict[str, deque[Failure]] = {}
        self._sent = SentMessages(self.bot_id, lambda: self.now())
        # "Generation" events: waiters grab the current event, a change sets it and installs a
        # fresh one. Unlike Condition this works from sync methods such as push_update().
        self._updates_changed = asyncio.Event()
        self._call_recorded = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._handlers: dict[str, _MethodHandler] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._sent.send_message,
            "editmessagetext": self._sent.edit_message_text,
            "editmessagereplymarkup": self._sent.edit_message_reply_markup,
            "senddocument": self._sent.send_document,
            "sendphoto": self._sent.send_photo,
            "getmycommands": self._empty_list,
        }
        for name in (
            "setwebhook",
            "setmycommands",
            "deletemycommands",
            "answercallbackquery",
            "sendchataction",
            "deletemessage",
            "setchatmenubutton",
            "close",
            "logout",
        ):
            self._handlers[name] = self._true

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._base_url is not None, "FakeBotApi is not started"
        return self._base_url

    async def start(self) -> str:
        """Listen on 127.0.0.1 on a free port; returns the base URL (no trailing slash)."""
        # Telegram accepts uploads up to 50 MB; aiohttp's default body limit is 1 MB.
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # handler_cancellation: a client that hangs up (e.g. stop_polling cancelling a long poll)
        # cancels its handler instead of leaving it waiting until shutdown.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self._closing = False
        self._base_url = f"http://{host}:{port}"
        return self._base_url

    async def stop(self) -> None:
        if self._runner is None:
            return
        # Release long polls at once so shutdown doesn't wait for their timeouts.
        self._closing = True
        self._notify_updates()
        await self._runner.cleanup()
        self._runner = None
        self._base_url = None

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

    # -- scripting ------------------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates; assigns update_id if missing. Returns the update."""
        update = dict(update)
        update_id = update.setdefault("update_id", self._last_update_id + 1)
        if update_id <= self._last_update_id:
            raise ValueError(
                f"update_id {update_id} is not above the last one ({self._last_update_id}); "
                "Telegram update ids only grow and getUpdates would skip it"
            )
        self._last_update_id = update_id
        self._updates.append(update)
        self._notify_updates()
        return update

    def push_message(
        self,
        text: str,
        user_id: int = DEFAULT_USER_ID,
        language_code: str | None = "ru",
        first_name: str = "Анна",
    ) -> dict[str, Any]:
        """Queue a private-chat text message from a user."""
        user = TelegramUser(user_id, first_name, language_code=language_code)
        data = message_update_data(
            text, user=user, update_id=self._last_update_id + 1, date=self.now()
        )
        return self.push_update(data)

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with this Telegram error."""
        failure = Failure(error_code, description, retry_after, migrate_to_chat_id, times)
        self._failures.setdefault(method.lower(), deque()).append(failure)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    # -- inspecting -----------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        if method is None:
            return list(self._calls)
        return [call for call in self._calls if call.method.lower() == method.lower()]

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[RecordedCall], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the documented API
        *,
        after: int = 0,
    ) -> RecordedCall:
        """The first call of `method` matching `predicate`, waiting for it if needed.

        Calls already recorded count too; pass `after=len(api.calls())`, taken before the
        action, to consider only newer ones.
        """
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for call in self._calls[after:]:
                if call.method.lower() == method.lower() and (predicate is None or predicate(call)):
                    return call
            event = self._call_recorded
            remaining = deadline - asyncio.get_running_loop().time()
            try:
                async with asyncio.timeout(max(remaining, 0)):
                    await event.wait()
            except TimeoutError:
                seen = [f"{call.method}({call.params})" for call in self._calls]
                raise TimeoutError(
                    f"no {method} call matching the predicate within {timeout}s; calls seen: {seen}"
                ) from None

    # -- HTTP -----------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        params = await read_params(request)
        self._calls.append(RecordedCall(token, method, params, time.monotonic()))
        self._call_recorded.set()
        self._call_recorded = asyncio.Event()

        if self.latency is not None:
            await asyncio.sleep(random.uniform(*self.latency))
        if token != self.token:
            return telegram_error(401, "Unauthorized")
        if failure := self._take_failure(method):
            return telegram_error(
                failure.error_code,
                failure.description,
                retry_after=failure.retry_after,
                migrate_to_chat_id=failure.migrate_to_chat_id,
            )
        handler = self._handlers.get(method.lower())
        if handler is None:
            return telegram_error(404, "Not Found: method not found")
        try:
            result = await handler(params)
        except ApiError as error:
            return telegram_error(error.error_code, error.description)
        return web.json_response({"ok": True, "result": result})

    def _take_failure(self, method: str) -> Failure | None:
        failures = self._failures.get(method.lower())
        if not failures:
            return None
        failure = failures[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            failures.popleft()
        return failure

    def _notify_updates(self) -> None:
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    # -- methods --------------------------------------------------------------------------------

    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    async def _empty_list(self, params: dict[str, Any]) -> list[Any]:
        return []

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return bot_user_dict(self.bot_id, BOT_USERNAME)

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        pending = len(self._updates)
        return {"url": "", "has_custom_certificate": False, "pending_update_count": pending}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0))
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        wait = min(float(params.get("timeout", 0)), self.max_poll_wait)
        # Like Telegram, an offset confirms (and forgets) every earlier update; a negative one
        # keeps only the last -offset updates.
        if offset < 0:
            del self._updates[:offset]
        else:
            self._updates[:] = [u for u in self._updates if u["update_id"] >= offset]
        deadline = asyncio.get_running_loop().time() + wait
        while not self._updates and not self._closing:
            event = self._updates_changed
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            try:
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                break
        return self._updates[:limit]
