"""Callback data of the buttons of /broadcast, under an announcement and under a relayed
message."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class BroadcastClass(CallbackData, prefix="bcls"):
    class_id: int


class BroadcastAudience(CallbackData, prefix="baud"):
    audience: str


class BroadcastConfirm(CallbackData, prefix="bok"):
    go: bool


class BroadcastRead(CallbackData, prefix="bread"):
    broadcast: int


class RelayReply(CallbackData, prefix="rly"):
    thread: int
