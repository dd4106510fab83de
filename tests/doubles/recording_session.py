"""An aiogram session that records Bot API calls instead of sending them.

Modelled on aiogram's own tests/mocked_bot.py: answers are serialised to JSON and handed to
`BaseSession.check_response`, so results are validated and errors are raised by aiogram exactly
as on the network path (a queued 429 really raises `TelegramRetryAfter`).
"""

from __future__ import annotations

import copy
import itertools
import mimetypes
from collections import deque
from collections.abc import AsyncGenerator, Callable, Iterator
from datetime import datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar, cast

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMyCommands,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetChatMenuButton,
    SetMyCommands,
    SetWebhook,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardMarkup, InputFile

from tests.doubles.queued_answer import QueuedAnswer, to_jsonable
from tests.doubles.telegram_updates import (
    FIXED_NOW,
    TEST_TOKEN,
    bot_user_dict,
    chat_dict,
    photo_sizes,
    unix,
)

M = TypeVar("M", bound=TelegramMethod[Any])

# Bot message ids start far away from incoming (user) message ids so a test can never mistake
# one for the other.
FIRST_BOT_MESSAGE_ID = 10_001

_DefaultAnswer = Callable[[Bot, Any], Any]


class UnexpectedTelegramCall(AssertionError):
    """The code under test called a method nobody queued an answer for."""


