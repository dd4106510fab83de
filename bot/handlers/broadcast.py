"""/broadcast: class → audience → text (or a forwarded message) → preview → confirm;
/broadcasts with delivery and read figures; the «👍 Read» button of an announcement."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.clock import Clock
from bot.handlers.loop_filters import NOT_A_COMMAND, PRIVATE
from bot.presentation.broadcasts import (
    PreviewView,
    button_not_available,
    cannot_address,
    no_broadcasts,
    nobody_would_receive,
    read_thanks,
    refusal,
    render_audience_choice,
    render_broadcast_list,
    render_cancelled,
    render_class_choice,
    render_preview,
    render_read_mark,
    render_sent,
    staff_only,
    write_prompt,
)
from bot.presentation.rendered import Rendered, plain_text
from bot.presentation.telegram import telegram_html, telegram_keyboard, telegram_messages
from bot.presentation.translation import update_translator
from bot.teachers.audience import Audience
from bot.teachers.broadcasts import (
    BroadcastRefused,
    announcement_view,
    check_text,
    mark_read,
    recent_broadcasts,
    recipients,
    send_broadcast,
    sender_of,
)
from bot.teachers.buttons import BroadcastAudience, BroadcastClass, BroadcastConfirm, BroadcastRead
from db.unit_of_work import UnitOfWork


class Broadcasting(StatesGroup):
    text = State()
    confirm = State()


def _markup(rendered: Rendered) -> InlineKeyboardMarkup | None:
    keyboard = telegram_keyboard(rendered)
    return None if keyboard is None else InlineKeyboardMarkup.model_validate(keyboard)


async def start_broadcast(message: Message, uow: UnitOfWork, state: FSMContext) -> None:
    if message.from_user is None:
        return
    _ = update_translator()
    sender = await sender_of(uow, message.from_user.id)
    if sender is None:
        await message.answer(staff_only(_))
        return
    await state.clear()
    classes = [(school_class.id, school_class.name) for school_class in sender.classes]
    choice = render_class_choice(classes, sender.is_admin, _)
    await message.answer(telegram_html(choice), reply_markup=_markup(choice))


async def class_chosen(
    query: CallbackQuery, callback_data: BroadcastClass, uow: UnitOfWork, state: FSMContext
) -> None:
    _ = update_translator()
    sender = await sender_of(uow, query.from_user.id)
    if sender is None or not sender.may_address(callback_data.class_id):
        await query.answer(cannot_address(_), show_alert=True)
        return
    await state.set_state(None)
    await state.set_data({"class_id": callback_data.class_id})
    await query.answer()
    if query.message is not None:
        choice = render_audience_choice(_)
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text=telegram_html(choice),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            reply_markup=_markup(choice),
        )


async def audience_chosen(
    query: CallbackQuery, callback_data: BroadcastAudience, uow: UnitOfWork, state: FSMContext
) -> None:
    _ = update_translator()
    data = await state.get_data()
    sender = await sender_of(uow, query.from_user.id)
    if (
        sender is None
        or "class_id" not in data
        or callback_data.audience not in {a.value for a in Audience}
        or not sender.may_address(int(data["class_id"]))
    ):
        await query.answer(button_not_available(_), show_alert=True)
        return
    await state.update_data(audience=callback_data.audience)
    await state.set_state(Broadcasting.text)
    await query.answer()
    if query.message is not None:
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text=write_prompt(_),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
        )


async def text_written(message: Message, uow: UnitOfWork, state: FSMContext, clock: Clock) -> None:
    if message.from_user is None:
        return
    _ = update_translator()
    data = await state.get_data()
    sender = await sender_of(uow, message.from_user.id)
    if sender is None:
        await state.clear()
        await message.answer(staff_only(_))
        return
    class_id, audience = int(data["class_id"]), Audience(data["audience"])
    try:
        body = check_text(message.text or message.caption)
        found = await recipients(uow, sender, class_id, audience, clock.now())
    except BroadcastRefused as refused:
        await message.answer(refusal(refused.reason, _))
        return  # still waiting for a better text
    if not found:
        await state.clear()
        await message.answer(nobody_would_receive(_))
        return
    await state.update_data(text=body)
    await state.set_state(Broadcasting.confirm)
    preview = render_preview(
        PreviewView(announcement_view(sender, class_id, body), len(found), audience), _
    )
    await message.answer(telegram_html(preview), reply_markup=_markup(preview))


async def confirmed(
    query: CallbackQuery,
    callback_data: BroadcastConfirm,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    state: FSMContext,
) -> None:
    _ = update_translator()
    data = await state.get_data()
    await state.clear()
    if not callback_data.go:
        cancelled = render_cancelled(_)
        await query.answer(plain_text(cancelled))
        await _close(query, cancelled)
        return
    sender = await sender_of(uow, query.from_user.id)
    if sender is None or "text" not in data:
        await query.answer(button_not_available(_), show_alert=True)
        return
    try:
        broadcast = await send_broadcast(
            uow,
            clock,
            i18n,
            sender,
            class_id=int(data["class_id"]),
            audience=Audience(data["audience"]),
            text=data["text"],
        )
    except BroadcastRefused as refused:
        await query.answer(refusal(refused.reason, _), show_alert=True)
        return
    await query.answer()
    await _close(query, render_sent(broadcast.recipients, _))


async def _close(query: CallbackQuery, outcome: Rendered) -> None:
    """The outcome in place of the preview, its buttons gone."""
    if query.message is not None:
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text=telegram_html(outcome),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
        )


async def list_broadcasts(message: Message, uow: UnitOfWork) -> None:
    if message.from_user is None:
        return
    _ = update_translator()
    sender = await sender_of(uow, message.from_user.id)
    if sender is None:
        await message.answer(staff_only(_))
        return
    figures = await recent_broadcasts(uow, sender)
    if not figures:
        await message.answer(no_broadcasts(_))
        return
    for part in telegram_messages(render_broadcast_list(figures, _)):
        await message.answer(part)


async def read_pressed(
    query: CallbackQuery, callback_data: BroadcastRead, uow: UnitOfWork, clock: Clock
) -> None:
    _ = update_translator()
    if not await mark_read(uow, clock, query.from_user.id, callback_data.broadcast):
        await query.answer(button_not_available(_), show_alert=True)
        return
    await query.answer(read_thanks(_))
    if query.message is not None:
        await query.bot.edit_message_reply_markup(  # type: ignore[union-attr]
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            reply_markup=_markup(render_read_mark(callback_data.broadcast, _)),
        )


def build_router() -> Router:
    router = Router(name="broadcast")
    router.message.register(start_broadcast, Command("broadcast"))
    router.message.register(list_broadcasts, Command("broadcasts"))
    # A command while writing is a command (/help, /cancel), not the announcement's text.
    router.message.register(
        text_written,
        StateFilter(Broadcasting.text),
        PRIVATE,
        NOT_A_COMMAND,
    )
    router.callback_query.register(class_chosen, BroadcastClass.filter())
    router.callback_query.register(audience_chosen, BroadcastAudience.filter())
    router.callback_query.register(
        confirmed, BroadcastConfirm.filter(), StateFilter(Broadcasting.confirm)
    )
    router.callback_query.register(read_pressed, BroadcastRead.filter())
    return router
