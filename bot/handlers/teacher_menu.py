"""The teacher's menu: announcements, their figures, and the acknowledgements of final
grades per class (/acks)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup

from bot.finals.summary import acknowledgements_of
from bot.handlers.broadcast import list_broadcasts, start_broadcast
from bot.handlers.loop_filters import OnLoop
from bot.handlers.reports import start_reports
from bot.presentation.acknowledgements import (
    nothing_published,
    render_acknowledgement_list,
    staff_only,
)
from bot.presentation.teacher_menu import (
    ACKS,
    ANNOUNCE,
    ANNOUNCEMENTS,
    REPORTS,
    menu_label,
    teacher_menu_rows,
)
from bot.presentation.telegram import telegram_messages
from bot.presentation.translation import Translator, update_translator
from bot.teachers.broadcasts import sender_of
from db.unit_of_work import UnitOfWork


def teacher_keyboard(_: Translator) -> ReplyKeyboardMarkup:
    rows = teacher_menu_rows(_)
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=text) for text in row] for row in rows],
        resize_keyboard=True,
        is_persistent=True,
    )


def pressed(label: str) -> OnLoop:
    """A tap on the menu button ``label``: compared in the reader's language, translated
    when the filter runs."""
    return OnLoop(lambda message: message.text == menu_label(label, update_translator()))


async def show_acks(message: Message, uow: UnitOfWork) -> None:
    if message.from_user is None:
        return
    _ = update_translator()
    sender = await sender_of(uow, message.from_user.id)
    if sender is None:
        await message.answer(staff_only(_))
        return
    views = await acknowledgements_of(uow, sender.classes, sender.school.timezone)
    if not views:
        await message.answer(nothing_published(_))
        return
    for part in telegram_messages(render_acknowledgement_list(views, _)):
        await message.answer(part)


async def announce(message: Message, uow: UnitOfWork, state: FSMContext) -> None:
    await start_broadcast(message, uow, state)


def build_router() -> Router:
    router = Router(name="teacher-menu")
    router.message.register(show_acks, Command("acks"))
    router.message.register(show_acks, pressed(ACKS))
    router.message.register(announce, pressed(ANNOUNCE))
    router.message.register(list_broadcasts, pressed(ANNOUNCEMENTS))
    router.message.register(start_reports, pressed(REPORTS))
    return router
