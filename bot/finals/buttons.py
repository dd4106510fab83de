"""Callback data of the buttons under the final grades: acknowledge, write to the class
teacher."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class FinalAck(CallbackData, prefix="fack"):
    notice: int


class WriteTeacher(CallbackData, prefix="wct"):
    student: int
