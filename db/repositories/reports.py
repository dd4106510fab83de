"""Set-based reads for the school's reports: one statement per class and kind of data,
never one per student or subject, so a school of a thousand students stays fast."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AccountLink,
    AccountRole,
    ConsentRecord,
    ConsentState,
    CurriculumRow,
    FinalGrade,
    FinalGradeAck,
    FinalGradeNotice,
    FinalGradeStatus,
    Grade,
    Guardian,
    GuardianStudent,
    Lesson,
    LessonKind,
    LessonStatus,
    Period,
    ReadingLogEntry,
    Recommendation,
    Student,
    Subject,
    Teacher,
    TelegramAccount,
)


@dataclass(frozen=True)
class MarkRow:
    student_id: int
    subject_id: int
    subject: str
    date: dt.date
    value: str
    score: float | None
    weight: float
    work_type: str | None


@dataclass(frozen=True)
class FinalRow:
    student_id: int
    subject_id: int
    subject: str
    value: str | None
    status: FinalGradeStatus
    deferred_until: dt.date | None
    reason: str | None


@dataclass(frozen=True)
class LessonCount:
    subject_id: int
    kind: LessonKind
    status: LessonStatus
    lessons: int


@dataclass(frozen=True)
class AckRow:
    student_id: int
    guardian_id: int
    version: int
    acknowledged_at: dt.datetime
    via: str
    text: str | None


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # Who reads electronically ------------------------------------------------------------

    async def students_of_classes(self, class_ids: Sequence[int]) -> list[Student]:
        result = await self._session.execute(
            select(Student)
            .where(Student.class_id.in_(list(class_ids)))
            .order_by(Student.class_id, Student.full_name, Student.id)
        )
        return list(result.scalars())

    async def guardians_of(self, student_ids: Sequence[int]) -> list[tuple[int, Guardian]]:
        """(student, guardian) pairs, guardians by name."""
        result = await self._session.execute(
            select(GuardianStudent.student_id, Guardian)
            .join(Guardian, Guardian.id == GuardianStudent.guardian_id)
            .where(GuardianStudent.student_id.in_(list(student_ids)))
            .order_by(Guardian.full_name, Guardian.id)
        )
        return [(student_id, guardian) for student_id, guardian in result.all()]

    async def consent_states(
        self, *, guardian_ids: Sequence[int] = (), student_ids: Sequence[int] = ()
    ) -> tuple[dict[int, ConsentState], dict[int, ConsentState]]:
        """The current (newest) consent state per guardian, and per student consenting for
        themself, in one query; the register is append-only, so newest wins."""
        statement = (
            select(ConsentRecord.guardian_id, ConsentRecord.student_id, ConsentRecord.state)
            .where(
                ConsentRecord.guardian_id.in_(list(guardian_ids))
                | (
                    ConsentRecord.student_id.in_(list(student_ids))
                    & ConsentRecord.guardian_id.is_(None)
                )
            )
            .order_by(ConsentRecord.recorded_at, ConsentRecord.id)
        )
        guardians: dict[int, ConsentState] = {}
        students: dict[int, ConsentState] = {}
        for guardian_id, student_id, state in (await self._session.execute(statement)).all():
            if guardian_id is not None:
                guardians[guardian_id] = state
            elif student_id is not None:
                students[student_id] = state
        return guardians, students

    async def reader_links(self, student_ids: Sequence[int]) -> list[tuple[int, int | None]]:
        """(student, guardian or None for the student's own link) of active links from
        accounts that have not blocked the bot: a blocked bot reaches nobody."""
        result = await self._session.execute(
            select(AccountLink.student_id, AccountLink.guardian_id)
            .join(TelegramAccount, TelegramAccount.id == AccountLink.account_id)
            .where(
                AccountLink.student_id.in_(list(student_ids)),
                AccountLink.role.in_([AccountRole.GUARDIAN, AccountRole.STUDENT]),
                AccountLink.ended_at.is_(None),
                TelegramAccount.is_active.is_(True),
            )
        )
        return [(s, g) for s, g in result.all() if s is not None]

    # What a statement shows ----------------------------------------------------------------

    async def marks(
        self, student_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> list[MarkRow]:
        result = await self._session.execute(
            select(
                Grade.student_id,
                Grade.subject_id,
                Subject.name,
                Grade.date,
                Grade.value,
                Grade.score,
                Grade.weight,
                Grade.work_type,
            )
            .join(Subject, Subject.id == Grade.subject_id)
            .where(Grade.student_id.in_(list(student_ids)), Grade.date.between(first, last))
            .order_by(Grade.student_id, Subject.name, Grade.date, Grade.id)
        )
        return [MarkRow(*row) for row in result.all()]

    async def recommendations(
        self, student_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> list[tuple[Recommendation, str, str | None]]:
        result = await self._session.execute(
            select(Recommendation, Teacher.full_name, Subject.name)
            .join(Teacher, Teacher.id == Recommendation.teacher_id)
            .outerjoin(Subject, Subject.id == Recommendation.subject_id)
            .where(
                Recommendation.student_id.in_(list(student_ids)),
                Recommendation.date.between(first, last),
            )
            .order_by(Recommendation.date, Recommendation.id)
        )
        return [(item, teacher, subject) for item, teacher, subject in result.all()]

    # Final grades and the curriculum -------------------------------------------------------

    async def period(self, school_id: int, reference: str) -> Period | None:
        """A period of the school by its journal id or its name (case-insensitive)."""
        result = await self._session.execute(select(Period).where(Period.school_id == school_id))
        periods = list(result.scalars())
        wanted = reference.strip().casefold()
        return next((p for p in periods if p.external_id.casefold() == wanted), None) or next(
            (p for p in periods if p.name.casefold() == wanted), None
        )

    async def periods(self, school_id: int) -> list[Period]:
        result = await self._session.execute(
            select(Period).where(Period.school_id == school_id).order_by(Period.starts_on)
        )
        return list(result.scalars())

    async def finals(self, class_id: int, period_id: int) -> list[FinalRow]:
        result = await self._session.execute(
            select(
                FinalGrade.student_id,
                FinalGrade.subject_id,
                Subject.name,
                FinalGrade.value,
                FinalGrade.status,
                FinalGrade.deferred_until,
                FinalGrade.reason,
            )
            .join(Subject, Subject.id == FinalGrade.subject_id)
            .join(Student, Student.id == FinalGrade.student_id)
            .where(Student.class_id == class_id, FinalGrade.period_id == period_id)
        )
        return [FinalRow(*row) for row in result.all()]

    async def planned(self, class_id: int, period_id: int) -> dict[int, tuple[str, int]]:
        """subject → (name, planned lessons summed over the groups' teachers)."""
        result = await self._session.execute(
            select(CurriculumRow.subject_id, Subject.name, func.sum(CurriculumRow.planned_lessons))
            .join(Subject, Subject.id == CurriculumRow.subject_id)
            .where(CurriculumRow.class_id == class_id, CurriculumRow.period_id == period_id)
            .group_by(CurriculumRow.subject_id, Subject.name)
        )
        return {subject_id: (name, int(total or 0)) for subject_id, name, total in result.all()}

    async def lesson_counts(
        self, class_id: int, first: dt.date, last: dt.date
    ) -> tuple[list[LessonCount], dict[int, str]]:
        """Lessons per subject, kind and status in the dates; with the subjects' names."""
        result = await self._session.execute(
            select(Lesson.subject_id, Subject.name, Lesson.kind, Lesson.status, func.count())
            .join(Subject, Subject.id == Lesson.subject_id)
            .where(Lesson.class_id == class_id, Lesson.date.between(first, last))
            .group_by(Lesson.subject_id, Subject.name, Lesson.kind, Lesson.status)
        )
        counts: list[LessonCount] = []
        names: dict[int, str] = {}
        for subject_id, name, kind, status, lessons in result.all():
            counts.append(LessonCount(subject_id, kind, status, int(lessons)))
            names[subject_id] = name
        return counts, names

    # Monitoring ----------------------------------------------------------------------------

    async def reading_days(
        self, student_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> list[tuple[int, int, dt.date]]:
        """(guardian, student, day) on which the guardian looked at current grades."""
        result = await self._session.execute(
            select(ReadingLogEntry.guardian_id, ReadingLogEntry.student_id, ReadingLogEntry.read_on)
            .where(
                ReadingLogEntry.student_id.in_(list(student_ids)),
                ReadingLogEntry.section == "grades",
                ReadingLogEntry.read_on.between(first, last),
            )
            .distinct()
        )
        return [(guardian, student, day) for guardian, student, day in result.all()]

    async def acknowledgements(self, class_id: int, period_id: int) -> list[AckRow]:
        result = await self._session.execute(
            select(
                FinalGradeNotice.student_id,
                FinalGradeNotice.guardian_id,
                FinalGradeAck.version,
                FinalGradeAck.acknowledged_at,
                FinalGradeAck.via,
                FinalGradeAck.text,
            )
            .join(FinalGradeNotice, FinalGradeNotice.id == FinalGradeAck.notice_id)
            .join(Student, Student.id == FinalGradeNotice.student_id)
            .where(
                Student.class_id == class_id,
                FinalGradeNotice.period_id == period_id,
                FinalGradeNotice.guardian_id.is_not(None),
            )
            .order_by(FinalGradeAck.acknowledged_at, FinalGradeAck.id)
        )
        return [
            AckRow(student, guardian, version, at, via, text)
            for student, guardian, version, at, via, text in result.all()
            if guardian is not None
        ]
