"""The reply keyboard: the diary's sections one tap away, matching the slash commands."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup

from bot.handlers.diary import section_command
from bot.handlers.diary_common import (
    FINALS,
    FORECAST,
    GRADES,
    HOLIDAYS,
    HOMEWORK,
    RECOMMENDATIONS,
    SCHEDULE,
    TEACHERS,
    TESTS,
    Section,
)
from bot.presentation import menu
from bot.presentation.translation import Translator, update_translator

# (label msgid, section), in the order of the keyboard.
MENU: tuple[tuple[str, Section], ...] = (
    (menu.GRADES, GRADES),
    (menu.SCHEDULE, SCHEDULE),
    (menu.HOMEWORK, HOMEWORK),
    (menu.FORECAST, FORECAST),
    (menu.TESTS, TESTS),
    (menu.FINALS, FINALS),
    (menu.TEACHERS, TEACHERS),
    (menu.RECOMMENDATIONS, RECOMMENDATIONS),
    (menu.HOLIDAYS, HOLIDAYS),
)


def menu_keyboard(_: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=text) for text in row]
            for row in menu.menu_rows([label for label, _section in MENU], _)
        ],
        resize_keyboard=True,
        is_persistent=True,
    )


class MenuButton(Filter):
    """A message that is the text of a menu button in the reader's language (compared when
    the filter runs: the locale middleware has chosen the language by then)."""

    def __init__(self, label: str) -> None:
        self.label = label

    async def __call__(self, message: Message) -> bool:
        return message.text == menu.menu_label(self.label, update_translator())


def build_router() -> Router:
    router = Router(name="menu")
    for label, section in MENU:
        router.message.register(section_command(section), MenuButton(label))
    return router
