"""The reply keyboard: the diary's sections one tap away, matching the slash commands.
Its labels come from ``presentation/diary_navigation``."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup

from bot.handlers.diary import section_command
from bot.handlers.loop_filters import OnLoop
from bot.presentation.diary_navigation import MENU, menu_labels
from bot.presentation.translation import Translator, update_translator


def menu_keyboard(_: Translator) -> ReplyKeyboardMarkup:
    labels = menu_labels(_)
    rows = [labels[i : i + 2] for i in range(0, len(labels), 2)]
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=text) for text in row] for row in rows],
        resize_keyboard=True,
        is_persistent=True,
    )


def pressed(label: str) -> OnLoop:
    """A filter for the button ``label``, compared in the reader's language when it runs
    (the locale middleware has chosen the language by then)."""

    def matches(message: Message) -> bool:
        return message.text == update_translator()(label)

    return OnLoop(matches)


def build_router() -> Router:
    router = Router(name="menu")
    for label, section in MENU:
        router.message.register(section_command(section), pressed(label))
    return router
