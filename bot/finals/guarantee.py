"""The regulation's 24 hours: every published final grade reaches every family in the bot
within a day of publication, or the school hears which family did not and why, so it can
fall back to paper.

Hourly, per school: families of classes whose final grades arrived more than 24 hours ago
(and within the last 30 days) without a delivered message are reported to the class
teacher and the school's admins; each distinct list is reported once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.finals.undelivered import Reason, Undelivered
from bot.linking.rules import may_receive_data
from bot.mail.worker import ADDRESS_REFUSED
from bot.presentation.finals_undelivered import render_undelivered_report
from bot.presentation.telegram import telegram_html
from bot.presentation.text import split_message
from bot.presentation.translation import translator
from db.models import ConsentState, OutboxMessage, OutboxStatus, School, TelegramAccount
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

GUARANTEE = timedelta(hours=24)
LOOK_BACK = timedelta(days=30)


async def undelivered_families(uow: UnitOfWork, school: School, now: datetime) -> list[Undelivered]:
    """Every family whose final grades were not delivered within 24 hours, with why."""
    found: list[Undelivered] = []
    pairs = await uow.finals.published_before(school.id, now - GUARANTEE, now - LOOK_BACK)
    periods = await uow.finals.periods(sorted({p for _, p in pairs}))
    for class_id, period_id in sorted(pairs):
        school_class = await uow.finals.school_class(class_id)
        assert school_class is not None
        with_finals = await uow.finals.students_with_finals(class_id, period_id)
        families = [
            (g, s) for g, s in await uow.finals.families_of_class(class_id) if s.id in with_finals
        ]
        guardian_ids = sorted({g.id for g, _ in families})
        consents = await uow.linking.current_consents(guardian_ids)
        accounts = await uow.finals.guardian_accounts(guardian_ids)
        notices = await uow.finals.class_notices(class_id, period_id)
        told = {(n.account_id, n.student_id): m for n, m in notices if n.account_id is not None}
        # Letters (issue 17): the notice told by e-mail, per guardian and child.
        mailed = {(n.guardian_id, n.student_id): m for n, m in notices if n.account_id is None}
        for guardian, student in families:
            consent = consents.get(guardian.id)
            linked = [
                a for link, a in accounts.get(guardian.id, []) if link.student_id == student.id
            ]
            messages = [told.get((a.id, student.id)) for a in linked]
            letter = mailed.get((guardian.id, student.id))
            why = why_undelivered(consent.state if consent else None, linked, messages, letter)
            if why is None:
                continue
            reason, error = why
            found.append(
                Undelivered(
                    class_id=class_id,
                    class_name=school_class.name,
                    period_id=period_id,
                    period_name=periods[period_id].name,
                    guardian=guardian.full_name,
                    child=student.full_name,
                    reason=reason,
                    error=error,
                )
            )
    return found


def _digest(items: list[Undelivered]) -> str:
    rows = sorted(f"{i.class_id}|{i.period_id}|{i.guardian}|{i.child}|{i.reason}" for i in items)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]


async def report_undelivered(uow: UnitOfWork, clock: Clock, i18n: I18n, school: School) -> int:
    """Queue the reports; returns how many messages were queued (0 when all is well or the
    same list was reported before)."""
    now = clock.now()
    items = await undelivered_families(uow, school, now)
    queued = 0
    by_class: dict[int, list[Undelivered]] = {}
    for item in items:
        by_class.setdefault(item.class_id, []).append(item)
    for class_id, group in by_class.items():
        school_class = await uow.finals.school_class(class_id)
        if school_class is None or school_class.class_teacher_id is None:
            continue
        teachers = await uow.finals.staff_accounts(
            school.id, teacher_id=school_class.class_teacher_id
        )
        queued += await _queue(uow, school, teachers, f"class:{class_id}", group, i18n, now)
    if items:
        admins = await uow.finals.staff_accounts(school.id, teacher_id=None)
        queued += await _queue(uow, school, admins, "school", items, i18n, now)
    await uow.commit()
    return queued


async def _queue(
    uow: UnitOfWork,
    school: School,
    accounts: list[TelegramAccount],
    scope: str,
    items: list[Undelivered],
    i18n: I18n,
    now: datetime,
) -> int:
    digest = _digest(items)
    queued = 0
    for account in accounts:
        report = render_undelivered_report(items, translator(i18n, account.language or "ru"))
        text = telegram_html(report)
        for part, chunk in enumerate(split_message(text)):
            queued += await uow.outbox.queue(
                account_id=account.id,
                school_id=school.id,
                kind="finals_undelivered",
                key=f"undelivered:{scope}:{digest}:{account.id}:{part}",
                text=chunk,
                reply_markup=None,
                due_at=now,
                urgent=True,
                now=now,
            )
    return queued


def why_undelivered(
    consent: ConsentState | None,
    linked: Sequence[TelegramAccount],
    messages: Sequence[OutboxMessage | None],
    letter: OutboxMessage | None = None,
) -> tuple[Reason, str | None] | None:
    """Why a family has not got its final grades (None: one of its accounts, or a letter,
    got them); the first cause the school can act on comes first."""
    if any(m is not None and m.status == OutboxStatus.SENT for m in (*messages, letter)):
        return None
    if not may_receive_data(consent):
        return Reason.NO_CONSENT, None
    if letter is not None and letter.status in (OutboxStatus.DEAD, OutboxStatus.CANCELLED):
        refused = (letter.last_error or "").startswith(ADDRESS_REFUSED)
        if refused or not linked:
            return (Reason.ADDRESS_INVALID if refused else Reason.FAILED), letter.last_error
    elif letter is not None and not linked:
        return Reason.PENDING, None
    if not linked:
        return Reason.NOT_LINKED, None
    if all(not a.is_active for a in linked):
        return Reason.BLOCKED, None
    if dead := [m for m in messages if m is not None and m.status == OutboxStatus.DEAD]:
        return Reason.FAILED, dead[0].last_error
    return Reason.PENDING, None
