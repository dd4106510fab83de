"""Aiogram's response types for the Bot API methods the bot calls, built once per process.

aiogram validates every answer as ``Response[method.__returning__]`` (``BaseSession.
check_response``). pydantic keeps the classes it builds for ``Response[...]`` in a cache
of weak references only, and a generic model class lives in reference cycles: nothing else
holds it, so each run of the garbage collector frees it and the next call builds it again
(about 0.4 ms of CPU each time, and a send is only a few tenths of a millisecond otherwise).
Holding a reference to each class here keeps pydantic's cache filled for the whole process.
"""

from __future__ import annotations

from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    GetUpdates,
    Response,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    SetWebhook,
    TelegramMethod,
)

# Every method the bot calls: the handlers' answers, the delivery worker's sends and edits,
# polling and the webhook set-up (tests/test_telegram_responses.py finds them in the code).
USED_METHODS: tuple[type[TelegramMethod[Any]], ...] = (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    GetUpdates,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    SetWebhook,
)

# The result type (e.g. ``Message``, ``Message | bool``) → the class aiogram validates with.
_HELD: dict[Any, type[Any]] = {}


def hold_response_types() -> None:
    """Build (once) and keep the response classes of :data:`USED_METHODS`."""
    for method in USED_METHODS:
        returning = method.__returning__
        if returning not in _HELD:
            _HELD[returning] = Response[returning]  # type: ignore[valid-type]


def held_response_types() -> dict[Any, type[Any]]:
    """What is held (a copy), for tests."""
    return dict(_HELD)
