"""What the bot remembers to keep its alerts quiet: the last risk state told per subject,
and the private calendar feeds of accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class RiskAlertState(Base):
    """The risk state of a child's subject last told to one reader: a Telegram account, or
    a guardian told by letter (who has no account); an alert goes out only when it changes
    into a risky state."""

    __tablename__ = "risk_alert_state"
    __table_args__ = (
        UniqueConstraint("account_id", "student_id", "subject_id", "period_id"),
        UniqueConstraint("guardian_id", "student_id", "subject_id", "period_id"),
        CheckConstraint("(account_id IS NULL) <> (guardian_id IS NULL)", name="one_reader"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_account.id", ondelete="CASCADE")
    )
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardian.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id", ondelete="CASCADE"))
    # "ok", "failing", "not_assessed", "below_threshold".
    state: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime]


class CalendarFeed(Base):
    """A private iCalendar URL of an account; only a keyed hash of its token is stored."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("telegram_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
