"""Builders for realistic Telegram updates (the conversation driver is in conversation.py).

Everything is first built as the JSON-ready dict Telegram would put on the wire and only then
validated into aiogram models. That way the same builders serve both doubles: the
`RecordingSession` (typed objects) and the `FakeBotApi` HTTP server (raw JSON).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.types import Update

from bot.standin import telegram_objects as objects
from bot.standin.telegram_objects import (
    BotIdentity,
    TelegramUser,
    chat_dict,
    command_entities,
    photo_sizes,
    resolve_chat_id,
    unix,
)

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "DEFAULT_USER_ID",
    "FIXED_NOW",
    "TEST_TOKEN",
    "TelegramUser",
    "callback_update",
    "callback_update_data",
    "chat_dict",
    "command_entities",
    "message_update",
    "message_update_data",
    "photo_sizes",
    "resolve_chat_id",
    "unix",
]

# The bot id is the numeric prefix of the token, so both must agree (aiogram's Bot.id parses it).
BOT_ID = 42
TEST_TOKEN = f"{BOT_ID}:TEST-TOKEN-ediary-0123456789abcdefABCDEF"
BOT_USERNAME = "ediary_test_bot"
BOT_FIRST_NAME = "eDiary (test)"
DEFAULT_USER_ID = 1001
# A fixed clock keeps message dates (and anything formatted from them) deterministic.
FIXED_NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)

# Module-wide counters: every builder and every BotConversation shares them, so update ids and
# incoming message ids never repeat within a test run, exactly like Telegram's monotonic ids.
_update_ids: Iterator[int] = itertools.count(1)
_incoming_message_ids: Iterator[int] = itertools.count(1)
_callback_ids: Iterator[int] = itertools.count(1)


def next_update_id() -> int:
    return next(_update_ids)


def next_incoming_message_id() -> int:
    return next(_incoming_message_ids)


def bot_user_dict(bot_id: int = BOT_ID, username: str = BOT_USERNAME) -> dict[str, Any]:
    """The `User` object getMe returns (and that appears in `from` of the bot's messages)."""
    return BotIdentity(bot_id, username, BOT_FIRST_NAME).to_dict()


def bot_message_dict(
    *,
    message_id: int,
    chat_id: int | str,
    date: datetime,
    text: str | None = None,
    bot_id: int = BOT_ID,
    bot_username: str = BOT_USERNAME,
) -> dict[str, Any]:
    """A message previously sent by the bot (used as callback/reply targets)."""
    data: dict[str, Any] = {
        "message_id": message_id,
        "from": bot_user_dict(bot_id, bot_username),
        "chat": chat_dict(chat_id),
        "date": unix(date),
    }
    if text is not None:
        data["text"] = text
    return data


def message_update_data(
    text: str,
    *,
    user: TelegramUser,
    chat_id: int | None = None,
    message_id: int | None = None,
    update_id: int | None = None,
    reply_to: dict[str, Any] | None = None,
    date: datetime | None = None,
) -> dict[str, Any]:
    """The raw JSON of a `message` update, with the next ids when none are given."""
    return objects.message_update_data(
        text,
        user=user,
        chat_id=chat_id,
        message_id=next_incoming_message_id() if message_id is None else message_id,
        update_id=next_update_id() if update_id is None else update_id,
        reply_to=reply_to,
        date=FIXED_NOW if date is None else date,
    )


def callback_update_data(
    data: str,
    *,
    user: TelegramUser,
    message: dict[str, Any],
    update_id: int | None = None,
) -> dict[str, Any]:
    """The raw JSON of a `callback_query` update for a button under `message`."""
    return objects.callback_update_data(
        data,
        user=user,
        message=message,
        update_id=next_update_id() if update_id is None else update_id,
        query_number=next(_callback_ids),
    )


# ---------------------------------------------------------------------------------------------
# Typed Update builders
# ---------------------------------------------------------------------------------------------


def as_update(data: dict[str, Any], bot: Bot | None) -> Update:
    # Mounting the bot now spares Dispatcher.feed_update its JSON re-validation round trip
    # and lets handlers use shortcuts such as message.answer().
    if bot is None:
        return Update.model_validate(data)
    return Update.model_validate(data, context={"bot": bot})


def message_update(
    text: str,
    *,
    user_id: int = DEFAULT_USER_ID,
    chat_id: int | None = None,
    first_name: str = "Анна",
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "ru",
    reply_to_message_id: int | None = None,
    reply_to_text: str = "…",
    message_id: int | None = None,
    date: datetime | None = None,
    bot: Bot | None = None,
) -> Update:
    """A text message from a user; private chat with that user unless `chat_id` is given.

    `reply_to_message_id` makes it a reply to a message the bot sent earlier.
    """
    user = TelegramUser(user_id, first_name, last_name, username, language_code)
    target = user.id if chat_id is None else chat_id
    reply_to = None
    if reply_to_message_id is not None:
        reply_to = bot_message_dict(
            message_id=reply_to_message_id, chat_id=target, date=FIXED_NOW, text=reply_to_text
        )
    data = message_update_data(
        text, user=user, chat_id=chat_id, message_id=message_id, reply_to=reply_to, date=date
    )
    return as_update(data, bot)


def callback_update(
    data: str,
    *,
    user_id: int = DEFAULT_USER_ID,
    message_id: int,
    message_text: str = "…",
    chat_id: int | None = None,
    first_name: str = "Анна",
    language_code: str | None = "ru",
    bot: Bot | None = None,
) -> Update:
    """A press of an inline button with `data` under the bot's message `message_id`."""
    user = TelegramUser(user_id, first_name, language_code=language_code)
    message = bot_message_dict(
        message_id=message_id,
        chat_id=user.id if chat_id is None else chat_id,
        date=FIXED_NOW,
        text=message_text,
    )
    return as_update(callback_update_data(data, user=user, message=message), bot)


# ---------------------------------------------------------------------------------------------
# Conversation driver
# ---------------------------------------------------------------------------------------------
