"""Inline keyboards as the outbox keeps them: plain JSON, so services build them without
aiogram's types and the delivery worker sends them as they are."""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData


def keyboard(rows: list[list[tuple[str, CallbackData]]]) -> dict[str, Any]:
    return {
        "inline_keyboard": [
            [{"text": text, "callback_data": data.pack()} for text, data in row] for row in rows
        ]
    }
