"""What the bot remembers to keep its alerts quiet: the last risk state told per subject,
and the private calendar feeds of accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class RiskAlertState(Base):
    """The risk state of a child's subject last told to one reader: a Telegram account, a
    guardian told by letter (who has no account), or an adult student told by letter about
    themself; an alert goes out only when it changes into a risky state."""

    __tablename__ = "risk_alert_state"
    __table_args__ = (
        UniqueConstraint("account_id", "student_id", "subject_id", "period_id"),
        UniqueConstraint("guardian_id", "student_id", "subject_id", "period_id"),
        UniqueConstraint(
            "reader_student_id",
            "student_id",
            "subject_id",
            "period_id",
            name="uq_risk_alert_state_own_reader_subject_period",  # the convention's is too long
        ),
        CheckConstraint(
            "(CASE WHEN account_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN guardian_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN reader_student_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_reader",
        ),
        # An adult student reads by letter about themself only.
        CheckConstraint(
            "reader_student_id IS NULL OR reader_student_id = student_id", name="own_reader"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_account.id", ondelete="CASCADE")
    )
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardian.id", ondelete="CASCADE"))
    # The adult student told by letter (issue 17): the same as ``student_id``.
    reader_student_id: Mapped[int | None] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE")
    )
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
