"""The school and its structure: periods, subjects, teachers, classes, students, guardians."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, BigId
from db.models.enums import (
    EducationLevel,
    GuardianRelation,
    PeriodKind,
    enum_column,
)


class School(Base):
    __tablename__ = "school"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    timezone: Mapped[str] = mapped_column(String(64))
    # HMAC of the exchange API token; the token itself is shown once and never stored.
    api_token_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    # School-level options (forecast thresholds, statement frequency, digest day...): a
    # document rather than columns because every capability adds its own keys.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]


class JournalItem:
    """Columns every item that comes from the journal carries.

    ``external_id`` is the journal's own key, unique per school and entity; the surrogate
    ``id`` never leaves this service.
    """

    # sort_order: keys first and timestamps last in every table, whatever the subclass adds.
    id: Mapped[int] = mapped_column(BigId, primary_key=True, sort_order=-3)
    school_id: Mapped[int] = mapped_column(
        ForeignKey("school.id", ondelete="CASCADE"), sort_order=-2
    )
    external_id: Mapped[str] = mapped_column(String(100), sort_order=-1)
    created_at: Mapped[datetime] = mapped_column(sort_order=10)
    updated_at: Mapped[datetime] = mapped_column(sort_order=10)


def external_id_unique(table: str) -> UniqueConstraint:
    return UniqueConstraint("school_id", "external_id", name=f"uq_{table}_school_external")


class Period(JournalItem, Base):
    __tablename__ = "period"
    __table_args__ = (
        external_id_unique("period"),
        CheckConstraint("starts_on <= ends_on", name="dates_ordered"),
    )

    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[PeriodKind] = mapped_column(enum_column(PeriodKind, "period_kind"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]


class Subject(JournalItem, Base):
    __tablename__ = "subject"
    __table_args__ = (external_id_unique("subject"),)

    name: Mapped[str] = mapped_column(String(200))


class Teacher(JournalItem, Base):
    __tablename__ = "teacher"
    __table_args__ = (external_id_unique("teacher"),)

    full_name: Mapped[str] = mapped_column(String(300))


class SchoolClass(JournalItem, Base):
    """A class (5А) or, in vocational education, a study group."""

    __tablename__ = "school_class"
    __table_args__ = (external_id_unique("school_class"),)

    name: Mapped[str] = mapped_column(String(50))
    level: Mapped[EducationLevel] = mapped_column(enum_column(EducationLevel, "education_level"))
    class_teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("teacher.id", ondelete="SET NULL"), index=True
    )

    class_teacher: Mapped[Teacher | None] = relationship(lazy="raise")


class Student(JournalItem, Base):
    __tablename__ = "student"
    __table_args__ = (external_id_unique("student"),)

    full_name: Mapped[str] = mapped_column(String(300))
    class_id: Mapped[int] = mapped_column(
        ForeignKey("school_class.id", ondelete="RESTRICT"), index=True
    )
    birth_date: Mapped[date | None]

    school_class: Mapped[SchoolClass] = relationship(lazy="raise")


class Guardian(JournalItem, Base):
    """A parent or other legal representative (законный представитель)."""

    __tablename__ = "guardian"
    __table_args__ = (external_id_unique("guardian"),)

    full_name: Mapped[str] = mapped_column(String(300))
    relation: Mapped[GuardianRelation | None] = mapped_column(
        enum_column(GuardianRelation, "guardian_relation")
    )
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))


class GuardianStudent(Base):
    """Which guardian represents which student; the set the journal sends is the truth."""

    __tablename__ = "guardian_student"

    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardian.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CurriculumRow(Base):
    """Planned lessons of a subject in a class for a period (учебный план).

    The journal sends no external id for these rows; the natural key is class, subject,
    teacher and period (two teachers may share a subject when the class is split in groups).
    """

    __tablename__ = "curriculum_row"
    __table_args__ = (
        UniqueConstraint("class_id", "subject_id", "teacher_id", "period_id"),
        CheckConstraint("planned_lessons >= 0", name="planned_not_negative"),
        Index(None, "school_id", "period_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teacher.id", ondelete="RESTRICT"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id", ondelete="CASCADE"))
    planned_lessons: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


__all__ = [
    "CurriculumRow",
    "Guardian",
    "GuardianStudent",
    "JournalItem",
    "Period",
    "School",
    "SchoolClass",
    "Student",
    "Subject",
    "Teacher",
]
