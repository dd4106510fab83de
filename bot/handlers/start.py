"""/start without a code, /help, and the answer to anything not understood."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message

from bot.handlers.commands import PUBLIC_COMMANDS, STAFF_COMMANDS
from bot.handlers.loop_filters import PRIVATE
from bot.handlers.menu import menu_keyboard
from bot.handlers.teacher_menu import teacher_keyboard
from bot.presentation.start import (
    button_gone_alert,
    render_help,
    render_not_understood,
    render_start,
)
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import update_translator
from bot.teachers.broadcasts import sender_of
from db.unit_of_work import UnitOfWork


async def start(message: Message) -> None:
    name = message.from_user.first_name if message.from_user else ""
    await message.answer(telegram_html(render_start(name, update_translator())))


async def show_help(message: Message, uow: UnitOfWork) -> None:
    _ = update_translator()
    staff = message.from_user is not None and await sender_of(uow, message.from_user.id)
    rendered = render_help(
        _,
        public=[(spec.command, spec.description) for spec in PUBLIC_COMMANDS],
        staff=[(spec.command, spec.description) for spec in STAFF_COMMANDS] if staff else [],
    )
    keyboard = teacher_keyboard(_) if staff else menu_keyboard(_)
    await message.answer(telegram_html(rendered), reply_markup=keyboard)


async def not_understood(message: Message) -> None:
    await message.answer(telegram_html(render_not_understood(update_translator())))


# Routers are built per dispatcher: an aiogram router can belong to one parent only, and
# tests build many dispatchers in one process.
async def button_gone(query: CallbackQuery) -> None:
    # A button nobody handles any more (its conversation was cancelled or has expired, or
    # the data was made up): answer, so it stops spinning, and change nothing.
    await query.answer(button_gone_alert(update_translator()))


def build_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.message.register(show_help, Command("help"))
    return router


def build_fallback_router() -> Router:
    """Answers any private message and any button press nobody else took; must be included
    last."""
    router = Router(name="fallback")
    router.message.register(not_understood, PRIVATE)
    router.callback_query.register(button_gone)
    return router
