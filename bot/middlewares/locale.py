"""The locale of each update: the language chosen with /language, else Telegram's."""

from __future__ import annotations

from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18nMiddleware

from bot.accounts.service import chosen_language
from bot.i18n import DEFAULT_LOCALE, locale_for
from db.unit_of_work import UnitOfWork


class AccountLocaleMiddleware(I18nMiddleware):
    """Picks the locale per update; needs the unit of work of the session middleware."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: User | None = data.get("event_from_user")
        if user is None:
            return DEFAULT_LOCALE
        uow: UnitOfWork = data["uow"]
        chosen = await chosen_language(uow, user.id)
        return locale_for(chosen=chosen, telegram_language_code=user.language_code)
