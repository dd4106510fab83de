"""aiogram's response classes for the methods the bot calls are built once per process, not
again after every garbage collection (pydantic caches them by weak reference only)."""

from __future__ import annotations

import gc
import json
import re
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiogram.methods
import pytest
from aiogram import Bot
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    GetMe,
    GetUpdates,
    GetUserProfilePhotos,
    SendMessage,
    TelegramMethod,
)

from bot.config import load_settings
from bot.services import build_bot
from bot.telegram_responses import USED_METHODS, held_response_types
from tests.doubles.telegram_updates import TEST_TOKEN

MESSAGE = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
USER = {"id": 1, "is_bot": True, "first_name": "Дневник"}


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    built = build_bot(load_settings(None, bot_token=TEST_TOKEN))
    async with built:  # closes its HTTP session (never opened: nothing goes out)
        yield built


# Answers to methods the bot calls, and (last) to one it never calls.
ANSWERS: list[tuple[TelegramMethod[Any], object]] = [
    (SendMessage(chat_id=1, text="Новая оценка"), MESSAGE),
    (EditMessageText(chat_id=1, message_id=1, text="Ознакомлены: 1 из 2"), True),
    (EditMessageText(chat_id=1, message_id=1, text="Ознакомлены: 1 из 2"), MESSAGE),
    (AnswerCallbackQuery(callback_query_id="1"), True),
    (GetMe(), USER),
    (GetUpdates(), []),
    (GetUserProfilePhotos(user_id=1), {"total_count": 0, "photos": []}),
]


def rebuilds(bot: Bot, rounds: int) -> list[int]:
    """For each answer of :data:`ANSWERS`: how many times aiogram validated it with a class
    other than the round before's, with a full garbage collection between rounds (as
    happens now and then in production)."""
    counts = [0] * len(ANSWERS)
    previous: list[weakref.ref[type[Any]] | None] = [None] * len(ANSWERS)
    for _ in range(rounds):
        for index, (method, result) in enumerate(ANSWERS):
            content = json.dumps({"ok": True, "result": result})
            built = type(bot.session.check_response(bot, method, 200, content))
            before = previous[index]
            if before is not None and before() is not built:
                counts[index] += 1
            previous[index] = weakref.ref(built)
            del built  # only the weak reference is left here
        gc.collect()
    return counts


def test_the_bots_response_classes_are_never_rebuilt(bot: Bot) -> None:
    *used, unused = rebuilds(bot, rounds=3)
    assert used == [0] * len(used)
    # What the bot never calls is not held, and is built again after each collection: the
    # measurement sees rebuilds where there are some.
    assert unused == 2


def test_every_method_the_bot_calls_is_held() -> None:
    """The methods called as ``bot.<method>(…)``, ``message.answer`` and ``query.answer``
    anywhere in ``bot/`` are among those whose response classes are held."""
    source = "\n".join(path.read_text() for path in Path("bot").rglob("*.py"))
    called = {
        "".join(part.title() for part in name.split("_"))
        for name in re.findall(r"\bbot\.([a-z_]+)\(", source)
    }
    assert called >= {"SendMessage", "EditMessageText", "SendDocument"}  # the scan works
    if re.search(r"\bmessage\.answer\(", source):
        called.add("SendMessage")
    if re.search(r"\bquery\.answer\(", source):
        called.add("AnswerCallbackQuery")
    used = {method.__name__ for method in USED_METHODS}
    assert called - used == set()
    assert all(hasattr(aiogram.methods, name) for name in called)
    held = held_response_types()
    assert all(method.__returning__ in held for method in USED_METHODS)
