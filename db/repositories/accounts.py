"""Telegram accounts. Repositories flush at most; the service that called them commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import TelegramAccount


class AccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_telegram_user(self, telegram_user_id: int) -> TelegramAccount | None:
        result = await self._session.execute(
            select(TelegramAccount).where(TelegramAccount.telegram_user_id == telegram_user_id)
        )
        return result.scalar_one_or_none()

    async def chosen_language(self, telegram_user_id: int) -> str | None:
        result = await self._session.execute(
            select(TelegramAccount.language).where(
                TelegramAccount.telegram_user_id == telegram_user_id
            )
        )
        return result.scalar_one_or_none()

    async def add(self, *, telegram_user_id: int, chat_id: int, now: datetime) -> TelegramAccount:
        account = TelegramAccount(
            telegram_user_id=telegram_user_id,
            chat_id=chat_id,
            is_active=True,
            settings={},
            created_at=now,
            updated_at=now,
        )
        self._session.add(account)
        await self._session.flush()
        return account
