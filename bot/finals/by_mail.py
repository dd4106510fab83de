"""Final grades told by letter (issue 17): a notice per guardian, child and period with
channel ``email``, and a letter part carrying the grades and a signed link to acknowledge
them. A letter cannot be edited once sent: later grades of the same period go as a new
part (or rewrite the part while it still waits), and the notice points at the newest, so
the 24-hour check and the class teacher's summary see what the family has.

An adult student on e-mail gets their own grades the same way, for information, as their
own Telegram account does: a notice without a guardian and no acknowledgement link (only
a legal representative acknowledges, PRODUCT.md duty 6; the class teacher's summary, the
24-hour check and the reminders count guardians only).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.finals.content import Content, compare, lines_of
from bot.mail.letter_parts import part_payload, queue_part
from bot.mail.recipients import MailRecipient
from bot.presentation.final_grades import render_final_grades
from bot.presentation.mail import final_grades_subject
from bot.presentation.translation import translator
from db.models import FinalGradeNotice, OutboxChannel, OutboxStatus
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

# The acknowledgement link lasts this long after the period ends: long enough for grades
# published late and a family that reads its mail rarely, short enough that an old letter
# does not keep a live credential.
ACK_LINK_AFTER_PERIOD = timedelta(days=60)


def ack_link_expiry(period_ends_on: date, timezone: str) -> datetime:
    """Midnight (school time) ``ACK_LINK_AFTER_PERIOD`` after the period's last day."""
    last = period_ends_on + ACK_LINK_AFTER_PERIOD
    return datetime.combine(last, time(0), tzinfo=ZoneInfo(timezone)) + timedelta(days=1)


async def _notice_to_tell(
    uow: UnitOfWork,
    now: datetime,
    recipient: MailRecipient,
    school_id: int,
    student_id: int,
    period_id: int,
    content: Content,
    notice: FinalGradeNotice | None,
) -> FinalGradeNotice | None:
    """The e-mail notice with these grades (new, or a new version), or None: nothing to
    tell (no grades yet, or the same grades told already)."""
    if notice is None:
        if not content:
            return None
        role, person_id = recipient.key
        notice = FinalGradeNotice(
            school_id=school_id, channel=OutboxChannel.EMAIL, account_id=None,
            student_id=student_id, period_id=period_id,
            guardian_id=person_id if role == "g" else None,
            content=content, version=1, created_at=now, updated_at=now,
        )  # fmt: skip
        uow.finals.add_notice(notice)
        await uow.finals.flush()
        return notice
    change = compare(notice.content, content)
    if not (change.changed or change.removed):
        return None
    notice.version += 1
    notice.content, notice.updated_at = content, now
    return notice


async def tell_by_mail(
    uow: UnitOfWork,
    i18n: I18n,
    now: datetime,
    recipient: MailRecipient,
    *,
    school_id: int,
    timezone: str,
    student_id: int,
    child: str,
    period: str,
    period_id: int,
    period_ends_on: date,
    content: Content,
    notice: FinalGradeNotice | None,
) -> int:
    """Queue the letter part for one guardian (or adult student); how many parts were
    queued."""
    notice = await _notice_to_tell(uow, now, recipient, school_id, student_id, period_id,
                                   content, notice)  # fmt: skip
    if notice is None:
        return 0
    locale = recipient.language  # the linked account's, else Russian
    _ = translator(i18n, locale)
    rendered = render_final_grades(
        _, child=child, period=period, lines=lines_of(content), asks_acknowledgement=False
    )
    subject = final_grades_subject(_, child, period)
    extra: dict[str, int | str] = {"notice_id": notice.id}
    if notice.guardian_id is not None:  # only a legal representative acknowledges
        extra["ack_notice"] = notice.id
        extra["ack_until"] = ack_link_expiry(period_ends_on, timezone).isoformat()
    waiting = await uow.outbox.get(notice.message_outbox_id or 0)
    if waiting is not None and waiting.status == OutboxStatus.PENDING:
        waiting.payload = part_payload(subject, rendered, locale, **extra)
        return 0
    key = f"final-mail:{notice.id}:{notice.version}"
    await queue_part(
        uow, recipient.key, school_id=school_id, kind="final_grades", key=key, subject=subject,
        rendered=rendered, locale=locale, due_at=now, now=now, student_id=student_id, **extra,
    )  # fmt: skip
    row = await uow.outbox.by_key(key)
    notice.message_outbox_id = row.id if row else None
    return 1
