"""Acknowledging final grades: the «✅» button, or a text reply to the message."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.clock import Clock
from bot.finals.acknowledgement import acknowledge, acknowledgement_of_reply
from bot.finals.buttons import FinalAck
from bot.handlers.loop_filters import PRIVATE, OnLoop
from bot.presentation.acknowledgements import (
    already_acknowledged,
    button_not_available,
    thanks_for_button,
    thanks_for_reply,
)
from bot.presentation.translation import update_translator
from db.unit_of_work import UnitOfWork


async def acknowledge_by_button(
    query: CallbackQuery, callback_data: FinalAck, uow: UnitOfWork, clock: Clock, i18n: I18n
) -> None:
    _ = update_translator()
    result = await acknowledge(
        uow,
        clock,
        i18n,
        telegram_user_id=query.from_user.id,
        notice_id=callback_data.notice,
        locale=i18n.current_locale,
    )
    if result is None:
        # Another family's button, a forged one, or the link has ended: nothing recorded.
        await query.answer(button_not_available(_), show_alert=True)
        return
    if not result.first:
        await query.answer(already_acknowledged(_))
        return
    await query.answer(thanks_for_button(_))
    if query.message is not None:
        await query.bot.edit_message_reply_markup(  # type: ignore[union-attr]
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            reply_markup=InlineKeyboardMarkup.model_validate(result.keyboard),
        )


async def acknowledge_by_reply(message: Message, uow: UnitOfWork, clock: Clock, i18n: I18n) -> None:
    replied = message.reply_to_message
    if replied is None or message.from_user is None:
        raise SkipHandler
    notice = await acknowledgement_of_reply(uow, message.from_user.id, replied.message_id)
    if notice is None:
        raise SkipHandler  # not a reply to this family's final grades: someone else's turn
    result = await acknowledge(
        uow,
        clock,
        i18n,
        telegram_user_id=message.from_user.id,
        notice=notice,
        text=message.text,
        locale=i18n.current_locale,
    )
    if result is None:
        raise SkipHandler
    await message.answer(thanks_for_reply(result.relayed > 0, update_translator()))
    await message.bot.edit_message_reply_markup(  # type: ignore[union-attr]
        chat_id=message.chat.id,
        message_id=replied.message_id,
        reply_markup=InlineKeyboardMarkup.model_validate(result.keyboard),
    )


def build_router() -> Router:
    router = Router(name="finals")
    router.callback_query.register(acknowledge_by_button, FinalAck.filter())
    router.message.register(
        acknowledge_by_reply, PRIVATE, OnLoop(F.reply_to_message), OnLoop(F.text)
    )
    return router
