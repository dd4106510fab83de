"""Builders for realistic Telegram updates (the conversation driver is in conversation.py).

Everything is first built as the JSON-ready dict Telegram would put on the wire and only then
validated into aiogram models. That way the same builders serve both doubles: the
`RecordingSession` (typed objects) and the `FakeBotApi` HTTP server (raw JSON).
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.types import Update

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


@dataclass(frozen=True, slots=True)
class TelegramUser:
    """A human Telegram account, as it appears in `from` of updates."""

    id: int
    first_name: str = "Анна"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "ru"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        # Telegram omits absent optional fields instead of sending null.
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        if self.language_code is not None:
            data["language_code"] = self.language_code
        return data


# ---------------------------------------------------------------------------------------------
# Wire-format (dict) builders shared by the doubles
# ---------------------------------------------------------------------------------------------


def unix(moment: datetime) -> int:
    return round(moment.timestamp())


def bot_user_dict(bot_id: int = BOT_ID, username: str = BOT_USERNAME) -> dict[str, Any]:
    """The `User` object getMe returns (and that appears in `from` of the bot's messages)."""
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": BOT_FIRST_NAME,
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def resolve_chat_id(chat_id: int | str) -> int | str:
    """Turn numeric strings (as sent in form data) into ints; keep `@channel` usernames."""
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        return int(chat_id)
    return chat_id


def chat_dict(chat_id: int | str, user: TelegramUser | None = None) -> dict[str, Any]:
    """A `Chat` whose type follows Telegram's id conventions.

    Positive ids are private chats, `-100…` ids are supergroups/channels, other negative ids
    are basic groups and `@name` is a public channel.
    """
    chat_id = resolve_chat_id(chat_id)
    if isinstance(chat_id, str):
        name = chat_id.lstrip("@")
        # A stable fake id so repeated sends to the same channel land in the same chat.
        fake_id = -1_000_000_000_000 - zlib.crc32(name.encode())
        return {"id": fake_id, "type": "channel", "title": name, "username": name}
    if chat_id > 0:
        data: dict[str, Any] = {"id": chat_id, "type": "private"}
        if user is not None and user.id == chat_id:
            data["first_name"] = user.first_name
            if user.last_name is not None:
                data["last_name"] = user.last_name
            if user.username is not None:
                data["username"] = user.username
        return data
    if str(chat_id).startswith("-100"):
        return {"id": chat_id, "type": "supergroup", "title": f"Test supergroup {chat_id}"}
    return {"id": chat_id, "type": "group", "title": f"Test group {chat_id}"}


def command_entities(text: str) -> list[dict[str, Any]]:
    """Telegram marks a leading `/command` with a bot_command entity; handlers may rely on it."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    # Entity offsets/lengths are in UTF-16 code units, not Python characters.
    return [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]


def photo_sizes(file_id: str) -> list[dict[str, Any]]:
    """The `photo` of a sent picture: several sizes, smallest first, the original last."""
    return [
        {"file_id": f"{file_id}-s", "file_unique_id": f"{file_id}-s-u", "width": 90, "height": 60},
        {"file_id": file_id, "file_unique_id": f"{file_id}-u", "width": 1280, "height": 853},
    ]


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
    """The raw JSON of a `message` update (what getUpdates/webhooks deliver)."""
    chat = chat_dict(user.id if chat_id is None else chat_id, user)
    message: dict[str, Any] = {
        "message_id": next_incoming_message_id() if message_id is None else message_id,
        "from": user.to_dict(),
        "chat": chat,
        "date": unix(FIXED_NOW if date is None else date),
        "text": text,
    }
    if entities := command_entities(text):
        message["entities"] = entities
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"update_id": next_update_id() if update_id is None else update_id, "message": message}


def callback_update_data(
    data: str,
    *,
    user: TelegramUser,
    message: dict[str, Any],
    update_id: int | None = None,
) -> dict[str, Any]:
    """The raw JSON of a `callback_query` update for a button under `message`."""
    chat_id = message["chat"]["id"]
    return {
        "update_id": next_update_id() if update_id is None else update_id,
        "callback_query": {
            "id": f"{user.id}{next(_callback_ids):06d}",
            "from": user.to_dict(),
            "message": message,
            # Telegram gives an opaque per-chat string; derive a stable one from the chat id.
            "chat_instance": str(zlib.crc32(str(chat_id).encode())),
            "data": data,
        },
    }


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
