"""Writing to the class teacher, and the teacher's reply, through the bot."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.clock import Clock
from bot.finals.buttons import WriteTeacher
from bot.handlers.loop_filters import NOT_A_COMMAND, PRIVATE
from bot.presentation.relay import (
    cancelled,
    conversation_unavailable,
    nothing_to_cancel,
    refusal,
    sent,
    write_reply_prompt,
    write_to_teacher_prompt,
    writing_unavailable,
)
from bot.presentation.translation import update_translator
from bot.teachers.buttons import RelayReply
from bot.teachers.relay import (
    RelayRefused,
    open_family_thread,
    relay_from_family,
    relay_from_teacher,
    side_of,
)
from db.unit_of_work import UnitOfWork


class Relay(StatesGroup):
    writing = State()


async def start_writing(
    query: CallbackQuery,
    callback_data: WriteTeacher,
    uow: UnitOfWork,
    clock: Clock,
    state: FSMContext,
) -> None:
    _ = update_translator()
    thread = await open_family_thread(uow, clock, query.from_user.id, callback_data.student)
    if thread is None:
        await query.answer(writing_unavailable(_), show_alert=True)
        return
    await state.set_state(Relay.writing)
    await state.update_data(thread=thread.id, side="family")
    await query.answer()
    if query.message is not None:
        await query.message.answer(write_to_teacher_prompt(_))


async def start_reply(
    query: CallbackQuery, callback_data: RelayReply, uow: UnitOfWork, state: FSMContext
) -> None:
    _ = update_translator()
    side = await side_of(uow, query.from_user.id, callback_data.thread)
    if side is None:
        await query.answer(conversation_unavailable(_), show_alert=True)
        return
    await state.set_state(Relay.writing)
    await state.update_data(thread=callback_data.thread, side=side)
    await query.answer()
    if query.message is not None:
        await query.message.answer(write_reply_prompt(_))


async def send_written(
    message: Message, uow: UnitOfWork, clock: Clock, i18n: I18n, state: FSMContext
) -> None:
    if message.from_user is None:
        return
    _ = update_translator()
    data = await state.get_data()
    text = message.text or message.caption
    try:
        if data.get("side") == "teacher":
            await relay_from_teacher(
                uow,
                clock,
                i18n,
                telegram_user_id=message.from_user.id,
                thread_id=int(data["thread"]),
                text=text,
            )
        else:
            await relay_from_family(
                uow,
                clock,
                i18n,
                telegram_user_id=message.from_user.id,
                thread_id=int(data["thread"]),
                text=text,
            )
    except RelayRefused as refused:
        await message.answer(refusal(refused.reason, _))
        if not refused.retry:
            await state.clear()
        return
    await state.clear()
    await message.answer(sent(_))


async def cancel(message: Message, state: FSMContext) -> None:
    _ = update_translator()
    if await state.get_state() is None:
        await message.answer(nothing_to_cancel(_))
        return
    await state.clear()
    await message.answer(cancelled(_))


def build_router() -> Router:
    """Before the other routers: while writing, a message is the text to send (even one
    that looks like a link code)."""
    router = Router(name="relay")
    router.message.register(cancel, Command("cancel"))
    # A command while writing is a command (/help, /cancel), not the message to send.
    router.message.register(
        send_written,
        StateFilter(Relay.writing),
        PRIVATE,
        NOT_A_COMMAND,
    )
    router.callback_query.register(start_writing, WriteTeacher.filter())
    router.callback_query.register(start_reply, RelayReply.filter())
    return router
