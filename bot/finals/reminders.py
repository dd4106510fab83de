"""One reminder to a family that has not acknowledged the final grades after a few days
(``school.settings.final_ack_reminder_days``, default 3); after it, the class teacher's
summary lists them."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.accounts.settings import AccountSettings
from bot.clock import Clock
from bot.digests.preferences import after_quiet_hours
from bot.finals.mail_reminders import remind_by_mail
from bot.presentation.final_grades import (
    acknowledgement_keyboard,
    period_title,
    render_reminder,
)
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import translator
from bot.schools.settings import SchoolSettings
from db.models import School
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n


def reminder_delay(school: School) -> timedelta:
    return timedelta(days=SchoolSettings.of(school).final_ack_reminder_days)


async def remind_unacknowledged(uow: UnitOfWork, clock: Clock, i18n: I18n, school: School) -> int:
    now = clock.now()
    due = await uow.finals.due_reminders(school.id, now - reminder_delay(school))
    periods = await uow.finals.periods(sorted({notice.period_id for notice, _ in due}))
    students, _subjects, _teachers = await uow.changes.names(
        students=sorted({notice.student_id for notice, _ in due}), subjects=[], teachers=[]
    )
    for notice, account in due:
        locale = account.language or "ru"
        period = periods[notice.period_id]
        await uow.outbox.queue(
            account_id=account.id,
            school_id=school.id,
            kind="final_reminder",
            key=f"final-reminder:{notice.id}",
            text=telegram_html(
                render_reminder(
                    translator(i18n, locale),
                    child=students.get(notice.student_id, ""),
                    period=period_title(period.name, period.starts_on, period.ends_on),
                )
            ),
            reply_markup=acknowledgement_keyboard(
                translator(i18n, locale), notice_id=notice.id, student_id=notice.student_id
            ),
            due_at=after_quiet_hours(AccountSettings.of(account).pushes, now, school.timezone),
            urgent=False,
            now=now,
            extra={"notice_id": notice.id},
            student_id=notice.student_id,
        )
        notice.reminded_at = notice.updated_at = now
    mailed = await remind_by_mail(uow, i18n, school, now, now - reminder_delay(school))
    await uow.commit()
    return len(due) + mailed
