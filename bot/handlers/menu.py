"""The reply keyboard: the diary's sections one tap away, matching the slash commands."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

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
from bot.i18n import N_

# (label msgid, section), in the order of the keyboard, two per row.
MENU: tuple[tuple[str, Section], ...] = (
    (N_("📊 Grades"), GRADES),
    (N_("📅 Schedule"), SCHEDULE),
    (N_("📚 Homework"), HOMEWORK),
    (N_("📈 Forecast"), FORECAST),
    (N_("📝 Tests"), TESTS),
    (N_("🏁 Final grades"), FINALS),
    (N_("👩‍🏫 Teachers"), TEACHERS),
    (N_("💬 Recommendations"), RECOMMENDATIONS),
    (N_("🏖 Holidays"), HOLIDAYS),
)


def menu_keyboard() -> ReplyKeyboardMarkup:
    labels = [_(label) for label, _section in MENU]
    rows = [labels[i : i + 2] for i in range(0, len(labels), 2)]
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=text) for text in row] for row in rows],
        resize_keyboard=True,
        is_persistent=True,
    )


def build_router() -> Router:
    router = Router(name="menu")
    for label, section in MENU:
        # Compared in the reader's language: the label is translated when the filter runs.
        router.message.register(section_command(section), F.text == __(label))
    return router
