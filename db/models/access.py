"""Who may see what: consents, one-time link codes, Telegram accounts and their links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId
from db.models.enums import AccountRole, ConsentForm, ConsentState, enum_column


class ConsentRecord(Base):
    """One entry of the consent register (152-ФЗ art. 9).

    Append-only: the current state of a person is their newest record, and the history is
    the school's proof of consent (art. 9 part 3), so rows are never updated or deleted.
    """

    __tablename__ = "consent_record"
    __table_args__ = (
        CheckConstraint(
            "(guardian_id IS NULL) <> (student_id IS NULL)", name="exactly_one_subject"
        ),
        Index(None, "guardian_id", "recorded_at"),
        Index(None, "student_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    # The data subject: a guardian (for themself and the minor they represent) or a
    # student consenting for themself (an adult student of a vocational group).
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardian.id", ondelete="CASCADE"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    state: Mapped[ConsentState] = mapped_column(enum_column(ConsentState, "consent_state"))
    form: Mapped[ConsentForm] = mapped_column(enum_column(ConsentForm, "consent_form"))
    text_version: Mapped[str] = mapped_column(String(50))
    # SHA-256 of the exact consent text shown or signed, so the version can be proven.
    text_hash: Mapped[str] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]
    # "№ 12 от 01.09.2026" for a paper form kept in the school's files.
    document_ref: Mapped[str | None] = mapped_column(String(200))
    # Who pressed «Согласен» for an electronic consent.
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)


class LinkCode(Base):
    """A one-time code the school hands over on paper or electronically.

    Only an HMAC of the code is stored; a code is spent by setting ``used_at`` and dead
    once ``revoked_at`` is set (re-issue) or ``expires_at`` has passed.
    """

    __tablename__ = "link_code"
    __table_args__ = (
        CheckConstraint(
            "(role = 'guardian' AND guardian_id IS NOT NULL AND student_id IS NOT NULL) OR "
            "(role = 'student' AND student_id IS NOT NULL AND guardian_id IS NULL) OR "
            "(role = 'teacher' AND teacher_id IS NOT NULL)",
            name="role_target",
        ),
        Index(None, "guardian_id"),
        Index(None, "student_id"),
        Index(None, "teacher_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[AccountRole] = mapped_column(enum_column(AccountRole, "link_code_role"))
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardian.id", ondelete="CASCADE"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("teacher.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_account.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None]


class TelegramAccount(Base):
    """A Telegram user who talks to the bot. Erased after consent withdrawal (30 days)."""

    __tablename__ = "telegram_account"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    # Private chats share the user's id, but a migrated or group chat may not.
    chat_id: Mapped[int] = mapped_column(BigInteger)
    # The interface language chosen with /language; None means follow Telegram's setting.
    language: Mapped[str | None] = mapped_column(String(8))
    # False once the user blocked the bot: pushes stop until they write again.
    is_active: Mapped[bool] = mapped_column(default=True)
    blocked_at: Mapped[datetime | None]
    # Per-account preferences (quiet hours, per-kind push modes...).
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AccountLink(Base):
    """A role an account holds: guardian of a student, the student, a teacher, an admin.

    Links are ended (``ended_at``), not deleted, so the audit trail can say who saw what.
    """

    __tablename__ = "account_link"
    __table_args__ = (
        CheckConstraint(
            "(role = 'guardian' AND guardian_id IS NOT NULL AND student_id IS NOT NULL) OR "
            "(role = 'student' AND student_id IS NOT NULL AND guardian_id IS NULL) OR "
            "(role = 'teacher' AND teacher_id IS NOT NULL) OR "
            "(role = 'admin' AND guardian_id IS NULL AND student_id IS NULL)",
            name="role_target",
        ),
        Index(None, "account_id", "ended_at"),
        Index(None, "student_id"),
        Index(None, "guardian_id"),
        Index(None, "teacher_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("telegram_account.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    role: Mapped[AccountRole] = mapped_column(enum_column(AccountRole, "account_role"))
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardian.id", ondelete="CASCADE"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("teacher.id", ondelete="CASCADE"))
    link_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("link_code.id", ondelete="SET NULL")
    )
    linked_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(50))
