"""The stand-in's chats: what the bot sent and what people wrote, kept so that edits change
messages as Telegram would, with message and file ids issued the way Telegram issues them.

Every change gets the next sequence number, so a viewer (the try page) asks for what changed
since the number it saw last and waits when nothing did.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.standin.telegram_objects import BotIdentity, chat_dict, photo_sizes, resolve_chat_id, unix
from bot.standin.wire import ApiError, UploadedFile, inline_markup, replace_markup, require


@dataclass(slots=True)
class ChatEntry:
    """One message in a chat as a viewer sees it: the Message object and how to read it."""

    message: dict[str, Any]
    from_bot: bool
    parse_mode: str | None = None
    seq: int = 0
    deleted: bool = False


@dataclass(slots=True)
class ChatState:
    entries: dict[int, ChatEntry] = field(default_factory=dict)
    # The reply keyboard the bot showed last (None: none, or removed).
    keyboard: dict[str, Any] | None = None
    keyboard_seq: int = 0
    notices: list[tuple[int, str]] = field(default_factory=list)  # (seq, callback answer text)


class SentMessages:
    """sendMessage, sendDocument, sendPhoto, the edits and deletions, over one store."""

    def __init__(self, bot: BotIdentity, now: Callable[[], datetime]) -> None:
        self.identity = bot
        self.now = now
        self._message_ids: Iterator[int] = itertools.count(10_001)
        self._file_ids: Iterator[int] = itertools.count(1)
        self._seq: Iterator[int] = itertools.count(1)
        self.last_seq = 0
        self._chats: dict[int | str, ChatState] = {}
        self._files: dict[str, UploadedFile] = {}
        self._changed = asyncio.Event()

    # -- what viewers read ----------------------------------------------------------------------

    def chat(self, chat_id: int | str) -> ChatState:
        return self._chats.setdefault(chat_id, ChatState())

    def changed_since(self, chat_id: int | str, seq: int) -> list[ChatEntry]:
        entries = self.chat(chat_id).entries.values()
        return sorted((e for e in entries if e.seq > seq), key=lambda e: e.message["message_id"])

    def file(self, file_id: str) -> UploadedFile | None:
        return self._files.get(file_id)

    def message(self, chat_id: int | str, message_id: int) -> dict[str, Any] | None:
        entry = self.chat(chat_id).entries.get(message_id)
        return None if entry is None or entry.deleted else entry.message

    async def wait_for_change(self, after: int, timeout: float) -> None:  # noqa: ASYNC109
        """Until anything changes past sequence ``after``, at most ``timeout`` seconds."""
        if self.last_seq > after:
            return
        event = self._changed
        try:
            async with asyncio.timeout(timeout):
                await event.wait()
        except TimeoutError:
            return

    # -- what people do -------------------------------------------------------------------------

    def record_incoming(self, message: dict[str, Any]) -> None:
        """A person's message, kept so that the chat shows both sides."""
        chat = self.chat(message["chat"]["id"])
        chat.entries[message["message_id"]] = ChatEntry(message, from_bot=False)
        self._touch(chat.entries[message["message_id"]])

    def next_message_id(self) -> int:
        """Message ids are per chat on Telegram; one counter keeps them unique and growing."""
        return next(self._message_ids)

    def notice(self, chat_id: int | str, text: str) -> None:
        """An answer to a button press shown briefly on top of the chat."""
        chat = self.chat(chat_id)
        chat.notices.append((self._next_seq(), text))

    # -- Bot API methods ------------------------------------------------------------------------

    async def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = require(params, "chat_id", "Bad Request: chat_id is empty")
        text = params.get("text")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        return self._new_message(chat_id, params, text=text)

    async def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if not params.get("text"):
            raise ApiError(400, "Bad Request: message text is empty")
        if params.get("inline_message_id"):
            return True
        entry = self._edited(params)
        entry.message["text"] = params["text"]
        entry.parse_mode = params.get("parse_mode")
        replace_markup(entry.message, params)
        return entry.message

    async def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if params.get("inline_message_id"):
            return True
        entry = self._edited(params)
        replace_markup(entry.message, params)
        return entry.message

    async def delete_message(self, params: dict[str, Any]) -> bool:
        chat_id = resolve_chat_id(require(params, "chat_id", "Bad Request: chat_id is empty"))
        message_id = require(params, "message_id", "Bad Request: message identifier is empty")
        entry = self.chat(chat_id).entries.get(int(message_id))
        if entry is None or entry.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        entry.deleted = True
        self._touch(entry)
        return True

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
        return self._new_message(chat_id, params, document=document, caption=params.get("caption"))

    async def send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = require(params, "chat_id", "Bad Request: chat_id is empty")
        sent = require(params, "photo", "Bad Request: there is no photo in the request")
        file_id = self._file_id(sent, "AgACAgIAAxk-photo")
        return self._new_message(
            chat_id, params, photo=photo_sizes(file_id), caption=params.get("caption")
        )

    # -- inside ---------------------------------------------------------------------------------

    def _new_message(self, chat_id: Any, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.next_message_id(),
            "from": self.identity.to_dict(),
            "chat": chat_dict(resolve_chat_id(chat_id)),
            "date": unix(self.now()),
            **{key: value for key, value in content.items() if value is not None},
        }
        if markup := inline_markup(params):
            message["reply_markup"] = markup
        chat = self.chat(message["chat"]["id"])
        entry = ChatEntry(message, from_bot=True, parse_mode=params.get("parse_mode"))
        chat.entries[message["message_id"]] = entry
        self._touch(entry)
        self._follow_keyboard(chat, params.get("reply_markup"))
        return message

    def _follow_keyboard(self, chat: ChatState, markup: Any) -> None:
        # A reply keyboard stays under the input field until another one or a removal comes.
        if not isinstance(markup, dict):
            return
        if "keyboard" in markup:
            chat.keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.keyboard = None
        else:
            return
        chat.keyboard_seq = self._next_seq()

    def _edited(self, params: dict[str, Any]) -> ChatEntry:
        chat_id = require(params, "chat_id", "Bad Request: chat_id is empty")
        message_id = require(
            params, "message_id", "Bad Request: message identifier is not specified"
        )
        chat = chat_dict(resolve_chat_id(chat_id))
        entries = self.chat(chat["id"]).entries
        entry = entries.get(int(message_id))
        if entry is None:
            # Not sent through this server (e.g. before a test began): edit a made-up message.
            made_up = {
                "message_id": int(message_id),
                "from": self.identity.to_dict(),
                "chat": chat,
                "date": unix(self.now()),
            }
            entry = entries[int(message_id)] = ChatEntry(made_up, from_bot=True)
        elif entry.deleted or not entry.from_bot:
            raise ApiError(400, "Bad Request: message to edit not found")
        entry.message["edit_date"] = unix(self.now())
        self._touch(entry)
        return entry

    def _file_id(self, sent: Any, prefix: str) -> str:
        # Re-sending by file_id keeps the id; uploads and URLs get a fresh one.
        if isinstance(sent, str) and "://" not in sent:
            return sent
        file_id = f"{prefix}-{next(self._file_ids)}"
        if isinstance(sent, UploadedFile):
            self._files[file_id] = sent
        return file_id

    def _touch(self, entry: ChatEntry) -> None:
        entry.seq = self._next_seq()

    def _next_seq(self) -> int:
        self.last_seq = next(self._seq)
        # Wake every viewer waiting for a change and give later waiters a fresh event.
        self._changed.set()
        self._changed = asyncio.Event()
        return self.last_seq
