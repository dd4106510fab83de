"""Account preferences. Services own the commit; handlers only call them."""

from __future__ import annotations

from collections.abc import Callable

from bot.accounts.settings import AccountSettings
from bot.clock import Clock
from bot.digests.preferences import PushPreferences
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


async def push_preferences(uow: UnitOfWork, telegram_user_id: int) -> PushPreferences:
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    return AccountSettings.of(account).pushes


async def change_push_preferences(
    uow: UnitOfWork,
    clock: Clock,
    *,
    telegram_user_id: int,
    chat_id: int,
    change: Callable[[PushPreferences], PushPreferences],
) -> PushPreferences:
    """Apply ``change`` to the account's push preferences and keep the result; a
    ``ValueError`` from ``change`` (a forged choice) propagates with nothing changed."""
    now = clock.now()
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    changed = change(AccountSettings.of(account).pushes)
    if account is None:
        account = await uow.accounts.add(
            telegram_user_id=telegram_user_id, chat_id=chat_id, now=now
        )
    account.settings = AccountSettings.updated(account.settings, {"pushes": changed})
    account.updated_at = now
    await uow.commit()
    return changed
