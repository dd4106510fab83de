"""A hand-checked school for the report tests: two classes, families in every consent
state, marks, lessons against the curriculum, final grades with a deferral, reading logs.

Clock: Friday 2026-09-11 12:00 UTC = 15:00 in Moscow, when weekly statements are due for
2026-09-05 – 2026-09-11.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.exchange.service import sync_document
from bot.linking.issuing import record_consent
from bot.schools.service import create_school
from db.database import Database
from db.models import AccountLink, AccountRole, ConsentForm, ConsentState, School
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock

FRIDAY = dt.datetime(2026, 9, 11, 12, 0, tzinfo=dt.UTC)
TEACHER_5A, TEACHER_6B, ADMIN = 9101, 9102, 9103
PARENT_S1, PARENT_S7 = 7001, 7007


def _grade(ext: str, student: str, subject: str, date: str, value: str, **extra: Any) -> Any:
    return {"external_id": ext, "student_id": student, "subject_id": subject, "date": date,
            "value": value, **extra}  # fmt: skip


def _lesson(ext: str, subject: str, date: str, number: int, status: str, **extra: Any) -> Any:
    teacher = "t1" if subject == "math" else "t2"
    return {"external_id": ext, "class_id": extra.pop("class_id", "5a"), "subject_id": subject,
            "teacher_id": teacher, "date": date, "number": number, "status": status,
            **extra}  # fmt: skip


def _final(ext: str, student: str, subject: str, value: str | None, **extra: Any) -> Any:
    item = {"external_id": ext, "student_id": student, "subject_id": subject, "period_id": "q1",
            "status": "final" if value else "deferred", **extra}  # fmt: skip
    if value:
        item["value"] = value
    return item


def reports_school() -> dict[str, Any]:
    students = [
        ("s1", "Алексеев Антон", "5a"), ("s2", "Борисова Бэлла", "5a"),
        ("s3", "Васильев Виктор", "5a"), ("s4", "Григорьева Галина", "5a"),
        ("s5", "Дмитриев Денис", "5a"), ("s6", "Егорова Елена", "6b"),
        ("s7", "Жуков Женя", "6b"),
    ]  # fmt: skip
    return {
        "periods": [
            {"external_id": "q1", "name": "I четверть", "kind": "quarter",
             "starts_on": "2026-09-01", "ends_on": "2026-10-24"},
        ],
        "subjects": [{"external_id": "math", "name": "Математика"},
                     {"external_id": "rus", "name": "Русский язык"}],
        "teachers": [{"external_id": "t1", "full_name": "Смирнова Ольга Петровна"},
                     {"external_id": "t2", "full_name": "Кузнецов Игорь Васильевич"}],
        "classes": [
            {"external_id": "5a", "name": "5А", "level": "basic", "class_teacher_id": "t1"},
            {"external_id": "6b", "name": "6Б", "level": "basic", "class_teacher_id": "t2"},
        ],
        "students": [{"external_id": e, "full_name": n, "class_id": c} for e, n, c in students],
        "guardians": [
            {"external_id": f"g{i}", "full_name": f"Родитель: {name}",
             "student_ids": [f"s{i}"]}
            for i, (_e, name, _c) in enumerate(students, start=1)
        ],
        "curriculum": [
            {"class_id": "5a", "subject_id": "math", "teacher_id": "t1", "period_id": "q1",
             "planned_lessons": 40},
            {"class_id": "5a", "subject_id": "rus", "teacher_id": "t2", "period_id": "q1",
             "planned_lessons": 36},
        ],
        "lessons": [
            _lesson("l1", "math", "2026-09-07", 1, "conducted", topic="Дроби"),
            _lesson("l2", "math", "2026-09-08", 1, "conducted", kind="test"),
            _lesson("l3", "math", "2026-09-09", 1, "conducted"),
            _lesson("l4", "math", "2026-09-10", 1, "substituted", substitute_teacher_id="t2"),
            _lesson("l5", "math", "2026-09-10", 3, "cancelled"),
            _lesson("l6", "math", "2026-09-11", 2, "moved",
                    moved_to={"date": "2026-09-15", "number": 4}),
            _lesson("l7", "math", "2026-09-14", 1, "scheduled"),
            _lesson("l8", "rus", "2026-09-07", 2, "conducted"),
            _lesson("l9", "rus", "2026-09-08", 2, "conducted", kind="practice"),
            _lesson("l10", "rus", "2026-09-09", 2, "cancelled"),
            _lesson("l11", "math", "2026-09-09", 1, "conducted", class_id="6b"),
        ],
        "grades": [
            # s2, in the statement's dates: math 5 and 3 (weight 2), rus 4, 4, 5.
            _grade("m1", "s2", "math", "2026-09-07", "5", work_type="ответ на уроке"),
            _grade("m2", "s2", "math", "2026-09-08", "3", work_type="контрольная работа",
                   weight=2),
            _grade("m3", "s2", "rus", "2026-09-07", "4", work_type="диктант"),
            _grade("m4", "s2", "rus", "2026-09-08", "4"),
            _grade("m5", "s2", "rus", "2026-09-09", "5"),
            # Before the statement's dates: counts for the period's forecast, not listed.
            _grade("m6", "s2", "math", "2026-09-02", "2", work_type="самостоятельная работа"),
            _grade("m7", "s1", "math", "2026-09-07", "5"),
            _grade("m8", "s3", "math", "2026-09-07", "2"),
            _grade("m9", "s3", "math", "2026-09-08", "4"),
            _grade("m10", "s4", "rus", "2026-09-07", "3"),
        ],
        "homework": [
            {"external_id": "hw1", "class_id": "5a", "subject_id": "rus",
             "assigned_on": "2026-09-10", "due_on": "2026-09-14", "text": "Упражнение 12"},
            {"external_id": "hw2", "class_id": "5a", "subject_id": "math",
             "assigned_on": "2026-09-01", "due_on": "2026-09-03", "text": "Старое задание"},
        ],
        "assessments": [],
        "holidays": [],
        "recommendations": [
            {"external_id": "r1", "student_id": "s2", "teacher_id": "t2", "subject_id": "rus",
             "date": "2026-09-08", "text": "Больше читать вслух"},
            {"external_id": "r2", "student_id": "s1", "teacher_id": "t1", "subject_id": "math",
             "date": "2026-09-08", "text": "Не для выписки"},
        ],
        "final_grades": [
            _final("f1", "s1", "math", "5"), _final("f2", "s1", "rus", "4"),
            _final("f3", "s2", "math", "3"), _final("f4", "s2", "rus", "4"),
            _final("f5", "s3", "math", "2"), _final("f6", "s3", "rus", "3"),
            _final("f7", "s4", "math", "4"),
            _final("f8", "s4", "rus", None, deferred_until="2026-11-20", reason="болезнь"),
            _final("f9", "s5", "math", "5"), _final("f10", "s5", "rus", "5"),
        ],
    }  # fmt: skip


@dataclass(frozen=True)
class ReportSchool:
    school: School
    accounts: dict[int, int]  # telegram user id → account id


async def consent(
    database: Database, clock: FakeClock, school: School, guardian: str, state: ConsentState
) -> None:
    async with database.unit_of_work() as uow:
        await record_consent(
            uow, clock, school, guardian_ref=guardian, student_ref=None, state=state,
            form=ConsentForm.PAPER, document_ref=None, actor="test",
        )  # fmt: skip


async def link_account(
    database: Database, clock: FakeClock, school: School, telegram_id: int, role: AccountRole,
    reference: str | None = None,
) -> int:  # fmt: skip
    """An account linked directly (the linking flow has its own tests)."""
    async with database.unit_of_work() as uow:
        account = await uow.accounts.add(
            telegram_user_id=telegram_id, chat_id=telegram_id, now=clock.now()
        )
        link = AccountLink(
            account_id=account.id, school_id=school.id, role=role, linked_at=clock.now()
        )
        if role == AccountRole.GUARDIAN:
            assert reference is not None
            guardian = await uow.linking.guardian(school.id, f"g{reference[1:]}")
            student = await uow.linking.student(school.id, reference)
            assert guardian is not None
            assert student is not None
            link.guardian_id, link.student_id = guardian.id, student.id
        elif role == AccountRole.TEACHER:
            teacher = await uow.linking.teacher(school.id, reference or "")
            assert teacher is not None
            link.teacher_id = teacher.id
        uow.linking.add_link(link)
        await uow.commit()
        return account.id


async def report_school(
    database: Database, clock: FakeClock, *, settings: dict[str, Any] | None = None
) -> ReportSchool:
    """s1 and s7 read the diary in the bot; s2 and s6 refused; s3 withdrew; s4 never
    decided; s5 consented on paper but never linked. Teachers of 5А and 6Б are linked."""
    clock.set(dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC))
    async with database.unit_of_work() as uow:
        school, _ = await create_school(
            uow, clock, SECRET_KEY, name="Школа № 5", timezone="Europe/Moscow", actor="test"
        )
        school.settings = dict(settings or {})
        await sync_document(
            uow, clock, school, reports_school(), source="test", document_sha256="-", actor="test"
        )
    granted, refused = ConsentState.GRANTED, ConsentState.REFUSED
    for guardian, state in (("g1", granted), ("g7", granted), ("g2", refused), ("g6", refused),
                            ("g3", granted), ("g5", granted)):  # fmt: skip
        await consent(database, clock, school, guardian, state)
    parent, teacher = AccountRole.GUARDIAN, AccountRole.TEACHER
    people = ((PARENT_S1, parent, "s1"), (PARENT_S7, parent, "s7"), (7003, parent, "s3"),
              (TEACHER_5A, teacher, "t1"), (TEACHER_6B, teacher, "t2"),
              (ADMIN, AccountRole.ADMIN, None))  # fmt: skip
    accounts = {
        telegram_id: await link_account(database, clock, school, telegram_id, role, reference)
        for telegram_id, role, reference in people
    }
    clock.advance(dt.timedelta(hours=1))
    # s3's guardian was linked, then withdrew: the link ends, the family gets paper.
    await consent(database, clock, school, "g3", ConsentState.WITHDRAWN)
    clock.set(FRIDAY)
    return ReportSchool(school, accounts)
