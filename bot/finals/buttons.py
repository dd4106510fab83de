"""Callback data of the final-grade, broadcast and relay buttons, and the keyboards the
outbox keeps as JSON (services build them without aiogram's types)."""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData


class FinalAck(CallbackData, prefix="fack"):
    notice: int


class WriteTeacher(CallbackData, prefix="wct"):
    student: int


class BroadcastRead(CallbackData, prefix="bread"):
    broadcast: int


class RelayReply(CallbackData, prefix="rly"):
    thread: int


def keyboard(rows: list[list[tuple[str, CallbackData]]]) -> dict[str, Any]:
    return {
        "inline_keyboard": [
            [{"text": text, "callback_data": data.pack()} for text, data in row] for row in rows
        ]
    }
