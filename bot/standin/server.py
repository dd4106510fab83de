"""A Telegram Bot API stand-in speaking real HTTP, for one bot token.

The bot talks to it as to Telegram (``TELEGRAM_API_URL`` set to its base URL): long polling,
sending, editing and deleting messages, photos and documents, button answers. People's
actions come in through :meth:`TelegramStandIn.push_message` and
:meth:`~TelegramStandIn.press_button`, and what the bot sent is read from :attr:`chats`.
``ediary run --try`` serves it for the browser chat page; the test suite drives the same
class with scripted updates, failures and latency. With ``flood`` set it answers 429 as
Telegram does when the bot sends too fast.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.standin.chats import SentMessages
from bot.standin.flood_control import COUNTED_METHODS, FloodControl
from bot.standin.telegram_objects import (
    BotIdentity,
    TelegramUser,
    callback_update_data,
    message_update_data,
    resolve_chat_id,
)
from bot.standin.wire import ApiError, Failure, RecordedCall, read_params, telegram_error

# A Bot API method implementation: parsed params in, `result` out (or ApiError).
_MethodHandler = Callable[[dict[str, Any]], Awaitable[Any]]
_ALWAYS_TRUE = (
    "setwebhook",
    "setmycommands",
    "deletemycommands",
    "sendchataction",
    "setchatmenubutton",
    "close",
    "logout",
)


class TelegramStandIn:
    """The Bot API for one bot: its chats, its pending updates, and scripted trouble."""

    def __init__(
        self,
        token: str,
        *,
        username: str,
        first_name: str,
        now: Callable[[], datetime],
        latency: tuple[float, float] | None = None,
        max_poll_wait: float = 5.0,
        flood: FloodControl | None = None,
        record_calls: bool = True,
    ) -> None:
        """`latency` delays every answer by uniform(low, high) seconds; `max_poll_wait` caps
        how long getUpdates holds a request open, whatever timeout the client asked for;
        `record_calls` keeps every request for inspection (tests), unbounded."""
        self.token = token
        self.identity = BotIdentity(int(token.split(":", 1)[0]), username, first_name)
        self.bot_id = self.identity.id
        self.latency = latency
        self.max_poll_wait = max_poll_wait
        self.now = now
        self.flood = flood
        # The calls the flood limits refused: a bot within its limits has none.
        self.flood_refusals: list[RecordedCall] = []
        self.failed_calls: list[RecordedCall] = []  # the calls a scripted failure answered
        self.record_calls = record_calls
        self.chats = SentMessages(self.identity, lambda: self.now())
        self._calls: list[RecordedCall] = []
        self._updates: list[dict[str, Any]] = []
        self._last_update_id = 0
        self._callback_queries = 0
        self._callback_chats: dict[str, int | str] = {}
        self._failures: dict[str, Any] = {}
        # "Generation" events: waiters grab the current event, a change sets it and installs a
        # fresh one. Unlike Condition this works from sync methods such as push_update().
        self._updates_changed = asyncio.Event()
        self._call_recorded = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._handlers = self._method_handlers()

    def _method_handlers(self) -> dict[str, _MethodHandler]:
        chats = self.chats
        handlers: dict[str, _MethodHandler] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": chats.send_message,
            "editmessagetext": chats.edit_message_text,
            "editmessagereplymarkup": chats.edit_message_reply_markup,
            "deletemessage": chats.delete_message,
            "senddocument": chats.send_document,
            "sendphoto": chats.send_photo,
            "answercallbackquery": self._answer_callback_query,
            "getmycommands": self._empty_list,
        }
        for name in _ALWAYS_TRUE:
            handlers[name] = self._true
        return handlers

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._base_url is not None, "the stand-in is not started"
        return self._base_url

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen (on a free port unless one is given); returns the base URL."""
        # Telegram accepts uploads up to 50 MB; aiohttp's default body limit is 1 MB.
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # handler_cancellation: a client that hangs up (e.g. stop_polling cancelling a long poll)
        # cancels its handler instead of leaving it waiting until shutdown.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self._closing = False
        self._base_url = f"http://{bound_host}:{bound_port}"
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

    # -- what people do -------------------------------------------------------------------------

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

    def send_as(self, user: TelegramUser, text: str) -> dict[str, Any]:
        """A person writes to the bot in their private chat; the chat keeps the message."""
        data = message_update_data(
            text,
            user=user,
            message_id=self.chats.next_message_id(),
            update_id=self._last_update_id + 1,
            date=self.now(),
        )
        self.chats.record_incoming(data["message"])
        return self.push_update(data)

    def press_button(self, user: TelegramUser, message_id: int, data: str) -> dict[str, Any] | None:
        """A person presses an inline button under the bot's message in their chat; None when
        that message is not there (deleted, or never sent)."""
        message = self.chats.message(user.id, message_id)
        if message is None or not message.get("from", {}).get("is_bot"):
            return None
        self._callback_queries += 1
        update = callback_update_data(
            data,
            user=user,
            message=message,
            update_id=self._last_update_id + 1,
            query_number=self._callback_queries,
        )
        self._callback_chats[update["callback_query"]["id"]] = user.id
        return self.push_update(update)

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
        self._failures.setdefault(method.lower(), []).append(failure)

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
        name = request.match_info["method"]
        method = name.lower()
        params = await read_params(request)
        call = RecordedCall(token, name, params, time.monotonic())
        if self.record_calls:
            self._calls.append(call)
            self._call_recorded.set()
            self._call_recorded = asyncio.Event()
        if self.latency is not None:
            await asyncio.sleep(random.uniform(*self.latency))
        if token != self.token:
            return telegram_error(401, "Unauthorized")
        if failure := self._take_failure(method):
            self.failed_calls.append(call)
            return telegram_error(
                failure.error_code,
                failure.description,
                retry_after=failure.retry_after,
                migrate_to_chat_id=failure.migrate_to_chat_id,
            )
        if (wait := self._flood_wait(method, params)) is not None:
            self.flood_refusals.append(call)
            return telegram_error(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        handler = self._handlers.get(method)
        if handler is None:
            return telegram_error(404, "Not Found: method not found")
        try:
            result = await handler(params)
        except ApiError as error:
            return telegram_error(error.error_code, error.description)
        return web.json_response({"ok": True, "result": result})

    def _flood_wait(self, method: str, params: dict[str, Any]) -> int | None:
        if self.flood is None or method not in COUNTED_METHODS or "chat_id" not in params:
            return None
        paid = bool(params.get("allow_paid_broadcast"))
        chat = resolve_chat_id(params["chat_id"])
        return self.flood.retry_after(chat, time.monotonic(), paid=paid)

    def _take_failure(self, method: str) -> Failure | None:
        failures = self._failures.get(method)
        if not failures:
            return None
        failure: Failure = failures[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            failures.pop(0)
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
        return self.identity.to_dict()

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        chat_id = self._callback_chats.pop(str(params.get("callback_query_id", "")), None)
        if chat_id is not None and params.get("text"):
            self.chats.notice(chat_id, str(params["text"]))
        return True

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
