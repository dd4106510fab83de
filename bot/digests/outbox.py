"""Queueing a push: a row in the outbox, in the same transaction as its cause."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from bot.clock import Clock
from bot.digests.audience import Reader
from bot.digests.preferences import PushKind, PushMode, delivery_time
from bot.linking.access import linked_roles
from bot.presentation.translation import translator
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


async def queue_for_reader(
    uow: UnitOfWork,
    i18n: I18n,
    reader: Reader,
    *,
    school_id: int,
    timezone: str,
    kind: PushKind,
    key: str,
    text: str,
    now: datetime,
    urgent: bool = False,
) -> bool:
    """Queue a push of a tunable kind as the reader wants it: at once (after their quiet
    hours unless urgent), in their daily summary, or not at all (False). The caller has
    checked that the reader may receive it and commits.

    Summary items are due together at the summary hour, so the delivery worker sends them
    as one message; a header row keyed per account and day goes first.
    """
    due = delivery_time(reader.preferences, kind, now, timezone, urgent=urgent)
    if due is None:
        return False
    if reader.preferences.mode(kind) is PushMode.SUMMARY:
        _ = translator(i18n, reader.language)
        day = due.astimezone(ZoneInfo(timezone)).date()
        title = _("Daily summary for {date}").format(date=day.strftime("%d.%m"))
        await uow.outbox.queue(
            account_id=reader.account_id,
            school_id=school_id,
            kind="summary",
            key=f"summary:{day.isoformat()}:{reader.account_id}",
            text=f"🗒 <b>{title}</b>",
            reply_markup=None,
            due_at=due,
            urgent=False,
            now=now,
        )
    await uow.outbox.queue(
        account_id=reader.account_id,
        school_id=school_id,
        kind=kind.value,
        key=key,
        text=text,
        reply_markup=None,
        due_at=due,
        urgent=urgent,
        now=now,
    )
    return True
