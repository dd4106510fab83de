"""The evening brief (issue #9): one message per account about tomorrow — each child's
lessons with their substitutions, moves and cancellations, homework due tomorrow, and tests
tomorrow or within the next three school days. Opt-out in /settings (on at 19:00 by
default); nothing on a holiday or the evening before a day off, and nothing when there is
nothing to say. Keyed per date and account, so a re-run never sends it twice.

A family on e-mail gets it as a letter part at 19:00 only when it chose it (opt-in:
:mod:`bot.contacts.mail_preferences`, read into the reader's preferences by
:func:`bot.digests.audience.readers_with_mail`), one part per family for all its children,
keyed per date and family.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.diary.service import context_for_student, homework_due_on, schedule_between
from bot.digests.audience import Reader, readers_with_mail, students_in_reach
from bot.digests.outbox import queue_for_reader
from bot.digests.preferences import PushKind, PushMode
from bot.presentation.evening_brief import ChildBrief, TestLine, render_brief
from bot.presentation.telegram import telegram_messages
from bot.presentation.translation import translator
from db.models import Holiday, School
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

LOOK_AHEAD = dt.timedelta(days=14)  # far enough to find the next three school days
SCHOOL_DAYS_AHEAD = 3


def on_holiday(day: dt.date, holidays: Sequence[Holiday]) -> bool:
    return any(h.starts_on <= day <= h.ends_on for h in holidays)


def brief_wanted(reader: Reader, local: dt.datetime) -> bool:
    return reader.preferences.mode(PushKind.BRIEF) is PushMode.INSTANT and (
        local.hour >= reader.preferences.brief_hour
    )


def tests_until(school_days: Sequence[dt.date], tomorrow: dt.date) -> dt.date:
    """The last day the brief looks at for tests: tomorrow and three school days after."""
    ahead = [day for day in school_days if day > tomorrow][:SCHOOL_DAYS_AHEAD]
    return ahead[-1] if ahead else tomorrow


async def evening_briefs(uow: UnitOfWork, clock: Clock, i18n: I18n, school: School) -> int:
    now = clock.now()
    local = now.astimezone(ZoneInfo(school.timezone))
    today = local.date()
    tomorrow = today + dt.timedelta(days=1)
    holidays = await uow.diary.holidays(school.id)
    if on_holiday(today, holidays) or on_holiday(tomorrow, holidays):
        return 0
    students = await students_in_reach(uow, school.id)
    audience = await readers_with_mail(uow, set(students), now)
    # Per account, or per family on e-mail (their readers have no account).
    by_account: dict[tuple[int, object], tuple[Reader, list[int]]] = {}
    for student_id in sorted(students):
        for reader in audience.get(student_id, []):
            if brief_wanted(reader, local):
                who = (reader.account_id, reader.mail_to)
                by_account.setdefault(who, (reader, []))[1].append(student_id)
    briefs: dict[int, ChildBrief | None] = {}
    queued = 0
    for reader, children in by_account.values():
        for student_id in children:
            if student_id not in briefs:
                briefs[student_id] = await _child_brief(uow, clock, student_id, tomorrow)
        found = [brief for s in children if (brief := briefs[s]) is not None]
        if not found:
            continue  # a day off tomorrow, or nothing to say
        rendered = render_brief(tomorrow, found, translator(i18n, reader.language))
        for index, chunk in enumerate(telegram_messages(rendered)):
            queued += await queue_for_reader(
                uow,
                i18n,
                reader,
                school_id=school.id,
                timezone=school.timezone,
                kind=PushKind.BRIEF,
                key=f"brief:{tomorrow.isoformat()}:{reader.account_id}:{index}",
                text=chunk,
                now=now,
                urgent=True,  # at the hour the parent chose, whatever the quiet hours
                rendered=None if index else rendered,
            )
    await uow.commit()
    return queued


async def _child_brief(
    uow: UnitOfWork, clock: Clock, student_id: int, tomorrow: dt.date
) -> ChildBrief | None:
    """What tomorrow holds for the child; None when there is no school tomorrow."""
    context = await context_for_student(uow, clock, student_id)
    days = await schedule_between(uow, context, tomorrow, tomorrow + LOOK_AHEAD)
    lessons = days.get(tomorrow, [])
    if not lessons:
        return None
    homework = await homework_due_on(uow, context, tomorrow)
    tests = await uow.diary.assessments_between(
        context.class_id, tomorrow, tests_until(sorted(days), tomorrow)
    )
    return ChildBrief(
        name=f"{context.child.name}, {context.child.class_name}",
        lessons=tuple(lessons),
        homework=tuple((item.subject, item.text) for item in homework),
        tests=tuple(TestLine(test.date, subject, test.kind, test.topic) for test, subject in tests),
    )
