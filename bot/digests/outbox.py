"""Queueing a push: a row in the outbox, in the same transaction as its cause."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.linking.access import linked_roles
from db.unit_of_work import UnitOfWork


async def queue_push(
    uow: UnitOfWork,
    clock: Clock,
    *,
    telegram_user_id: int,
    school_id: int | None,
    kind: str,
    key: str,
    text: str,
    reply_markup: dict[str, Any] | None = None,
    due_at: datetime | None = None,
    urgent: bool = False,
) -> bool:
    """Queue a push unless the same ``key`` was queued before; the caller commits.

    Only an active account with a link that currently grants data (a granted consent) gets
    a row; False when the push was not queued for that reason.
    """
    account = await uow.linking.account(telegram_user_id)
    if account is None or not account.is_active:
        return False
    if not await linked_roles(uow, telegram_user_id):
        return False
    now = clock.now()
    await uow.outbox.queue(
        account_id=account.id,
        school_id=school_id,
        kind=kind,
        key=key,
        text=text,
        reply_markup=reply_markup,
        due_at=due_at or now,
        urgent=urgent,
        now=now,
    )
    return True
