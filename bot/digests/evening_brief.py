"""The evening brief (issue #9): one message per account about tomorrow — each child's
lessons with their substitutions, moves and cancellations, homework due tomorrow, and tests
tomorrow or within the next three school days. Opt-out in /settings (on at 19:00 by
default); nothing on a holiday or the evening before a day off, and nothing when there is
nothing to say. Keyed per date and account, so a re-run never sends it twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from bot.clock import Clock
from bot.diary.service import context_for_student, homework_due_on, schedule_between
from bot.digests.audience import Reader, readers
from bot.digests.outbox import queue_for_reader
from bot.digests.preferences import PushKind, PushMode
from bot.presentation.lessons import day_name, lesson_text
from bot.presentation.text import escape, split_message
from bot.presentation.translation import translator
from db.models import Holiday, School
from db.unit_of_work import UnitOfWork

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
    students = await uow.changes.linked_students(school.id)
    audience = await readers(uow, set(students))
    by_account: dict[int, tuple[Reader, list[int]]] = {}
    for student_id in sorted(students):
        for reader in audience.get(student_id, []):
            if brief_wanted(reader, local):
                by_account.setdefault(reader.account_id, (reader, []))[1].append(student_id)
    sections: dict[tuple[int, str], str | None] = {}
    queued = 0
    for reader, children in by_account.values():
        parts = []
        for student_id in children:
            if (student_id, reader.language) not in sections:
                sections[(student_id, reader.language)] = await _child_section(
                    uow, clock, i18n, reader.language, student_id, tomorrow
                )
            if (part := sections[(student_id, reader.language)]) is not None:
                parts.append(part)
        if not parts:
            continue  # a day off tomorrow, or nothing to say
        _ = translator(i18n, reader.language)
        title = _("Tomorrow, {day}").format(day=day_name(tomorrow, reader.language))
        text = "\n\n".join([f"🌙 <b>{escape(title)}</b>", *parts])
        for index, chunk in enumerate(split_message(text)):
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
            )
    await uow.commit()
    return queued


async def _child_section(
    uow: UnitOfWork, clock: Clock, i18n: I18n, locale: str, student_id: int, tomorrow: dt.date
) -> str | None:
    context = await context_for_student(uow, clock, student_id)
    days = await schedule_between(uow, context, tomorrow, tomorrow + LOOK_AHEAD)
    lessons = days.get(tomorrow, [])
    if not lessons:
        return None  # no school tomorrow for this child
    homework = await homework_due_on(uow, context, tomorrow)
    tests = await uow.diary.assessments_between(
        context.class_id, tomorrow, tests_until(sorted(days), tomorrow)
    )
    _ = translator(i18n, locale)
    name = f"{context.child.name}, {context.child.class_name}"
    lines = [f"<b>{escape(name)}</b>"]
    lines += [lesson_text(lesson, _) for lesson in lessons]
    if homework:
        lines += ["", "📚 " + escape(_("Homework for tomorrow:"))]
        lines += [f"• {escape(item.subject)}: {escape(item.text)}" for item in homework]
    if tests:
        lines += ["", "📝 " + escape(_("Tests:"))]
        for test, subject in tests:
            topic = f" — {escape(test.topic)}" if test.topic else ""
            kind = f" ({escape(test.kind)})" if test.kind else ""
            lines.append(f"• {day_name(test.date, locale)}: {escape(subject)}{kind}{topic}")
    return "\n".join(lines)
