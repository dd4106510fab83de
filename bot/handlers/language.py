"""/language: the interface language, remembered per account."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.accounts.service import choose_language
from bot.clock import Clock
from bot.i18n import LANGUAGE_NAMES, LOCALES
from bot.presentation.translation import Translator, translator
from db.unit_of_work import UnitOfWork


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in LOCALES:
        mark = "✓ " if code == current else ""
        builder.button(
            text=f"{mark}{LANGUAGE_NAMES[code]}", callback_data=LanguageChoice(code=code)
        )
    return builder.as_markup()


async def ask_language(message: Message, i18n: I18n) -> None:
    await message.answer(
        _("Choose the interface language:"), reply_markup=language_keyboard(i18n.current_locale)
    )


async def set_language(
    query: CallbackQuery, callback_data: LanguageChoice, uow: UnitOfWork, clock: Clock, i18n: I18n
) -> None:
    if callback_data.code not in LOCALES:
        # Forged or outdated button: say so and change nothing.
        await query.answer(_("This language is not available."), show_alert=True)
        return
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await choose_language(
        uow,
        clock,
        telegram_user_id=query.from_user.id,
        chat_id=chat_id,
        language=callback_data.code,
    )
    # In the language just chosen, not the one the update came in.
    confirmation, hint = _confirmation(translator(i18n, callback_data.code))
    await query.answer(confirmation)
    if query.message is not None:
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text=confirmation + "\n" + hint,
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
        )


def _confirmation(_: Translator) -> tuple[str, str]:
    return _("The interface language is now English."), _("Send /help to see what I can do.")


def build_router() -> Router:
    router = Router(name="language")
    router.message.register(ask_language, Command("language"))
    router.callback_query.register(set_language, LanguageChoice.filter())
    return router
