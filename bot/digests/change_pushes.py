"""Turning the journal's change records into pushes (grades, lesson changes, advice).

Runs as a scheduler job; the pushes are queued and the records marked consumed in one
transaction, so a change is pushed once or, after a crash, not yet — never twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.digests.audience import Reader, readers_with_mail
from bot.digests.outbox import queue_for_reader
from bot.digests.preferences import PushKind
from bot.presentation.change_pushes import (
    AdvicePush,
    ChangePush,
    HomeworkPush,
    LessonChange,
    LessonPush,
    MarkChange,
    MarksPush,
    render_change_push,
)
from bot.presentation.telegram import telegram_messages
from bot.presentation.translation import translator
from bot.schools.settings import SchoolSettings
from db.models import ChangeRecord, School
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

GRADE_WINDOW = dt.timedelta(minutes=10)
BATCH = 2000
# Change records that concern a whole class rather than one student.
CLASS_WIDE = frozenset({"lesson", "homework"})


def is_news(reader: Reader, record: ChangeRecord) -> bool:
    """Only what changed after the reader linked: the state before is their baseline."""
    return reader.linked_at is None or record.created_at >= reader.linked_at


def net_grade_changes(records: list[ChangeRecord]) -> list[tuple[Any, Any]]:
    """(before, after) per grade over the batch: a mark changed and changed back, or added
    and removed again, is no news at all."""
    first: dict[int, ChangeRecord] = {}
    last: dict[int, ChangeRecord] = {}
    for record in records:
        first.setdefault(record.entity_id, record)
        last[record.entity_id] = record
    changes = []
    for entity_id, opening in first.items():
        closing = last[entity_id]
        before = None if opening.action == "created" else opening.details.get("before")
        after = None if closing.action == "deleted" else closing.details.get("after")
        if before != after:
            changes.append((before, after))
    return changes


@dataclass(frozen=True)
class _Push:
    record: ChangeRecord
    student_id: int
    reader: Reader
    kind: PushKind
    key: str
    view: ChangePush
    urgent: bool


@dataclass(frozen=True)
class _Batch:
    """What deciding a batch's pushes needs, loaded once."""

    now: dt.datetime
    i18n: I18n
    schools: dict[int, School]
    settings: dict[int, SchoolSettings]
    audience: dict[int, list[Reader]]
    names: Names
    class_students: dict[int, list[int]]

    def today(self, school_id: int) -> dt.date:
        return _local_today(self.now, self.schools[school_id].timezone)


async def push_changes(uow: UnitOfWork, clock: Clock, i18n: I18n) -> int:
    """Queue the pushes for what the journal changed; returns how many were queued."""
    now = clock.now()
    grades = await uow.changes.unconsumed(["grade"], now, BATCH)
    others = await uow.changes.unconsumed(["lesson", "homework", "recommendation"], now, BATCH)
    by_student: dict[int, list[ChangeRecord]] = defaultdict(list)
    for record in grades:
        if record.student_id is not None:
            by_student[record.student_id].append(record)
    # A child's marks wait until the oldest is GRADE_WINDOW old, then go out together.
    ready = {s: r for s, r in by_student.items() if r[0].created_at <= now - GRADE_WINDOW}
    batch = await _load(uow, i18n, now, ready, others)
    queued = 0
    for push in _grade_pushes(batch, ready) + _other_pushes(batch, others):
        rendered = render_change_push(push.view, translator(i18n, push.reader.language))
        # A push too long for one message goes in parts; the first keeps the push's key.
        for index, text in enumerate(telegram_messages(rendered)):
            queued += await queue_for_reader(
                uow, i18n, push.reader, school_id=push.record.school_id,
                timezone=batch.schools[push.record.school_id].timezone, kind=push.kind,
                key=f"{push.key}:{index}" if index else push.key, text=text, now=now,
                urgent=push.urgent, cap=batch.settings[push.record.school_id].daily_push_cap,
                student_id=push.student_id, rendered=None if index else rendered,
            )  # fmt: skip
    consumed = [r.id for records in ready.values() for r in records] + [r.id for r in others]
    await uow.changes.mark_consumed(consumed, now)
    await uow.commit()
    return queued


async def _load(
    uow: UnitOfWork,
    i18n: I18n,
    now: dt.datetime,
    ready: dict[int, list[ChangeRecord]],
    others: list[ChangeRecord],
) -> _Batch:
    class_students = await uow.changes.students_of_classes(
        sorted({r.class_id for r in others if r.entity in CLASS_WIDE and r.class_id})
    )
    students = set(ready) | {r.student_id for r in others if r.student_id is not None}
    students |= {s for ids in class_students.values() for s in ids}
    records = [r for rs in ready.values() for r in rs] + others
    schools = {school_id: await uow.schools.get(school_id)
               for school_id in {r.school_id for r in records}}  # fmt: skip
    return _Batch(
        now=now,
        i18n=i18n,
        schools=schools,
        settings={school_id: SchoolSettings.of(school) for school_id, school in schools.items()},
        audience=await readers_with_mail(uow, students, now),
        names=await _names(uow, records, students),
        class_students=class_students,
    )


