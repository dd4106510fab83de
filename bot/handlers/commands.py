"""The command list: one source for /help and for Telegram's menu (setMyCommands)."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from bot.i18n import DEFAULT_LOCALE, LOCALES
from bot.presentation.translation import N_, translator


@dataclass(frozen=True)
class CommandSpec:
    command: str
    description: str  # an untranslated msgid


PUBLIC_COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", N_("About the bot and how to link a child")),
    CommandSpec("help", N_("What the bot can do")),
    CommandSpec("grades", N_("Grades of the week")),
    CommandSpec("schedule", N_("Schedule with substitutions and moves")),
    CommandSpec("homework", N_("Homework due tomorrow")),
    CommandSpec("forecast", N_("Forecast of the period's final marks")),
    CommandSpec("tests", N_("Tests of the period")),
    CommandSpec("teachers", N_("Teachers of the class")),
    CommandSpec("holidays", N_("Holidays of the year")),
    CommandSpec("recommendations", N_("Teachers' recommendations")),
    CommandSpec("finals", N_("Final grades")),
    CommandSpec("children", N_("Linked children; unlink")),
    CommandSpec("privacy", N_("What is stored about you; withdraw consent")),
    CommandSpec("settings", N_("Settings")),
    CommandSpec("language", N_("Change the interface language")),
)


# Shown in /help to class teachers and admins (the public menu stays the families').
STAFF_COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("broadcast", N_("Send an announcement to families")),
    CommandSpec("broadcasts", N_("Recent announcements: delivered, failed, read")),
    CommandSpec("acks", N_("Who has acknowledged the final grades")),
    CommandSpec("reports", N_("Reports: paper statements, summary sheet, monitoring")),
    CommandSpec("office", N_("Sign-in link to the school office in the browser")),
    CommandSpec("cancel", N_("Cancel what you are writing")),
)


def bot_commands(i18n: I18n, locale: str) -> list[BotCommand]:
    _ = translator(i18n, locale)
    return [
        BotCommand(command=spec.command, description=_(spec.description))
        for spec in PUBLIC_COMMANDS
    ]


async def publish_commands(bot: Bot, i18n: I18n) -> None:
    """Russian is the menu everyone gets; other languages are set for their language code."""
    for locale in LOCALES:
        await bot.set_my_commands(
            bot_commands(i18n, locale),
            scope=BotCommandScopeDefault(),
            language_code=None if locale == DEFAULT_LOCALE else locale,
        )
