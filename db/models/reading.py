"""The reading log: who looked at a student's current grades, and when (duty 9)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class ReadingLogEntry(Base):
    """One row per guardian, student, day and section: cheap to write on every view, and
    enough to tell whether parents looked at current grades twice a week."""

    __tablename__ = "reading_log"
    __table_args__ = (UniqueConstraint("guardian_id", "student_id", "read_on", "section"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardian.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    read_on: Mapped[dt.date]
    section: Mapped[str] = mapped_column(String(30))
    first_read_at: Mapped[dt.datetime]
