"""/settings → e-mail and the form of delivery, for a linked parent or an adult student (for
themself): the address they give (typed in one message; it counts once they open the link
sent to it) and the form they choose. A minor student is told why not; a forged button or
a form that cannot be chosen changes nothing."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.contacts.own import OwnContact, choose_channel, own_contact, request_address
from bot.contacts.own_subjects import OwnContactRefused
from bot.handlers.loop_filters import NOT_A_COMMAND, PRIVATE
from bot.mail.confirmation_letters import queue_confirmation_letter
from bot.presentation.contact_settings import (
    CHANNELS,
    address_button_label,
    ask_for_address,
    channel_button_label,
    confirmation_sent,
    form_saved,
    refusal_text,
    render_own_contact,
)
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import Translator, update_translator
from db.models import DeliveryChannel
from db.unit_of_work import UnitOfWork


class ContactMenu(CallbackData, prefix="cm"):
    pass


class AddressChoice(CallbackData, prefix="ca"):
    pass


class ChannelChoice(CallbackData, prefix="cc"):
    channel: str


class ContactSettings(StatesGroup):
    address = State()


def contact_keyboard(view: OwnContact, _: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=address_button_label(view, _), callback_data=AddressChoice())
    for channel in CHANNELS:
        builder.button(
            text=channel_button_label(channel, view, _),
            callback_data=ChannelChoice(channel=channel.value),
        )
    builder.adjust(1, 2, 2)
    return builder.as_markup()


async def show_contact(query: CallbackQuery, uow: UnitOfWork, clock: Clock) -> None:
    _ = update_translator()
    try:
        view = await own_contact(uow, query.from_user.id, clock.now())
    except OwnContactRefused as refused:
        await query.answer(refusal_text(refused.reason, _), show_alert=True)
        return
    await query.answer()
    if query.message is not None:
        await query.message.answer(
            telegram_html(render_own_contact(view, _)), reply_markup=contact_keyboard(view, _)
        )


async def start_address(
    query: CallbackQuery, uow: UnitOfWork, clock: Clock, state: FSMContext
) -> None:
    _ = update_translator()
    try:
        await own_contact(uow, query.from_user.id, clock.now())
    except OwnContactRefused as refused:
        await query.answer(refusal_text(refused.reason, _), show_alert=True)
        return
    await state.set_state(ContactSettings.address)
    await query.answer()
    if query.message is not None:
        await query.message.answer(ask_for_address(_))


async def address_typed(
    message: Message,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    state: FSMContext,
    public_url: str | None = None,
) -> None:
    if message.from_user is None:
        return
    _ = update_translator()
    if public_url is None:
        # The link would lead nowhere: say so rather than send a letter that cannot work.
        await state.clear()
        await message.answer(refusal_text("no_public_url", _))
        return
    try:
        address, requests = await request_address(
            uow, clock, message.from_user.id, message.text or ""
        )
    except OwnContactRefused as refused:
        await message.answer(refusal_text(refused.reason, _))
        if refused.reason not in ("bad_address", "same_address"):
            await state.clear()
        return
    await queue_confirmation_letter(
        uow, i18n, request_id=requests[0], locale=_.locale, now=clock.now()
    )
    await uow.commit()
    await state.clear()
    await message.answer(confirmation_sent(_, address))


async def channel_chosen(
    query: CallbackQuery, callback_data: ChannelChoice, uow: UnitOfWork, clock: Clock
) -> None:
    _ = update_translator()
    try:
        channel = DeliveryChannel(callback_data.channel)
    except ValueError:
        await query.answer(refusal_text("unknown_form", _), show_alert=True)
        return
    try:
        view = await choose_channel(uow, clock, query.from_user.id, channel)
    except OwnContactRefused as refused:
        await query.answer(refusal_text(refused.reason, _), show_alert=True)
        return
    await query.answer(form_saved(_))
    if query.message is not None:
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text=telegram_html(render_own_contact(view, _)),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            reply_markup=contact_keyboard(view, _),
        )


def build_router() -> Router:
    """Before the linking router: while an address is awaited, a message is the address."""
    router = Router(name="contact_settings")
    router.message.register(
        address_typed,
        StateFilter(ContactSettings.address),
        PRIVATE,
        NOT_A_COMMAND,
    )
    router.callback_query.register(show_contact, ContactMenu.filter())
    router.callback_query.register(start_address, AddressChoice.filter())
    router.callback_query.register(channel_chosen, ChannelChoice.filter())
    return router
