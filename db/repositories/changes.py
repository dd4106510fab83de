"""Reading the journal's change records, and who must hear about them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import skipping_locked
from db.models import (
    AccountLink,
    AccountRole,
    ChangeRecord,
    Student,
    Subject,
    Teacher,
    TelegramAccount,
)


class ChangeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def unconsumed(
        self, entities: Sequence[str], created_before: datetime, limit: int
    ) -> list[ChangeRecord]:
        """The oldest unconsumed records of these kinds; on PostgreSQL rows another consumer
        holds are skipped, so two instances never push the same change."""
        statement = (
            select(ChangeRecord)
            .where(
                ChangeRecord.consumed_at.is_(None),
                ChangeRecord.entity.in_(list(entities)),
                ChangeRecord.created_at <= created_before,
            )
            .order_by(ChangeRecord.id)
            .limit(limit)
        )
        statement = skipping_locked(self._session, statement)
        return list((await self._session.execute(statement)).scalars())

    async def mark_consumed(self, ids: Sequence[int], at: datetime) -> None:
        if ids:
            await self._session.execute(
                update(ChangeRecord).where(ChangeRecord.id.in_(list(ids))).values(consumed_at=at)
            )

    async def readers_of(
        self, student_ids: Sequence[int]
    ) -> list[tuple[int, AccountLink, TelegramAccount]]:
        """(student id, link, account) for active guardian and student links of active
        accounts; the consent is checked by the caller."""
        result = await self._session.execute(
            select(AccountLink, TelegramAccount)
            .join(TelegramAccount, TelegramAccount.id == AccountLink.account_id)
            .where(
                AccountLink.student_id.in_(list(student_ids)),
                AccountLink.ended_at.is_(None),
                AccountLink.role.in_([AccountRole.GUARDIAN, AccountRole.STUDENT]),
                TelegramAccount.is_active.is_(True),
            )
        )
        return [(link.student_id or 0, link, account) for link, account in result.all()]

    async def students_of_classes(self, class_ids: Sequence[int]) -> dict[int, list[int]]:
        result = await self._session.execute(
            select(Student.class_id, Student.id).where(Student.class_id.in_(list(class_ids)))
        )
        by_class: dict[int, list[int]] = {}
        for class_id, student_id in result.all():
            by_class.setdefault(class_id, []).append(student_id)
        return by_class

    async def names(
        self, *, students: Sequence[int], subjects: Sequence[int], teachers: Sequence[int]
    ) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
        found_students = await self._session.execute(
            select(Student.id, Student.full_name).where(Student.id.in_(list(students)))
        )
        found_subjects = await self._session.execute(
            select(Subject.id, Subject.name).where(Subject.id.in_(list(subjects)))
        )
        found_teachers = await self._session.execute(
            select(Teacher.id, Teacher.full_name).where(Teacher.id.in_(list(teachers)))
        )
        return (
            {row[0]: row[1] for row in found_students.all()},
            {row[0]: row[1] for row in found_subjects.all()},
            {row[0]: row[1] for row in found_teachers.all()},
        )

    async def linked_students(self, school_id: int) -> list[int]:
        """Students of the school with at least one active guardian or student link."""
        result = await self._session.execute(
            select(AccountLink.student_id)
            .where(
                AccountLink.school_id == school_id,
                AccountLink.ended_at.is_(None),
                AccountLink.student_id.is_not(None),
                AccountLink.role.in_([AccountRole.GUARDIAN, AccountRole.STUDENT]),
            )
            .distinct()
        )
        return [student for student in result.scalars() if student is not None]
