"""Acknowledging final grades from a letter: the signed link opens the grades, and only
the page's button (a POST) records the acknowledgement. Mail scanners and link previews
open links (a GET) on their own; they must never acknowledge for the family.

The acknowledgement is the same record as a Telegram one (``FinalGradeAck`` with ``via``
``email``, the notice's acknowledged version), so the class teacher's summary counts it
alike, and the audit trail says which channel it came through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.finals.content import FinalLine, lines_of
from bot.mail.recipients import mail_allowed
from bot.mail.signed_links import ACKNOWLEDGE, verify
from db.models import FinalGradeAck, FinalGradeNotice, OutboxChannel
from db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class NoticeView:
    """What the page shows: whose grades, which period, and whether acknowledged."""

    notice_id: int
    child: str
    period: str
    lines: list[FinalLine]
    timezone: str
    acknowledged_at: datetime | None


async def _notice_of_link(
    uow: UnitOfWork, secret_key: str, token: str, now: datetime
) -> FinalGradeNotice | None:
    signed = verify(secret_key, ACKNOWLEDGE, token, now)
    if signed is None:
        return None
    notice = await uow.finals.notice(int(signed.subject[1:]))
    if notice is None or notice.channel != OutboxChannel.EMAIL or notice.guardian_id is None:
        return None
    # A withdrawn consent stops processing: the link shows and records nothing any more.
    consent = await uow.linking.current_consent(guardian_id=notice.guardian_id)
    record = await uow.contacts.current(guardian_id=notice.guardian_id)
    if not mail_allowed(consent, record):
        return None
    return notice


async def notice_view(
    uow: UnitOfWork, clock: Clock, secret_key: str, token: str
) -> NoticeView | None:
    """The page's content for a valid link; None for a forged, expired or dead one."""
    notice = await _notice_of_link(uow, secret_key, token, clock.now())
    if notice is None:
        return None
    return await _view(uow, notice)


async def acknowledge_by_mail(
    uow: UnitOfWork, clock: Clock, secret_key: str, token: str
) -> NoticeView | None:
    """Record the acknowledgement of the notice's current version (once; pressing again
    changes nothing). None, with nothing recorded, for a link that is not valid."""
    now = clock.now()
    notice = await _notice_of_link(uow, secret_key, token, now)
    if notice is None:
        return None
    if notice.acknowledged_version != notice.version:
        uow.finals.add_ack(
            FinalGradeAck(notice_id=notice.id, version=notice.version, acknowledged_at=now,
                          via="email", text=None)
        )  # fmt: skip
        notice.acknowledged_version, notice.acknowledged_at = notice.version, now
        notice.updated_at = now
        uow.audit.record(
            at=now, actor=f"email:guardian:{notice.guardian_id}",
            action="final_grades.acknowledged", school_id=notice.school_id,
            subject_type="final_grade_notice", subject_id=notice.id,
            details={"version": notice.version, "via": "link", "channel": "email"},
        )  # fmt: skip
        await uow.commit()
    return await _view(uow, notice)


async def _view(uow: UnitOfWork, notice: FinalGradeNotice) -> NoticeView:
    periods = await uow.finals.periods([notice.period_id])
    period = periods[notice.period_id]
    student = await uow.mail.student(notice.student_id)
    school = await uow.schools.get(notice.school_id)
    acknowledged = notice.acknowledged_version == notice.version
    return NoticeView(
        notice_id=notice.id,
        child=student.full_name if student else "",
        period=f"{period.name} ({period.starts_on:%d.%m.%Y} – {period.ends_on:%d.%m.%Y})",
        lines=lines_of(notice.content),
        timezone=school.timezone,
        acknowledged_at=notice.acknowledged_at if acknowledged else None,
    )