class RecordingSession(BaseSession):
    """Records every request (as the typed method object) and answers from per-method queues."""

    def __init__(self, *, now: Callable[[], datetime] = lambda: FIXED_NOW) -> None:
        super().__init__()
        self.now = now
        self.requests: list[TelegramMethod[Any]] = []
        # Kept separately because code under test may swallow the AssertionError in a broad
        # `except Exception`; a fixture can still assert this list is empty.
        self.unexpected: list[UnexpectedTelegramCall] = []
        self._queues: dict[type[TelegramMethod[Any]], deque[QueuedAnswer]] = {}
        self._message_ids: Iterator[int] = itertools.count(FIRST_BOT_MESSAGE_ID)
        self._file_ids: Iterator[int] = itertools.count(1)
        # What the bot has sent, keyed by (chat id, message id): lets edits keep the rest of the
        # message and lets conversations click on buttons the bot really showed.
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._defaults: dict[type[TelegramMethod[Any]], _DefaultAnswer] = {
            GetMe: lambda bot, _: bot_user_dict(bot.id),
            SendMessage: self._send_message,
            EditMessageText: self._edit_message_text,
            EditMessageReplyMarkup: self._edit_message_reply_markup,
            SendPhoto: self._send_photo,
            SendDocument: self._send_document,
        }
        for returns_true in (
            AnswerCallbackQuery,
            SetMyCommands,
            DeleteMyCommands,
            DeleteWebhook,
            SetWebhook,
            DeleteMessage,
            SetChatMenuButton,
            SendChatAction,
        ):
            self._defaults[returns_true] = lambda _bot, _method: True

    # -- scripting answers ----------------------------------------------------------------------

    def queue(
        self,
        method_type: type[TelegramMethod[Any]],
        result: Any = None,
        *,
        error_code: int = HTTPStatus.OK,
        description: str | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Answer the next call of `method_type` with `result` or, if error_code isn't 2xx,
        with a Telegram error. Answers for one method are used first in, first out."""
        answer = QueuedAnswer(result, int(error_code), description, retry_after, migrate_to_chat_id)
        if answer.is_ok and result is None:
            # Telegram never answers ok with a null result; this is almost always a forgotten
            # `result=True` for a bool method, which would otherwise surface as a confusing None.
            raise ValueError(f"queue({method_type.__name__}) needs a result for a 2xx answer")
        self._queues.setdefault(method_type, deque()).append(answer)

    def queue_error(
        self,
        method_type: type[TelegramMethod[Any]],
        error_code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        self.queue(
            method_type,
            error_code=error_code,
            description=description,
            retry_after=retry_after,
            migrate_to_chat_id=migrate_to_chat_id,
        )

    def pending(self, method_type: type[TelegramMethod[Any]]) -> int:
        """How many queued answers for `method_type` have not been consumed yet."""
        return len(self._queues.get(method_type, ()))

    # -- inspecting calls -----------------------------------------------------------------------

    def calls(self, method_type: type[M]) -> list[M]:
        return [request for request in self.requests if isinstance(request, method_type)]

    def last(self, method_type: type[M]) -> M:
        found = self.calls(method_type)
        assert found, f"no {method_type.__name__} call was made; calls: {self.describe()}"
        return found[-1]

    def clear(self) -> None:
        """Forget recorded calls (queued answers stay: they are set-up, not observations)."""
        self.requests.clear()
        self.unexpected.clear()

    def assert_no_calls(self) -> None:
        assert not self.requests, f"expected no Bot API calls, got: {self.describe()}"

    def describe(self) -> str:
        return ", ".join(type(request).__name__ for request in self.requests) or "none"

    def message_data(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The wire dict of a message this bot sent (after edits), if it sent it."""
        message = self._messages.get((chat_id, message_id))
        return copy.deepcopy(message) if message is not None else None

    def last_message_id(self, chat_id: int) -> int | None:
        ids = [message_id for (chat, message_id) in self._messages if chat == chat_id]
        return max(ids, default=None)

    # -- BaseSession ----------------------------------------------------------------------------

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - signature fixed by BaseSession
    ) -> TelegramType:
        self.requests.append(method)
        # Serialise the request like AiohttpSession.build_form_data would, so a request that
        # could not go over the wire (bad value, unknown default) fails here too.
        for value in method.model_dump(warnings=False).values():
            self.prepare_value(value, bot=bot, files={})
        status_code, payload = self._answer(bot, method)
        response = self.check_response(
            bot=bot, method=method, status_code=status_code, content=self.json_dumps(payload)
        )
        return cast(TelegramType, response.result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - signature fixed by BaseSession
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        # Nothing to download: an async generator that yields no chunks.
        chunks: tuple[bytes, ...] = ()
        for chunk in chunks:
            yield chunk

    async def close(self) -> None:
        """Nothing to release."""

    # -- answers --------------------------------------------------------------------------------

    def _answer(self, bot: Bot, method: TelegramMethod[Any]) -> tuple[int, dict[str, Any]]:
        queued = self._queues.get(type(method))
        if queued:
            answer = queued.popleft()
            return answer.error_code, answer.to_response()
        default = self._defaults.get(type(method))
        if default is None:
            error = UnexpectedTelegramCall(
                f"unexpected Bot API call {type(method).__name__} ({method.__api_method__}) "
                f"with nothing queued: {method!r}; "
                f"use session.queue({type(method).__name__}, ...) to script it"
            )
            self.unexpected.append(error)
            raise error
        return HTTPStatus.OK, {"ok": True, "result": to_jsonable(default(bot, method))}

    def _new_message(self, bot: Bot, chat_id: int | str, **content: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": bot_user_dict(bot.id),
            "chat": chat_dict(chat_id),
            "date": unix(self.now()),
            **{key: value for key, value in content.items() if value is not None},
        }
        self._messages[(message["chat"]["id"], message["message_id"])] = message
        return message

    def _edited(
        self, bot: Bot, chat_id: int | str | None, message_id: int | None
    ) -> dict[str, Any]:
        assert chat_id is not None, "chat_id is required unless inline_message_id is given"
        assert message_id is not None, "message_id is required unless inline_message_id is given"
        chat = chat_dict(chat_id)
        message = self._messages.get((chat["id"], message_id))
        if message is None:
            # Editing a message sent before the test started: synthesise it.
            message = {
                "message_id": message_id,
                "from": bot_user_dict(bot.id),
                "chat": chat,
                "date": unix(self.now()),
            }
            self._messages[(chat["id"], message_id)] = message
        message["edit_date"] = unix(self.now())
        return message

    def _send_message(self, bot: Bot, method: SendMessage) -> dict[str, Any]:
        return self._new_message(
            bot, method.chat_id, text=method.text, reply_markup=_inline_markup(method.reply_markup)
        )

    def _edit_message_text(self, bot: Bot, method: EditMessageText) -> dict[str, Any] | bool:
        if method.inline_message_id is not None:
            return True
        message = self._edited(bot, method.chat_id, method.message_id)
        message["text"] = method.text
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        _set_markup(message, method.reply_markup)
        return message

    def _edit_message_reply_markup(
        self, bot: Bot, method: EditMessageReplyMarkup
    ) -> dict[str, Any] | bool:
        if method.inline_message_id is not None:
            return True
        message = self._edited(bot, method.chat_id, method.message_id)
        _set_markup(message, method.reply_markup)
        return message

    def _send_photo(self, bot: Bot, method: SendPhoto) -> dict[str, Any]:
        file_id = self._file_id(method.photo, "AgACAgIAAxk-photo")
        photo = photo_sizes(file_id)
        return self._new_message(
            bot,
            method.chat_id,
            photo=photo,
            caption=method.caption,
            reply_markup=_inline_markup(method.reply_markup),
        )

    def _send_document(self, bot: Bot, method: SendDocument) -> dict[str, Any]:
        document: dict[str, Any] = {
            "file_id": self._file_id(method.document, "BQACAgIAAxk-document"),
            "file_unique_id": f"AgAD-document-{next(self._file_ids)}",
            "file_size": 2_048,
        }
        if isinstance(method.document, InputFile) and method.document.filename:
            document["file_name"] = method.document.filename
            mime_type, _ = mimetypes.guess_type(method.document.filename)
            if mime_type is not None:
                document["mime_type"] = mime_type
        return self._new_message(
            bot,
            method.chat_id,
            document=document,
            caption=method.caption,
            reply_markup=_inline_markup(method.reply_markup),
        )

    def _file_id(self, sent: InputFile | str, prefix: str) -> str:
        # Re-sending by file_id keeps the id; an upload or URL gets a fresh one.
        if isinstance(sent, str) and "://" not in sent:
            return sent
        return f"{prefix}-{next(self._file_ids)}"


def _inline_markup(markup: Any) -> dict[str, Any] | None:
    # Telegram echoes only inline keyboards in the sent Message; reply keyboards are not part
    # of the message object.
    if isinstance(markup, InlineKeyboardMarkup):
        return cast(dict[str, Any], to_jsonable(markup))
    return None


def _set_markup(message: dict[str, Any], markup: InlineKeyboardMarkup | None) -> None:
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = to_jsonable(markup)


class RecordingBot(Bot):
    """A Bot wired to a RecordingSession, with HTML parse mode like the real bot."""

    if TYPE_CHECKING:
        # Narrow the attribute's type so tests get `bot.session.calls(...)` typed.
        session: RecordingSession

    def __init__(
        self,
        token: str = TEST_TOKEN,
        *,
        session: RecordingSession | None = None,
        default: DefaultBotProperties | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        if session is None:
            session = RecordingSession() if now is None else RecordingSession(now=now)
        if default is None:
            default = DefaultBotProperties(parse_mode=ParseMode.HTML)
        super().__init__(token, session=session, default=default)
