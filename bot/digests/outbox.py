"""Queueing a push: a row in the outbox, in the same transaction as its cause."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.digests.audience import Reader
from bot.digests.preferences import PushKind, PushMode, delivery_time
from bot.linking.access import linked_roles
from bot.mail.letter_parts import queue_part
from bot.presentation.change_pushes import render_summary_header
from bot.presentation.mail import push_subject
from bot.presentation.rendered import Rendered
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import translator
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n


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
    account = await uow.accounts.by_telegram_user(telegram_user_id)
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


async def _sent_today(uow: UnitOfWork, reader: Reader, now: datetime, timezone: str) -> int:
    """The reader's instant pushes since midnight in the school's zone."""
    local = now.astimezone(ZoneInfo(timezone))
    midnight = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
    return await uow.outbox.instant_since(
        reader.account_id, midnight.astimezone(now.tzinfo), [k.value for k in PushKind]
    )


async def _queue_summary_header(
    uow: UnitOfWork,
    i18n: I18n,
    reader: Reader,
    school_id: int,
    due: datetime,
    timezone: str,
    now: datetime,
) -> None:
    """The daily summary's heading, keyed per account and day: it goes first, once."""
    day = due.astimezone(ZoneInfo(timezone)).date()
    header = render_summary_header(day, translator(i18n, reader.language))
    await uow.outbox.queue(
        account_id=reader.account_id,
        school_id=school_id,
        kind="summary",
        key=f"summary:{day.isoformat()}:{reader.account_id}",
        text=telegram_html(header),
        reply_markup=None,
        due_at=due,
        urgent=False,
        now=now,
        in_summary=True,
    )


async def _queue_letter_part(
    uow: UnitOfWork,
    i18n: I18n,
    reader: Reader,
    school_id: int,
    kind: PushKind,
    key: str,
    now: datetime,
    student_id: int | None,
    rendered: Rendered | None,
) -> bool:
    """``rendered`` as a part of the reader's next letter (a letter wakes nobody: no quiet
    hours, no cap; the mail worker puts the parts due together into one letter). Without
    ``rendered`` (the later parts of a message split for Telegram) nothing is queued."""
    if rendered is None or reader.mail_to is None:
        return False
    _ = translator(i18n, reader.language)
    role, person_id = reader.mail_to.key
    return await queue_part(
        uow, reader.mail_to.key, school_id=school_id, kind=kind.value,
        key=f"mail:{role}{person_id}:{key}"[:200], subject=push_subject(_, kind),
        rendered=rendered, locale=reader.language, due_at=now, now=now, student_id=student_id,
    )  # fmt: skip


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
    cap: int | None = None,
    student_id: int | None = None,
    rendered: Rendered | None = None,
) -> bool:
    """Queue a push of a tunable kind as the reader wants it: at once (after their quiet
    hours unless urgent), in their daily summary, or not at all. True when a row was queued
    now (False: switched off, or the key was queued before). The caller has checked that
    the reader may receive it and commits.

    Summary items are due together at the summary hour, so the delivery worker sends them
    as one message; a header row keyed per account and day goes first. With a ``cap``,
    the account's non-urgent pushes beyond that many today fold into the summary too.
    A reader on e-mail gets it in their next letter instead (:func:`_queue_letter_part`).
    """
    if reader.mail_to is not None:
        return await _queue_letter_part(uow, i18n, reader, school_id, kind, key, now,
                                        student_id, rendered)  # fmt: skip
    over_cap = (
        cap is not None
        and not urgent
        and reader.preferences.mode(kind) is PushMode.INSTANT
        and await _sent_today(uow, reader, now, timezone) >= cap
    )
    due = delivery_time(reader.preferences, kind, now, timezone, urgent=urgent, over_cap=over_cap)
    if due is None:
        return False
    in_summary = over_cap or reader.preferences.mode(kind) is PushMode.SUMMARY
    if in_summary:
        await _queue_summary_header(uow, i18n, reader, school_id, due, timezone, now)
    return await uow.outbox.queue(
        account_id=reader.account_id, school_id=school_id, kind=kind.value, key=key, text=text,
        reply_markup=None, due_at=due, urgent=urgent, now=now, in_summary=in_summary,
        student_id=student_id,
    )  # fmt: skip
