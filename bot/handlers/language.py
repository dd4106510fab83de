"""/language: the interface language, remembered per account."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.accounts.service import choose_language
from bot.clock import Clock
from bot.i18n import LANGUAGE_NAMES, LOCALES
from bot.presentation.language import (
    language_chosen_alert,
    language_label,
    language_unavailable,
    render_language_chosen,
    render_language_question,
)
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import translator, update_translator
from db.unit_of_work import UnitOfWork


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in LOCALES:
        builder.button(
            text=language_label(LANGUAGE_NAMES[code], current=code == current),
            callback_data=LanguageChoice(code=code),
        )
    return builder.as_markup()


async def ask_language(message: Message) -> None:
    _ = update_translator()
    await message.answer(
        telegram_html(render_language_question(_)), reply_markup=language_keyboard(_.locale)
    )


async def set_language(
    query: CallbackQuery, callback_data: LanguageChoice, uow: UnitOfWork, clock: Clock, i18n: I18n
) -> None:
    if callback_data.code not in LOCALES:
        # Forged or outdated button: say so and change nothing.
        await query.answer(language_unavailable(update_translator()), show_alert=True)
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
    chosen = translator(i18n, callback_data.code)
    await query.answer(language_chosen_alert(chosen))
    if query.message is not None:
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text=telegram_html(render_language_chosen(chosen)),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
        )


def build_router() -> Router:
    router = Router(name="language")
    router.message.register(ask_language, Command("language"))
    router.callback_query.register(set_language, LanguageChoice.filter())
    return router
