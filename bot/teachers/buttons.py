"""Callback data of the buttons under an announcement and a relayed message."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class BroadcastRead(CallbackData, prefix="bread"):
    broadcast: int


class RelayReply(CallbackData, prefix="rly"):
    thread: int
