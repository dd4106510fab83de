"""What a family reads: a student's grades, a class's lessons and homework (one query each)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.base import table_of
from db.dialect import insert_ignoring_conflicts
from db.models import (
    Assessment,
    CurriculumRow,
    FinalGrade,
    Grade,
    Holiday,
    Homework,
    Lesson,
    Period,
    ReadingLogEntry,
    Recommendation,
    SchoolClass,
    Student,
    Subject,
    Teacher,
)


class GradeLine(NamedTuple):
    """What the diary shows and counts of a mark: read as plain columns, not as ORM objects
    (a period's marks are hundreds of rows for every /grades and /forecast)."""

    subject_id: int
    date: dt.date
    value: str
    work_type: str | None
    score: float | None
    weight: float


class DiaryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def student_and_class(self, student_id: int) -> tuple[Student, SchoolClass] | None:
        result = await self._session.execute(
            select(Student, SchoolClass)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.id == student_id)
        )
        row = result.first()
        return (row[0], row[1]) if row else None

    async def grades_between(
        self, student_id: int, first: dt.date, last: dt.date
    ) -> Sequence[tuple[GradeLine, str]]:
        result = await self._session.execute(
            select(
                Grade.subject_id,
                Grade.date,
                Grade.value,
                Grade.work_type,
                Grade.score,
                Grade.weight,
                Subject.name,
            )
            .join(Subject, Subject.id == Grade.subject_id)
            .where(Grade.student_id == student_id, Grade.date.between(first, last))
            .order_by(Subject.name, Grade.date, Grade.id)
        )
        return [(GradeLine(*row[:6]), row[6]) for row in result.all()]

    async def lessons_between(
        self, class_id: int, first: dt.date, last: dt.date
    ) -> Sequence[tuple[Lesson, str, str, str | None]]:
        """Lessons with subject, teacher and substitute names; also lessons moved *into* the
        range, so a moved lesson shows on its new day."""
        substitute = aliased(Teacher)
        result = await self._session.execute(
            select(Lesson, Subject.name, Teacher.full_name, substitute.full_name)
            .join(Subject, Subject.id == Lesson.subject_id)
            .join(Teacher, Teacher.id == Lesson.teacher_id)
            .outerjoin(substitute, substitute.id == Lesson.substitute_teacher_id)
            .where(
                Lesson.class_id == class_id,
                Lesson.date.between(first, last) | Lesson.moved_to_date.between(first, last),
            )
            .order_by(Lesson.date, Lesson.number)
        )
        return [(lesson, subject, teacher, sub) for lesson, subject, teacher, sub in result.all()]

    async def homework_due(
        self, class_id: int, first: dt.date, last: dt.date, subject_id: int | None = None
    ) -> Sequence[tuple[Homework, str]]:
        statement = (
            select(Homework, Subject.name)
            .join(Subject, Subject.id == Homework.subject_id)
            .where(Homework.class_id == class_id, Homework.due_on.between(first, last))
            .order_by(Homework.due_on, Subject.name, Homework.id)
        )
        if subject_id is not None:
            statement = statement.where(Homework.subject_id == subject_id)
        result = await self._session.execute(statement)
        return [(homework, name) for homework, name in result.all()]

    async def record_reading(
        self,
        *,
        school_id: int,
        guardian_ids: Sequence[int],
        student_id: int,
        read_on: dt.date,
        section: str,
        at: dt.datetime,
    ) -> None:
        """Idempotent per guardian, student, day and section (a second view writes nothing)."""
        await insert_ignoring_conflicts(
            self._session,
            table_of(ReadingLogEntry),
            [
                {
                    "school_id": school_id,
                    "guardian_id": guardian_id,
                    "student_id": student_id,
                    "read_on": read_on,
                    "section": section,
                    "first_read_at": at,
                }
                for guardian_id in guardian_ids
            ],
        )

    async def current_period(self, school_id: int, class_id: int, day: dt.date) -> Period | None:
        """The period a class is assessed in on ``day``: the shortest one its curriculum uses
        (a quarter, or a semester for vocational groups), else the school's shortest one."""
        planned = await self._session.execute(
            select(Period)
            .join(CurriculumRow, CurriculumRow.period_id == Period.id)
            .where(
                CurriculumRow.class_id == class_id, Period.starts_on <= day, Period.ends_on >= day
            )
            .distinct()
        )
        candidates = list(planned.scalars())
        if not candidates:
            any_period = await self._session.execute(
                select(Period).where(
                    Period.school_id == school_id, Period.starts_on <= day, Period.ends_on >= day
                )
            )
            candidates = list(any_period.scalars())
        return min(candidates, key=lambda p: (p.ends_on - p.starts_on, p.id), default=None)

    async def assessments_between(
        self, class_id: int, first: dt.date, last: dt.date
    ) -> Sequence[tuple[Assessment, str]]:
        result = await self._session.execute(
            select(Assessment, Subject.name)
            .join(Subject, Subject.id == Assessment.subject_id)
            .where(Assessment.class_id == class_id, Assessment.date.between(first, last))
            .order_by(Assessment.date, Subject.name)
        )
        return [(assessment, name) for assessment, name in result.all()]

    async def teachers_of_class(self, class_id: int) -> Sequence[tuple[str, str]]:
        """(subject, teacher) pairs from the curriculum and the lessons, without repeats."""
        planned = (
            select(Subject.name, Teacher.full_name)
            .join(CurriculumRow, CurriculumRow.subject_id == Subject.id)
            .join(Teacher, Teacher.id == CurriculumRow.teacher_id)
            .where(CurriculumRow.class_id == class_id)
        )
        taught = (
            select(Subject.name, Teacher.full_name)
            .join(Lesson, Lesson.subject_id == Subject.id)
            .join(Teacher, Teacher.id == Lesson.teacher_id)
            .where(Lesson.class_id == class_id)
        )
        result = await self._session.execute(planned.union(taught).order_by(Subject.name))
        return [(subject, teacher) for subject, teacher in result.all()]

    async def class_teacher(self, class_id: int) -> str | None:
        result = await self._session.execute(
            select(Teacher.full_name)
            .join(SchoolClass, SchoolClass.class_teacher_id == Teacher.id)
            .where(SchoolClass.id == class_id)
        )
        return result.scalar_one_or_none()

    async def holidays(self, school_id: int) -> Sequence[Holiday]:
        result = await self._session.execute(
            select(Holiday).where(Holiday.school_id == school_id).order_by(Holiday.starts_on)
        )
        return list(result.scalars())

    async def recommendations(
        self, student_id: int, limit: int
    ) -> Sequence[tuple[Recommendation, str, str | None]]:
        result = await self._session.execute(
            select(Recommendation, Teacher.full_name, Subject.name)
            .join(Teacher, Teacher.id == Recommendation.teacher_id)
            .outerjoin(Subject, Subject.id == Recommendation.subject_id)
            .where(Recommendation.student_id == student_id)
            .order_by(Recommendation.date.desc(), Recommendation.id.desc())
            .limit(limit)
        )
        return [(item, teacher, subject) for item, teacher, subject in result.all()]

    async def final_grades(self, student_id: int) -> Sequence[tuple[FinalGrade, str, Period]]:
        result = await self._session.execute(
            select(FinalGrade, Subject.name, Period)
            .join(Subject, Subject.id == FinalGrade.subject_id)
            .join(Period, Period.id == FinalGrade.period_id)
            .where(FinalGrade.student_id == student_id)
            .order_by(Period.starts_on, Period.ends_on, Subject.name)
        )
        return [(grade, subject, period) for grade, subject, period in result.all()]

    async def subject_name(self, school_id: int, subject_id: int) -> str | None:
        """The subject's name if it is this school's; a foreign id finds nothing."""
        result = await self._session.execute(
            select(Subject.name).where(Subject.id == subject_id, Subject.school_id == school_id)
        )
        return result.scalar_one_or_none()

    async def subject_grades(
        self, student_id: int, subject_id: int, first: dt.date, last: dt.date
    ) -> Sequence[Grade]:
        result = await self._session.execute(
            select(Grade)
            .where(
                Grade.student_id == student_id,
                Grade.subject_id == subject_id,
                Grade.date.between(first, last),
            )
            .order_by(Grade.date, Grade.id)
        )
        return list(result.scalars())

    async def subject_topics(
        self, class_id: int, subject_id: int, first: dt.date, last: dt.date
    ) -> Sequence[Lesson]:
        result = await self._session.execute(
            select(Lesson)
            .where(
                Lesson.class_id == class_id,
                Lesson.subject_id == subject_id,
                Lesson.date.between(first, last),
                Lesson.topic.is_not(None),
            )
            .order_by(Lesson.date, Lesson.number)
        )
        return list(result.scalars())
