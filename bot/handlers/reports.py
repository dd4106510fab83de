"""/reports for class teachers and admins: class → report → the documents (PDF, and XLSX
where the report has one). Every button is checked again: a forged one gets a refusal."""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ChatAction
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.presentation.reports import (
    class_question,
    not_for_you,
    refusal,
    render_report_question,
    report_label,
)
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import update_translator
from bot.reports.requests import (
    NOT_AVAILABLE,
    ReportRefused,
    class_of,
    report_kinds,
    requested_report,
)
from bot.teachers.broadcasts import sender_of
from db.unit_of_work import UnitOfWork


class ReportClass(CallbackData, prefix="rcls"):
    class_id: int


class ReportChoice(CallbackData, prefix="rep"):
    class_id: int
    kind: str


async def start_reports(message: Message, uow: UnitOfWork) -> None:
    if message.from_user is None:
        return
    _ = update_translator()
    sender = await sender_of(uow, message.from_user.id)
    if sender is None:
        await message.answer(not_for_you(_))
        return
    builder = InlineKeyboardBuilder()
    for school_class in sender.classes:
        builder.button(text=school_class.name, callback_data=ReportClass(class_id=school_class.id))
    builder.adjust(3)
    await message.answer(class_question(_), reply_markup=builder.as_markup())


async def class_chosen(query: CallbackQuery, callback_data: ReportClass, uow: UnitOfWork) -> None:
    _ = update_translator()
    sender = await sender_of(uow, query.from_user.id)
    try:
        if sender is None:
            raise ReportRefused(NOT_AVAILABLE)
        school_class = class_of(sender, callback_data.class_id)
    except ReportRefused as refused:
        await query.answer(refusal(refused.reason, _), show_alert=True)
        return
    builder = InlineKeyboardBuilder()
    for kind in report_kinds(sender):
        builder.button(
            text=report_label(kind, _),
            callback_data=ReportChoice(class_id=school_class.id, kind=kind.value),
        )
    builder.adjust(1)
    await query.answer()
    if query.message is not None:
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text=telegram_html(render_report_question(school_class.name, _)),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            reply_markup=builder.as_markup(),
        )


async def report_chosen(
    query: CallbackQuery, callback_data: ReportChoice, uow: UnitOfWork, clock: Clock, i18n: I18n
) -> None:
    _ = update_translator()
    sender = await sender_of(uow, query.from_user.id)
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    try:
        if sender is None:
            raise ReportRefused(NOT_AVAILABLE)
        report = await requested_report(
            uow,
            i18n,
            i18n.current_locale,
            sender,
            callback_data.class_id,
            callback_data.kind,
            clock.now(),
        )
    except ReportRefused as refused:
        await query.answer(refusal(refused.reason, _), show_alert=True)
        return
    await query.answer()
    bot = query.bot
    assert bot is not None  # a dispatched update always carries its bot
    caption = telegram_html(report.caption)
    if not report.files:
        await bot.send_message(chat_id=chat_id, text=caption)
        return
    await bot.send_chat_action(chat_id=chat_id, action=ChatAction.UPLOAD_DOCUMENT)
    for index, file in enumerate(report.files):
        await bot.send_document(
            chat_id=chat_id,
            document=BufferedInputFile(file.content, filename=file.filename),
            caption=caption if index == 0 else None,
        )


def build_router() -> Router:
    router = Router(name="reports")
    router.message.register(start_reports, Command("reports"))
    router.callback_query.register(class_chosen, ReportClass.filter())
    router.callback_query.register(report_chosen, ReportChoice.filter())
    return router
