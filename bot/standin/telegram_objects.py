"""Telegram's objects as they travel on the wire (JSON-ready dicts), for the stand-in.

The stand-in answers with these, and builds the updates a person's actions make with them; the
test suite's builders use the same functions, so both speak one shape of Telegram.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any


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


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who the bot is: its id is the numeric prefix of its token (aiogram parses it so)."""

    id: int
    username: str
    first_name: str

    def to_dict(self) -> dict[str, Any]:
        """The `User` object getMe returns (and that appears in `from` of the bot's messages)."""
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }


def unix(moment: datetime) -> int:
    return round(moment.timestamp())


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
        # A stable made-up id so repeated sends to the same channel land in the same chat.
        made_up_id = -1_000_000_000_000 - zlib.crc32(name.encode())
        return {"id": made_up_id, "type": "channel", "title": name, "username": name}
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
        return {"id": chat_id, "type": "supergroup", "title": f"Supergroup {chat_id}"}
    return {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}


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


def message_update_data(
    text: str,
    *,
    user: TelegramUser,
    message_id: int,
    update_id: int,
    date: datetime,
    chat_id: int | None = None,
    reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The raw JSON of a `message` update (what getUpdates/webhooks deliver)."""
    chat = chat_dict(user.id if chat_id is None else chat_id, user)
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": user.to_dict(),
        "chat": chat,
        "date": unix(date),
        "text": text,
    }
    if entities := command_entities(text):
        message["entities"] = entities
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"update_id": update_id, "message": message}


def callback_update_data(
    data: str,
    *,
    user: TelegramUser,
    message: dict[str, Any],
    update_id: int,
    query_number: int,
) -> dict[str, Any]:
    """The raw JSON of a `callback_query` update for a button under `message`."""
    chat_id = message["chat"]["id"]
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"{user.id}{query_number:06d}",
            "from": user.to_dict(),
            "message": message,
            # Telegram gives an opaque per-chat string; derive a stable one from the chat id.
            "chat_instance": str(zlib.crc32(str(chat_id).encode())),
            "data": data,
        },
    }
