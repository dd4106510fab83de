"""A user chatting with the bot through the real Dispatcher: messages, replies, and button
presses — of buttons the bot showed, or forged callback data for the tests of refusals."""

from __future__ import annotations

from typing import Any

from aiogram import Dispatcher
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import TelegramMethod
from aiogram.types import Update

from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import (
    FIXED_NOW,
    TelegramUser,
    as_update,
    bot_message_dict,
    callback_update_data,
    message_update_data,
)


class BotConversation:
    """Drives a Dispatcher as one user chatting with the bot in a private chat.

    Each action feeds one update through `Dispatcher.feed_update` and returns the Bot API calls
    made while it was handled, in order. Calls made by background tasks that outlive the
    handler are not included (look at `bot.session.requests` for those).

    Buttons: `press(text)` and `click(data)` only press a button the bot really shows (on its
    latest message in the chat, or on `message_id`, as edited since), so a test cannot reach a
    handler through a button the user never sees; `forge(data)` sends any callback data, as a
    tampering client or a stale button would.
    """

    def __init__(self, dispatcher: Dispatcher, bot: RecordingBot, user: TelegramUser) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.user = user
        self.last_update: Update | None = None

    @property
    def chat_id(self) -> int:
        return self.user.id

    async def send(self, text: str) -> list[TelegramMethod[Any]]:
        data = message_update_data(text, user=self.user, date=self.bot.session.now())
        return await self.feed(data)

    async def reply(self, text: str, *, to_message_id: int) -> list[TelegramMethod[Any]]:
        data = message_update_data(
            text,
            user=self.user,
            reply_to=self._bot_message(to_message_id),
            date=self.bot.session.now(),
        )
        return await self.feed(data)

    async def click(
        self, data: str | CallbackData, *, message_id: int | None = None
    ) -> list[TelegramMethod[Any]]:
        """Press the button with exactly this callback data, as the user would.

        The button must be on the message clicked (the bot's latest message in this chat unless
        `message_id` is given) as it is now, after any edits; otherwise an AssertionError lists
        the buttons that message shows. Use `forge` to send data no button carries.
        """
        packed = data.pack() if isinstance(data, CallbackData) else data
        message = self._shown_message(message_id)
        buttons = _inline_buttons(message)
        if not any(button.get("callback_data") == packed for button in buttons):
            raise AssertionError(
                f"no button with callback data {packed!r} on message {message['message_id']}; "
                f"it shows: {_describe_buttons(buttons)} "
                "(use forge() to send data as a tampering client)"
            )
        return await self._press(packed, message)

    async def press(self, text: str, *, message_id: int | None = None) -> list[TelegramMethod[Any]]:
        """Press the callback button labelled exactly `text`, as the user would.

        The button is looked up on the message pressed (the bot's latest message in this chat
        unless `message_id` is given) as it is now, after any edits; an AssertionError lists the
        buttons shown when no single callback button has this text.
        """
        message = self._shown_message(message_id)
        buttons = _inline_buttons(message)
        matching = [button for button in buttons if button.get("text") == text]
        if len(matching) == 1 and "callback_data" in matching[0]:
            return await self._press(str(matching[0]["callback_data"]), message)
        if not matching:
            problem = "no button"
        elif len(matching) > 1:
            problem = f"{len(matching)} buttons"
        else:
            problem = "no callback button"  # a link, a web app or the like
        raise AssertionError(
            f"{problem} labelled {text!r} on message {message['message_id']}; "
            f"it shows: {_describe_buttons(buttons)}"
        )

    async def forge(
        self, data: str | CallbackData, *, message_id: int | None = None
    ) -> list[TelegramMethod[Any]]:
        """Send callback data as a tampering client could: no button needs to carry it.

        For tests of forged, foreign or stale buttons. The update names the message
        `message_id` (the bot's latest message in this chat by default); a message the bot never
        sent here is given as a placeholder.
        """
        packed = data.pack() if isinstance(data, CallbackData) else data
        if message_id is None:
            message_id = self._latest_message_id()
        return await self._press(packed, self._bot_message(message_id))

    async def feed(self, data: dict[str, Any]) -> list[TelegramMethod[Any]]:
        """Feed an arbitrary raw update and collect the API calls made while handling it."""
        update = as_update(data, self.bot)
        self.last_update = update
        requests = self.bot.session.requests
        before = len(requests)
        result = await self.dispatcher.feed_update(self.bot, update)
        # Polling (Dispatcher._process_update) executes a method returned by a handler as if it
        # were a webhook reply; do the same so such handlers behave as in production.
        if isinstance(result, TelegramMethod):
            await self.dispatcher.silent_call_request(self.bot, result)
        return requests[before:]

    def _latest_message_id(self) -> int:
        message_id = self.bot.session.last_message_id(self.chat_id)
        if message_id is None:
            raise AssertionError(
                "the bot has sent no message in this chat to press a button on; pass message_id"
            )
        return message_id

    def _shown_message(self, message_id: int | None) -> dict[str, Any]:
        """The message as the user sees it now (after edits); it must be one the bot sent."""
        if message_id is None:
            message_id = self._latest_message_id()
        known = self.bot.session.message_data(self.chat_id, message_id)
        if known is None:
            raise AssertionError(
                f"the bot sent no message {message_id} in chat {self.chat_id}, so it shows no "
                "buttons to press (use forge() to send data as a tampering client)"
            )
        return known

    async def _press(self, data: str, message: dict[str, Any]) -> list[TelegramMethod[Any]]:
        return await self.feed(callback_update_data(data, user=self.user, message=message))

    def _bot_message(self, message_id: int) -> dict[str, Any]:
        # Prefer the message the bot really sent (text, keyboard) so handlers reading
        # callback.message see what the user saw; fall back to a placeholder.
        known = self.bot.session.message_data(self.chat_id, message_id)
        if known is not None:
            return known
        return bot_message_dict(
            message_id=message_id,
            chat_id=self.chat_id,
            date=FIXED_NOW,
            text="…",
            bot_id=self.bot.id,
        )


def _inline_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline buttons under a wire-format message, row by row, left to right."""
    markup = message.get("reply_markup") or {}
    rows: list[list[dict[str, Any]]] = markup.get("inline_keyboard", [])
    return [button for row in rows for button in row]


def _describe_buttons(buttons: list[dict[str, Any]]) -> str:
    if not buttons:
        return "no buttons"
    described = []
    for button in buttons:
        kind = next((key for key in button if key != "text"), "?")
        described.append(f"{button.get('text')!r} ({kind}={button.get(kind)!r})")
    return "; ".join(described)
