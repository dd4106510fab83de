"""Account preferences. Services own the commit; handlers only call them."""

from __future__ import annotations

from bot.clock import Clock
from db.unit_of_work import UnitOfWork


async def chosen_language(uow: UnitOfWork, telegram_user_id: int) -> str | None:
    return await uow.accounts.chosen_language(telegram_user_id)


async def choose_language(
    uow: UnitOfWork, clock: Clock, *, telegram_user_id: int, chat_id: int, language: str
) -> None:
    """Remember the interface language; the account is created if this is its first setting."""
    now = clock.now()
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None:
        account = await uow.accounts.add(
            telegram_user_id=telegram_user_id, chat_id=chat_id, now=now
        )
    account.language = language
    account.updated_at = now
    await uow.commit()
