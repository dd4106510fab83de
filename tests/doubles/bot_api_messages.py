"""The fake Bot API's messages: what the bot sent, kept so that edits change them as
Telegram would, with message and file ids issued the way Telegram issues them."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from tests.doubles.bot_api_wire import (
    ApiError,
    UploadedFile,
    inline_markup,
    replace_markup,
    require,
)
from tests.doubles.telegram_updates import (
    BOT_USERNAME,
    bot_user_dict,
    chat_dict,
    photo_sizes,
    resolve_chat_id,
    unix,
)


class SentMessages:
    """sendMessage, sendDocument, sendPhoto and the edits, over one store of messages."""

    def __init__(self, bot_id: int, now: Callable[[], datetime]) -> None:
        self.bot_id = bot_id
        self.now = now
        self._message_ids: Iterator[int] = itertools.count(10_001)
        self._file_ids: Iterator[int] = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}

    async def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = require(params, "chat_id", "Bad Request: chat_id is empty")
        text = params.get("text")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        return self._new_message(chat_id, text=text, reply_markup=inline_markup(params))

    async def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if not params.get("text"):
            raise ApiError(400, "Bad Request: message text is empty")
        if params.get("inline_message_id"):
            return True
        message = self._edited(params)
        message["text"] = params["text"]
        replace_markup(message, params)
        return message

    async def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if params.get("inline_message_id"):
            return True
        message = self._edited(params)
        replace_markup(message, params)
        return message

    async def send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = require(params, "chat_id", "Bad Request: chat_id is empty")
        sent = require(params, "document", "Bad Request: there is no document in the request")
        document: dict[str, Any] = {
            "file_id": self._file_id(sent, "BQACAgIAAxk-document"),
            "file_unique_id": f"AgAD-document-{next(self._file_ids)}",
        }
        if isinstance(sent, UploadedFile):
            document["file_size"] = len(sent.data)
            document["mime_type"] = sent.content_type
            if sent.filename:
                document["file_name"] = sent.filename
        return self._new_message(
            chat_id,
            document=document,
            caption=params.get("caption"),
            reply_markup=inline_markup(params),
        )

    async def send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = require(params, "chat_id", "Bad Request: chat_id is empty")
        sent = require(params, "photo", "Bad Request: there is no photo in the request")
        file_id = self._file_id(sent, "AgACAgIAAxk-photo")
        photo = photo_sizes(file_id)
        return self._new_message(
            chat_id,
            photo=photo,
            caption=params.get("caption"),
            reply_markup=inline_markup(params),
        )

    def _new_message(self, chat_id: Any, **content: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": bot_user_dict(self.bot_id, BOT_USERNAME),
            "chat": chat_dict(resolve_chat_id(chat_id)),
            "date": unix(self.now()),
            **{key: value for key, value in content.items() if value is not None},
        }
        self._messages[(message["chat"]["id"], message["message_id"])] = message
        return message

    def _edited(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = require(params, "chat_id", "Bad Request: chat_id is empty")
        message_id = require(
            params, "message_id", "Bad Request: message identifier is not specified"
        )
        chat = chat_dict(resolve_chat_id(chat_id))
        message = self._messages.get((chat["id"], message_id))
        if message is None:
            # Not sent through this server (e.g. before the test): edit a synthesised message.
            message = {
                "message_id": message_id,
                "from": bot_user_dict(self.bot_id, BOT_USERNAME),
                "chat": chat,
                "date": unix(self.now()),
            }
            self._messages[(chat["id"], message_id)] = message
        message["edit_date"] = unix(self.now())
        return message

    def _file_id(self, sent: Any, prefix: str) -> str:
        # Re-sending by file_id keeps the id; uploads and URLs get a fresh one.
        if isinstance(sent, str) and "://" not in sent:
            return sent
        return f"{prefix}-{next(self._file_ids)}"
