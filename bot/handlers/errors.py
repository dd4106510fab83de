"""A handler that fails still answers: the error is logged with a short reference, and the
person is told to try again, with that reference to quote to the school."""

from __future__ import annotations

import contextlib
import logging
import secrets

from aiogram import Bot, Router
from aiogram.types import ErrorEvent, Update
from aiogram.utils.i18n import I18n

from bot.i18n import locale_for
from bot.presentation.translation import translator

log = logging.getLogger(__name__)


def _asker(update: Update) -> tuple[int | None, str | None]:
    """The chat to answer in and the Telegram language of whoever sent the update."""
    if update.message is not None:
        user = update.message.from_user
        return update.message.chat.id, user.language_code if user else None
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        return (message.chat.id if message else query.from_user.id), query.from_user.language_code
    return None, None


async def something_went_wrong(event: ErrorEvent, bot: Bot, i18n: I18n) -> bool:
    reference = secrets.token_hex(3)
    log.error(
        "update %s failed (reference %s)", event.update.update_id, reference,
        exc_info=event.exception,
    )  # fmt: skip
    chat_id, language = _asker(event.update)
    if chat_id is None:
        return True
    # The account's chosen language would need the database, which may be what failed.
    _ = translator(i18n, locale_for(chosen=None, telegram_language_code=language))
    text = _("Something went wrong, please try again. If it happens again, tell the school "
             "this reference: {reference}").format(reference=reference)  # fmt: skip
    with contextlib.suppress(Exception):  # Telegram may be what failed; it is logged above
        if event.update.callback_query is not None:
            await bot.answer_callback_query(event.update.callback_query.id)
        await bot.send_message(chat_id, text)
    return True


def build_router() -> Router:
    router = Router(name="errors")
    router.errors.register(something_went_wrong)
    return router
