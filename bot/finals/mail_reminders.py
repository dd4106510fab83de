"""The final-grade reminder by letter: one, to a family told by e-mail that has not opened
the link and pressed «Ознакомлен(а)» after a few days, with the same signed link. Only while
the family can still be reached by e-mail (a withdrawn consent or a form switched away
stops it, as it stops every letter)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.finals.by_mail import ack_link_expiry
from bot.mail.letter_parts import queue_part
from bot.mail.recipients import reachable_by_mail
from bot.presentation.final_grades import period_title, render_reminder
from bot.presentation.mail import final_grades_subject
from bot.presentation.translation import translator
from db.models import School
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n


async def remind_by_mail(
    uow: UnitOfWork, i18n: I18n, school: School, now: datetime, sent_before: datetime
) -> int:
    """Queue the reminders due; the caller commits. How many were queued."""
    due = await uow.finals.due_mail_reminders(school.id, sent_before)
    if not due:
        return 0
    reachable = await reachable_by_mail(uow, {("g", n.guardian_id or 0) for n in due}, now)
    periods = await uow.finals.periods(sorted({notice.period_id for notice in due}))
    students, _subjects, _teachers = await uow.changes.names(
        students=sorted({notice.student_id for notice in due}), subjects=[], teachers=[]
    )
    queued = 0
    for notice in due:
        recipient = reachable.get(("g", notice.guardian_id or 0))
        notice.reminded_at = notice.updated_at = now  # once, reached or not
        if recipient is None:
            continue
        _ = translator(i18n, recipient.language)
        period = periods[notice.period_id]
        title = period_title(period.name, period.starts_on, period.ends_on)
        child = students.get(notice.student_id, "")
        queued += await queue_part(
            uow, recipient.key, school_id=school.id, kind="final_reminder",
            key=f"final-mail-reminder:{notice.id}",
            subject=final_grades_subject(_, child, title),
            rendered=render_reminder(_, child=child, period=title), locale=recipient.language,
            due_at=now, now=now, student_id=notice.student_id, notice_id=notice.id,
            ack_notice=notice.id,
            ack_until=ack_link_expiry(period.ends_on, school.timezone).isoformat(),
        )  # fmt: skip
    return queued
