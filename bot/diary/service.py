"""Diary views for a linked account; every view goes through the authorization gate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.diary.views import (
    ChildRef,
    DiaryContext,
    GradesView,
    HomeworkLine,
    LessonLine,
    MarkLine,
    SubjectMarks,
)
from bot.grading.forecast import WeightedMark, weighted_average
from bot.linking.rules import may_receive_data
from bot.schools.settings import SchoolSettings
from db.models import AccountRole
from db.repositories.family_links import FamilyLink
from db.unit_of_work import UnitOfWork


async def diary_context(
    uow: UnitOfWork, clock: Clock, telegram_user_id: int, student_id: int | None
) -> DiaryContext | None:
    """The context for one of the account's children; None when there is none it may see
    (no links, or a forged or stale student id)."""
    return context_of(await uow.linking.family_links(telegram_user_id), student_id, clock.now())


def context_of(
    links: Sequence[FamilyLink], student_id: int | None, now: dt.datetime
) -> DiaryContext | None:
    """The authorization gate for the diary, as a pure rule over the account's links: an
    active account sees the children of its links whose consent grants data (the same rule
    as ``may_see_student`` for guardians and students), the first one unless asked."""
    granting = [link for link in links if may_receive_data(link.consent)]
    if not granting or not granting[0].account_active:
        return None
    children: list[ChildRef] = []
    for link in granting:
        if all(child.student_id != link.student_id for child in children):
            children.append(ChildRef(link.student_id, link.student_name, link.class_name))
    wanted = student_id if student_id is not None else children[0].student_id
    chosen = next((link for link in granting if link.student_id == wanted), None)
    if chosen is None:
        return None
    child = next(c for c in children if c.student_id == wanted)
    guardian_ids = tuple(
        link.guardian_id
        for link in links
        if link.role == AccountRole.GUARDIAN and link.student_id == wanted and link.guardian_id
    )
    today = now.astimezone(ZoneInfo(chosen.timezone)).date()
    return DiaryContext(
        child,
        tuple(children),
        chosen.school_id,
        chosen.class_id,
        today,
        guardian_ids,
        chosen.timezone,
        SchoolSettings.from_stored(chosen.school_settings, school_id=chosen.school_id),
    )


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


async def grades_between(
    uow: UnitOfWork, context: DiaryContext, first: dt.date, last: dt.date
) -> list[SubjectMarks]:
    """The child's marks per subject between the days, each subject's weighted average by
    the same exact rule as the forecast (marks without a score, like «зачёт», not counted)."""
    ids: dict[str, int] = {}
    marks: dict[str, list[MarkLine]] = {}
    scored: dict[str, list[WeightedMark]] = {}
    for grade, subject in await uow.diary.grades_between(context.child.student_id, first, last):
        ids.setdefault(subject, grade.subject_id)
        marks.setdefault(subject, []).append(
            MarkLine(grade.date, grade.value, grade.work_type, grade.weight)
        )
        if grade.score is not None:
            scored.setdefault(subject, []).append(WeightedMark(grade.score, grade.weight))
    return [
        SubjectMarks(subject, ids[subject], tuple(lines), _average(scored.get(subject, [])))
        for subject, lines in marks.items()
    ]


def _average(marks: list[WeightedMark]) -> float | None:
    average = weighted_average(marks)
    return float(average) if average is not None else None


async def week_grades(uow: UnitOfWork, context: DiaryContext, day: dt.date) -> GradesView:
    """The marks of the week around ``day``."""
    first, last = week_of(day)
    return GradesView(first, last, tuple(await grades_between(uow, context, first, last)))


async def period_grades(uow: UnitOfWork, context: DiaryContext) -> GradesView | None:
    """The marks of the current period so far; None when the journal has no current period."""
    period = await uow.diary.current_period(context.school_id, context.class_id, context.today)
    if period is None:
        return None
    last = min(period.ends_on, context.today)
    subjects = await grades_between(uow, context, period.starts_on, last)
    return GradesView(period.starts_on, period.ends_on, tuple(subjects), period.name)


async def record_grades_read(uow: UnitOfWork, clock: Clock, context: DiaryContext) -> None:
    """Duty 9: the class teacher sees whether parents looked at current grades (one row per
    guardian, child and day); a student reading their own grades is not logged."""
    if not context.guardian_ids:
        return
    await uow.diary.record_reading(
        school_id=context.school_id,
        guardian_ids=context.guardian_ids,
        student_id=context.child.student_id,
        read_on=context.today,
        section="grades",
        at=clock.now(),
    )
    await uow.commit()


async def schedule_between(
    uow: UnitOfWork, context: DiaryContext, first: dt.date, last: dt.date
) -> dict[dt.date, list[LessonLine]]:
    """Each day's lessons (one query for the whole range). A moved lesson appears twice: on
    its old day as moved away, and on its new day as moved here."""
    days: dict[dt.date, list[LessonLine]] = {}
    rows = await uow.diary.lessons_between(context.class_id, first, last)
    for lesson, subject, teacher, substitute in rows:
        moved_to = (
            (lesson.moved_to_date, lesson.moved_to_number or 0)
            if lesson.moved_to_date is not None
            else None
        )
        line = LessonLine(
            number=lesson.number,
            starts_at=lesson.starts_at,
            ends_at=lesson.ends_at,
            subject=subject,
            teacher=teacher,
            room=lesson.room,
            topic=lesson.topic,
            status=lesson.status,
            substitute=substitute,
            moved_to=moved_to,
            moved_from=None,
        )
        if first <= lesson.date <= last:
            days.setdefault(lesson.date, []).append(line)
        target = lesson.moved_to_date
        if target is not None and first <= target <= last:
            moved_here = replace(
                line,
                number=lesson.moved_to_number or lesson.number,
                starts_at=None,
                ends_at=None,
                moved_to=None,
                moved_from=lesson.date,
            )
            days.setdefault(target, []).append(moved_here)
    return {day: sorted(lines, key=lambda line: line.number) for day, lines in sorted(days.items())}


async def schedule_of_day(uow: UnitOfWork, context: DiaryContext, day: dt.date) -> list[LessonLine]:
    return (await schedule_between(uow, context, day, day)).get(day, [])


async def homework_due_on(
    uow: UnitOfWork, context: DiaryContext, day: dt.date
) -> list[HomeworkLine]:
    return await homework_between(uow, context, day, day)


async def homework_between(
    uow: UnitOfWork,
    context: DiaryContext,
    first: dt.date,
    last: dt.date,
    subject_id: int | None = None,
) -> list[HomeworkLine]:
    rows = await uow.diary.homework_due(context.class_id, first, last, subject_id)
    return [
        HomeworkLine(
            subject, homework.subject_id, homework.text, homework.assigned_on, homework.due_on
        )
        for homework, subject in rows
    ]


async def subject_name(uow: UnitOfWork, context: DiaryContext, subject_id: int) -> str | None:
    """The name of one of the school's subjects; None for a foreign or unknown id."""
    return await uow.diary.subject_name(context.school_id, subject_id)


async def context_for_student(uow: UnitOfWork, clock: Clock, student_id: int) -> DiaryContext:
    """A student's diary context for a scheduled job (no viewer; the caller checked who
    may receive it)."""
    found = await uow.diary.student_and_class(student_id)
    assert found is not None
    student, school_class = found
    school = await uow.schools.get(student.school_id)
    today = clock.now().astimezone(ZoneInfo(school.timezone)).date()
    child = ChildRef(student.id, student.full_name, school_class.name)
    return DiaryContext(child, (child,), school.id, student.class_id, today, (), school.timezone)
