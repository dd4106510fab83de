"""What the journal records day by day: lessons, grades, homework, tests, holidays,
recommendations and final grades."""

from __future__ import annotations

# `datetime` as a module: several models have a column called `date`.
import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.models.enums import FinalGradeStatus, LessonKind, LessonStatus, enum_column
from db.models.school import JournalItem, external_id_unique


class Lesson(JournalItem, Base):
    __tablename__ = "lesson"
    __table_args__ = (
        external_id_unique("lesson"),
        # Hot read: a class's lessons by date (schedule, briefs, statements).
        Index(None, "class_id", "date"),
        Index(None, "teacher_id", "date"),
        CheckConstraint("number >= 0", name="number_not_negative"),
        CheckConstraint(
            "(moved_to_date IS NULL) = (moved_to_number IS NULL)", name="moved_to_complete"
        ),
    )

    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teacher.id", ondelete="RESTRICT"))
    date: Mapped[dt.date]
    number: Mapped[int]
    # Local school time: the journal speaks in the school's time zone, and a lesson at
    # 08:30 stays at 08:30 whatever the offset does.
    starts_at: Mapped[dt.time | None]
    ends_at: Mapped[dt.time | None]
    room: Mapped[str | None] = mapped_column(String(50))
    topic: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[LessonKind] = mapped_column(
        enum_column(LessonKind, "lesson_kind"), default=LessonKind.LESSON
    )
    status: Mapped[LessonStatus] = mapped_column(enum_column(LessonStatus, "lesson_status"))
    substitute_teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("teacher.id", ondelete="SET NULL")
    )
    moved_to_date: Mapped[dt.date | None]
    moved_to_number: Mapped[int | None]


class Grade(JournalItem, Base):
    __tablename__ = "grade"
    __table_args__ = (
        external_id_unique("grade"),
        # Hot read: a student's grades by date (grades view, forecast, statements).
        Index(None, "student_id", "date"),
        CheckConstraint("weight > 0", name="weight_positive"),
    )

    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("lesson.id", ondelete="SET NULL"), index=True
    )
    date: Mapped[dt.date]
    # The mark as people see it ("5", "4-", "зачёт") ...
    value: Mapped[str] = mapped_column(String(20))
    # ... and what it counts for in averages; NULL for marks that do not count (pass/fail).
    score: Mapped[float | None]
    weight: Mapped[float] = mapped_column(default=1.0)
    work_type: Mapped[str | None] = mapped_column(String(100))
    comment: Mapped[str | None] = mapped_column(Text)


class Homework(JournalItem, Base):
    __tablename__ = "homework"
    __table_args__ = (external_id_unique("homework"), Index(None, "class_id", "due_on"))

    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    assigned_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    text: Mapped[str] = mapped_column(Text)


class Assessment(JournalItem, Base):
    """A scheduled test (контрольная работа) in the assessment schedule."""

    __tablename__ = "assessment"
    __table_args__ = (external_id_unique("assessment"), Index(None, "class_id", "date"))

    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    date: Mapped[dt.date]
    kind: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str | None] = mapped_column(Text)


class Holiday(JournalItem, Base):
    __tablename__ = "holiday"
    __table_args__ = (
        external_id_unique("holiday"),
        CheckConstraint("starts_on <= ends_on", name="dates_ordered"),
    )

    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]


class Recommendation(JournalItem, Base):
    __tablename__ = "recommendation"
    __table_args__ = (external_id_unique("recommendation"), Index(None, "student_id", "date"))

    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teacher.id", ondelete="RESTRICT"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id", ondelete="SET NULL"))
    date: Mapped[dt.date]
    text: Mapped[str] = mapped_column(Text)


class FinalGrade(JournalItem, Base):
    """A period's final mark (итоговая оценка), or its deferral for illness (отсрочка)."""

    __tablename__ = "final_grade"
    __table_args__ = (
        external_id_unique("final_grade"),
        Index(None, "student_id", "period_id"),
        CheckConstraint(
            "(status = 'final' AND value IS NOT NULL) OR "
            "(status = 'deferred' AND value IS NULL AND deferred_until IS NOT NULL)",
            name="status_consistent",
        ),
    )

    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id", ondelete="CASCADE"))
    value: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[FinalGradeStatus] = mapped_column(
        enum_column(FinalGradeStatus, "final_grade_status")
    )
    deferred_until: Mapped[dt.date | None]
    reason: Mapped[str | None] = mapped_column(Text)
