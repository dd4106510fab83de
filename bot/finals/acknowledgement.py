"""A parent acknowledges the final grades (duty 6): by the button, or by replying with
text, which also reaches the class teacher in full."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.clock import Clock
from bot.linking.access import may_see_student
from bot.linking.service import actor_of
from bot.presentation.final_grades import acknowledgement_keyboard
from bot.presentation.translation import translator
from bot.teachers.relay import RelayRefused, open_family_thread, relay_from_family
from db.models import FinalGradeAck, FinalGradeNotice
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n


@dataclass(frozen=True)
class Acknowledgement:
    notice: FinalGradeNotice
    acknowledged_at: datetime
    first: bool  # False: this version was acknowledged before (a second press)
    keyboard: dict[str, Any]  # the message's buttons, now showing the acknowledgement
    relayed: int  # teacher accounts the text went to


async def _own_notice(
    uow: UnitOfWork, telegram_user_id: int, notice: FinalGradeNotice | None
) -> FinalGradeNotice | None:
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if notice is None or account is None or notice.account_id != account.id:
        return None  # another family's button, or a forged one
    if notice.guardian_id is None:
        return None  # only a legal representative acknowledges
    if not await may_see_student(uow, telegram_user_id, notice.student_id):
        return None  # unlinked or consent withdrawn since
    return notice


async def acknowledge(
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    *,
    telegram_user_id: int,
    notice_id: int | None = None,
    notice: FinalGradeNotice | None = None,
    text: str | None = None,
    locale: str,
) -> Acknowledgement | None:
    """Record the acknowledgement; None (nothing changed) when it is not this account's."""
    found = notice if notice is not None else await uow.finals.notice(notice_id or 0)
    own = await _own_notice(uow, telegram_user_id, found)
    if own is None:
        return None
    school = await uow.schools.get(own.school_id)
    already = own.acknowledged_version == own.version
    now = clock.now()
    relayed = 0
    if text is not None:
        relayed = await _relay_text(uow, clock, i18n, telegram_user_id, own, text)
    if not already or text is not None:
        _record(uow, own, now, telegram_user_id, text)
        await uow.commit()
    at = own.acknowledged_at or now
    return Acknowledgement(
        notice=own,
        acknowledged_at=at,
        first=not already,
        keyboard=acknowledgement_keyboard(
            translator(i18n, locale),
            notice_id=own.id,
            student_id=own.student_id,
            acknowledged_at=at,
            timezone=school.timezone,
        ),
        relayed=relayed,
    )


def _record(
    uow: UnitOfWork,
    notice: FinalGradeNotice,
    now: datetime,
    telegram_user_id: int,
    text: str | None,
) -> None:
    """The acknowledgement of the notice's current version, and its audit entry."""
    via = "text" if text is not None else "button"
    uow.finals.add_ack(
        FinalGradeAck(
            notice_id=notice.id, version=notice.version, acknowledged_at=now, via=via, text=text
        )
    )
    notice.acknowledged_version, notice.acknowledged_at = notice.version, now
    notice.updated_at = now
    uow.audit.record(
        at=now,
        actor=actor_of(telegram_user_id),
        action="final_grades.acknowledged",
        school_id=notice.school_id,
        subject_type="final_grade_notice",
        subject_id=notice.id,
        details={"version": notice.version, "via": via},
    )


async def _relay_text(
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    telegram_user_id: int,
    notice: FinalGradeNotice,
    text: str,
) -> int:
    """The parent's words go to the class teacher in full; a missing class teacher does
    not stop the acknowledgement itself."""
    thread = await open_family_thread(uow, clock, telegram_user_id, notice.student_id)
    if thread is None:
        return 0
    period = (await uow.finals.periods([notice.period_id]))[notice.period_id]
    try:
        relayed = await relay_from_family(
            uow,
            clock,
            i18n,
            telegram_user_id=telegram_user_id,
            thread_id=thread.id,
            text=text,
            acknowledging=period.name,
        )
    except RelayRefused:
        return 0
    return relayed.recipients


async def acknowledgement_of_reply(
    uow: UnitOfWork, telegram_user_id: int, replied_message_id: int
) -> FinalGradeNotice | None:
    """The notice whose message the parent replied to, if it is theirs."""
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None:
        return None
    notice = await uow.finals.notice_of_message(account.id, replied_message_id)
    return await _own_notice(uow, telegram_user_id, notice)
