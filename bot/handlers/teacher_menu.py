"""The teacher's menu: announcements, their figures, and the acknowledgements of final
grades per class (/acks)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from bot.finals.summary import acknowledgements_of, render_acknowledgements
from bot.handlers.broadcast import list_broadcasts, start_broadcast
from bot.handlers.reports import start_reports
from bot.i18n import N_
from bot.presentation.text import split_message
from bot.teachers.broadcasts import sender_of
from db.unit_of_work import UnitOfWork

ANNOUNCE, ANNOUNCEMENTS, ACKS, REPORTS = (
    N_("📣 Announcement"),
    N_("📬 Announcements"),
    N_("✅ Acknowledgements"),
    N_("📄 Reports"),
)


def teacher_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=_(ANNOUNCE)), KeyboardButton(text=_(ANNOUNCEMENTS))],
            [KeyboardButton(text=_(ACKS)), KeyboardButton(text=_(REPORTS))],
        ],
        resize_keyboard=True,
        is_persistent=True,
    )


async def show_acks(message: Message, uow: UnitOfWork, i18n: I18n) -> None:
    if message.from_user is None:
        return
    sender = await sender_of(uow, message.from_user.id)
    if sender is None:
        await message.answer(_("Only class teachers and administrators can see this."))
        return
    texts = [
        render_acknowledgements(
            i18n,
            i18n.current_locale,
            class_name=found.class_name,
            period_name=found.period_name,
            lines=found.lines,
            timezone=sender.school.timezone,
        )
        for found in await acknowledgements_of(uow, sender.classes)
    ]
    if not texts:
        await message.answer(_("No final grades have been published for your classes yet."))
        return
    for part in split_message("\n\n".join(texts)):
        await message.answer(part)


async def announce(message: Message, uow: UnitOfWork, state: FSMContext) -> None:
    await start_broadcast(message, uow, state)


def build_router() -> Router:
    router = Router(name="teacher-menu")
    router.message.register(show_acks, Command("acks"))
    router.message.register(show_acks, F.text == __(ACKS))
    router.message.register(announce, F.text == __(ANNOUNCE))
    router.message.register(list_broadcasts, F.text == __(ANNOUNCEMENTS))
    router.message.register(start_reports, F.text == __(REPORTS))
    return router
