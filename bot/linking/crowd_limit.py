"""The wrong-code limit across accounts: many accounts guessing together (a bot farm) are
stopped as a crowd, and the schools' administrators are told once per lock.

The per-account limit (``rules.MAX_FAILURES``) stops one guesser; this one stops many. A
lock is an audit event (``link.entry_locked``), so every instance sees it and it stays in
the school's trail; the alert is queued in the same transaction as the lock.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.i18n import DEFAULT_LOCALE
from bot.linking.rules import (
    FLOOD_LOCK,
    FLOOD_WINDOW,
    GLOBAL_MAX_FAILURES,
    SCHOOL_MAX_FAILURES,
    entry_lock_ends,
    flooded,
)
from bot.presentation.code_entry import EntryLockAlert, render_entry_lock_alert
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import translator
from db.models import School
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n


async def entry_locked_until(
    uow: UnitOfWork, now: datetime, school_id: int | None
) -> datetime | None:
    """When the crowd lock for everyone (``None``) or for one school's codes ends, if on."""
    locked_at = await uow.linking.entry_locked_at(now - FLOOD_LOCK, school_id=school_id)
    return entry_lock_ends(locked_at, now)


async def count_towards_crowd_limit(
    uow: UnitOfWork, i18n: I18n, now: datetime, school_id: int | None
) -> None:
    """After a failure was recorded (in this transaction): lock code entry when the crowd
    limit is passed, for everyone and, when the code was a school's, for that school."""
    scopes: list[tuple[int | None, int]] = [(None, GLOBAL_MAX_FAILURES)]
    if school_id is not None:
        scopes.append((school_id, SCHOOL_MAX_FAILURES))
    for scope, limit in scopes:
        if await entry_locked_until(uow, now, scope) is not None:
            continue
        failures = await uow.linking.failure_count_since(now - FLOOD_WINDOW, school_id=scope)
        if not flooded(failures, limit):
            continue
        until = now + FLOOD_LOCK
        uow.audit.record(
            at=now,
            actor="system",
            action="link.entry_locked",
            school_id=scope,
            details={"failures": failures, "until": until.isoformat()},
        )
        schools = await uow.schools.all()
        for school in schools if scope is None else [s for s in schools if s.id == scope]:
            await _alert_admins(uow, i18n, school, now, until, failures, everywhere=scope is None)


async def _alert_admins(
    uow: UnitOfWork,
    i18n: I18n,
    school: School,
    now: datetime,
    until: datetime,
    failures: int,
    *,
    everywhere: bool,
) -> None:
    # One key per lock: two failures crossing the limit at once still alert once.
    lock_key = f"{'all' if everywhere else school.id}:{int(now.timestamp()) // 600}"
    for account in await uow.finals.staff_accounts(school.id, teacher_id=None):
        view = EntryLockAlert(failures, until.astimezone(ZoneInfo(school.timezone)), everywhere)
        tr = translator(i18n, account.language or DEFAULT_LOCALE)
        text = telegram_html(render_entry_lock_alert(view, tr))
        await uow.outbox.queue(
            account_id=account.id,
            school_id=school.id,
            kind="code_entry_locked",
            key=f"code-entry-locked:{lock_key}:{account.id}",
            text=text,
            reply_markup=None,
            due_at=now,
            urgent=True,
            now=now,
        )
