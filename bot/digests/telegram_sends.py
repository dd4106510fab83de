"""The one Bot API call a delivery makes for a message: a new message, a document with a
caption, or an edit of a message sent before (said anew when it can no longer be edited)."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup


@dataclass(frozen=True)
class OutgoingMessage:
    """One message as read just before it goes: the rows still ours."""

    message_ids: list[int]
    text: str
    markup: InlineKeyboardMarkup | None
    # The Telegram message this one replaces in place (a running summary, an updated
    # final-grade message); None to send a new message.
    edit_message_id: int | None = None
    document: tuple[str, bytes] | None = None  # (file name, content); the text is its caption


async def send_to_telegram(bot: Bot, chat_id: int, send: OutgoingMessage, paid: bool | None) -> int:
    """The one Bot API call for this send; the id of the message the chat now shows."""
    if send.edit_message_id is not None:
        try:
            await bot.edit_message_text(
                chat_id=chat_id,
                message_id=send.edit_message_id,
                text=send.text,
                reply_markup=send.markup,
            )
            return send.edit_message_id
        except TelegramBadRequest as error:
            if "not modified" in error.message:
                return send.edit_message_id  # it already says this
            if "not found" not in error.message and "can't be edited" not in error.message:
                raise
            # Deleted by the reader, or too old to edit: say it anew instead.
    if send.document is not None:
        filename, content = send.document
        sent = await bot.send_document(
            chat_id=chat_id,
            document=BufferedInputFile(content, filename=filename),
            caption=send.text,
            reply_markup=send.markup,
            allow_paid_broadcast=paid,
        )
        return sent.message_id
    sent = await bot.send_message(
        chat_id=chat_id, text=send.text, reply_markup=send.markup, allow_paid_broadcast=paid
    )
    return sent.message_id


def is_timeout(error: TelegramNetworkError) -> bool:
    # aiogram turns a read time-out into TelegramNetworkError("Request timeout error").
    return isinstance(error.__cause__, TimeoutError) or "timeout" in error.message.lower()


def inline_markup(raw: object) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.model_validate(raw) if raw else None