def _grade_pushes(batch: _Batch, ready: dict[int, list[ChangeRecord]]) -> list[_Push]:
    """One message per child and reader with the net changes of the child's marks."""
    pushes = []
    for student_id, records in ready.items():
        school_id = records[0].school_id
        # Marks dated further back are the journal catching up, never news.
        oldest = batch.today(school_id) - dt.timedelta(days=batch.settings[school_id].backfill_days)
        fresh = [r for r in records if r.occurred_on is None or r.occurred_on >= oldest]
        for reader in batch.audience.get(student_id, []):
            changes = net_grade_changes([r for r in fresh if is_news(reader, r)])
            if changes:
                view = _marks_push(batch.names, student_id, changes)
                key = f"grades:{student_id}:{reader.account_id}:{records[-1].id}"
                pushes.append(
                    _Push(records[-1], student_id, reader, PushKind.GRADES, key, view, False)
                )
    return pushes


def _other_pushes(batch: _Batch, others: list[ChangeRecord]) -> list[_Push]:
    """Lesson changes of today and tomorrow (urgent), homework not yet due, new advice."""
    pushes = []
    push_of: Callable[[Names, int, ChangeRecord], ChangePush]
    for record in others:
        today = batch.today(record.school_id)
        if record.entity == "lesson" and _today_or_tomorrow(record, today):
            kind, urgent, push_of = PushKind.LESSONS, True, _lesson_push
        elif record.entity == "homework" and not (
            record.occurred_on and record.occurred_on < today
        ):
            kind, urgent, push_of = PushKind.HOMEWORK, False, _homework_push
        elif record.entity == "recommendation" and record.action == "created":
            kind, urgent, push_of = PushKind.RECOMMENDATIONS, False, _advice_push
        else:
            continue
        if record.entity in CLASS_WIDE:
            children = batch.class_students.get(record.class_id or 0, [])
        else:
            children = [record.student_id] if record.student_id is not None else []
        for student_id in children:
            view = push_of(batch.names, student_id, record)
            for reader in batch.audience.get(student_id, []):
                if is_news(reader, record):
                    key = f"{record.entity}:{record.id}:{reader.account_id}"
                    pushes.append(_Push(record, student_id, reader, kind, key, view, urgent))
    return pushes


def _due_already(record: ChangeRecord, today: dt.date) -> bool:
    """Homework due before today: no longer worth a line."""
    return record.occurred_on is not None and record.occurred_on < today


def _local_today(now: dt.datetime, timezone: str) -> dt.date:
    return now.astimezone(ZoneInfo(timezone)).date()


Names = tuple[dict[int, str], dict[int, str], dict[int, str]]


async def _names(uow: UnitOfWork, records: list[ChangeRecord], students: set[int]) -> Names:
    subjects: set[int] = set()
    teachers: set[int] = set()
    for record in records:
        for side in ("before", "after"):
            part = record.details.get(side) or {}
            if part.get("subject_id"):
                subjects.add(int(part["subject_id"]))
            for key in ("teacher_id", "substitute_teacher_id"):
                if part.get(key):
                    teachers.add(int(part[key]))
    return await uow.changes.names(
        students=sorted(students), subjects=sorted(subjects), teachers=sorted(teachers)
    )


def _today_or_tomorrow(record: ChangeRecord, today: dt.date) -> bool:
    after = record.details.get("after") or record.details.get("before") or {}
    days = {after.get("date"), after.get("moved_to_date")}
    return bool({today.isoformat(), (today + dt.timedelta(days=1)).isoformat()} & days)


def _marks_push(names: Names, student_id: int, changes: list[tuple[Any, Any]]) -> MarksPush:
    students, subjects, _teachers = names
    return MarksPush(
        child=students.get(student_id, ""),
        changes=tuple(
            MarkChange(
                subject=subjects.get(int((after or before)["subject_id"]), ""),
                before=None if before is None else str(before["value"]),
                after=None if after is None else str(after["value"]),
                work_type=str((after or {}).get("work_type") or ""),
                date=str((before or {}).get("date") or ""),
            )
            for before, after in changes
        ),
    )


def _lesson_push(names: Names, student_id: int, record: ChangeRecord) -> LessonPush:
    students, subjects, teachers = names
    lesson = record.details.get("after") or record.details.get("before") or {}
    status = lesson.get("status") if record.action != "deleted" else "cancelled"
    return LessonPush(
        child=students.get(student_id, ""),
        date=str(lesson.get("date") or ""),
        number=str(lesson.get("number")),
        subject=subjects.get(int(lesson.get("subject_id") or 0), ""),
        change=_lesson_change(status),
        teacher=teachers.get(int(lesson.get("teacher_id") or 0), ""),
        substitute=teachers.get(int(lesson.get("substitute_teacher_id") or 0), ""),
        moved_to_date=str(lesson.get("moved_to_date") or ""),
        moved_to_number=str(lesson.get("moved_to_number")),
    )


def _lesson_change(status: object) -> LessonChange:
    known = {change.value: change for change in LessonChange}
    return known.get(str(status), LessonChange.CHANGED)


def _homework_push(names: Names, student_id: int, record: ChangeRecord) -> HomeworkPush:
    students, subjects, _teachers = names
    homework = record.details.get("after") or {}
    return HomeworkPush(
        child=students.get(student_id, ""),
        subject=subjects.get(int(homework.get("subject_id") or 0), ""),
        due_on=str(homework.get("due_on") or ""),
        text=str(homework.get("text", "")),
    )


def _advice_push(names: Names, _student_id: int, record: ChangeRecord) -> AdvicePush:
    students, subjects, teachers = names
    after = record.details.get("after") or {}
    return AdvicePush(
        child=students.get(record.student_id or 0, ""),
        teacher=teachers.get(int(after.get("teacher_id") or 0), ""),
        subject=subjects.get(int(after.get("subject_id") or 0)) or "",
        text=str(after.get("text", "")),
    )
