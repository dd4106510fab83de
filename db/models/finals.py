"""Final grades reaching families (duty 6): the notice per reader, its acknowledgements,
and the class teacher's running summary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId
from db.models.enums import OutboxChannel, enum_column


class FinalGradeNotice(Base):
    """What one account was told about one child's final grades of one period.

    Later syncs for the same period update it (``version`` grows) instead of adding
    messages; ``content`` is what was last rendered, so a sync that changes nothing
    sends nothing.
    """

    __tablename__ = "final_grade_notice"
    __table_args__ = (
        UniqueConstraint("account_id", "student_id", "period_id"),
        Index(None, "school_id", "period_id"),
        Index(None, "student_id", "period_id"),
        # One letter's notice per guardian, child and period.
        Index(
            "uq_final_grade_notice_email_guardian_student_period",
            "guardian_id",
            "student_id",
            "period_id",
            unique=True,
            sqlite_where=text("channel = 'email'"),
            postgresql_where=text("channel = 'email'"),
        ),
        # And one per adult student told by letter about themself (no guardian).
        Index(
            "uq_final_grade_notice_email_student_period",
            "student_id",
            "period_id",
            unique=True,
            sqlite_where=text("channel = 'email' AND guardian_id IS NULL"),
            postgresql_where=text("channel = 'email' AND guardian_id IS NULL"),
        ),
        CheckConstraint(
            "(channel = 'telegram' AND account_id IS NOT NULL) OR "
            "(channel = 'email' AND account_id IS NULL)",
            name="channel_reader",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    # Telegram: the account told; e-mail: NULL, the guardian (or, without one, the adult
    # student) was told by letter.
    channel: Mapped[OutboxChannel] = mapped_column(
        enum_column(OutboxChannel, "notice_channel"),
        default=OutboxChannel.TELEGRAM,
        server_default=OutboxChannel.TELEGRAM.value,
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_account.id", ondelete="CASCADE")
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id", ondelete="CASCADE"))
    # NULL for a student's own account or letter: only a legal representative acknowledges.
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardian.id", ondelete="CASCADE"))
    # The outbox row of the message that the later versions edit.
    message_outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    # {final grade id: [value, status, deferred_until, reason]} as last told.
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    acknowledged_version: Mapped[int | None]
    acknowledged_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FinalGradeAck(Base):
    """One acknowledgement (button or text), kept as the school's record."""

    __tablename__ = "final_grade_ack"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("final_grade_notice.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    acknowledged_at: Mapped[datetime]
    via: Mapped[str] = mapped_column(String(10))  # "button", "text", or "email" (the link)
    text: Mapped[str | None] = mapped_column(Text)


class TeacherSummary(Base):
    """A message to a class teacher (or admin) that is edited as its figures change, e.g.
    the acknowledgements of a class's final grades for a period."""

    __tablename__ = "teacher_summary"
    __table_args__ = (UniqueConstraint("account_id", "topic"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("telegram_account.id", ondelete="CASCADE"))
    # e.g. "acks:{class id}:{period id}".
    topic: Mapped[str] = mapped_column(String(100))
    message_outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    # SHA-256 of the text last queued: an unchanged summary is not edited again.
    text_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Broadcast(Base):
    """A class teacher's (or admin's) announcement to families."""

    __tablename__ = "broadcast"
    __table_args__ = (Index(None, "school_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    # NULL: the whole school (admins only).
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"))
    author_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_account.id", ondelete="SET NULL"), index=True
    )
    author_name: Mapped[str] = mapped_column(String(300))
    audience: Mapped[str] = mapped_column(String(20))  # guardians, students, both
    text: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int]
    created_at: Mapped[datetime]


class BroadcastRead(Base):
    __tablename__ = "broadcast_read"
    __table_args__ = (UniqueConstraint("broadcast_id", "account_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcast.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("telegram_account.id", ondelete="CASCADE"))
    read_at: Mapped[datetime]


class RelayThread(Base):
    """A conversation between a family and the class teacher through the bot: neither
    side sees the other's Telegram account (nor the teacher's address).

    The family writes in Telegram (``channel`` telegram: its account) or by replying to a
    letter (``channel`` email: no account; the guardian, or with no guardian the adult
    student themself, gets the teacher's answers by letter)."""

    __tablename__ = "relay_thread"
    __table_args__ = (
        UniqueConstraint("family_account_id", "student_id", "teacher_id"),
        # One thread by letter per writer, child and teacher.
        Index(
            "uq_relay_thread_email_guardian_student_teacher",
            "guardian_id",
            "student_id",
            "teacher_id",
            unique=True,
            sqlite_where=text("channel = 'email' AND guardian_id IS NOT NULL"),
            postgresql_where=text("channel = 'email' AND guardian_id IS NOT NULL"),
        ),
        Index(
            "uq_relay_thread_email_student_teacher",
            "student_id",
            "teacher_id",
            unique=True,
            sqlite_where=text("channel = 'email' AND guardian_id IS NULL"),
            postgresql_where=text("channel = 'email' AND guardian_id IS NULL"),
        ),
        CheckConstraint(
            "(channel = 'telegram' AND family_account_id IS NOT NULL) OR "
            "(channel = 'email' AND family_account_id IS NULL)",
            name="channel_family",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    channel: Mapped[OutboxChannel] = mapped_column(
        enum_column(OutboxChannel, "relay_channel"),
        default=OutboxChannel.TELEGRAM,
        server_default=OutboxChannel.TELEGRAM.value,
    )
    # NULL for a family writing by letter.
    family_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_account.id", ondelete="CASCADE")
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teacher.id", ondelete="CASCADE"), index=True
    )
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardian.id", ondelete="CASCADE"))
    messages: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    last_message_at: Mapped[datetime]
