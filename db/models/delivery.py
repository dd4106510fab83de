"""The outbox: every push is a row written in the same transaction as its cause."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId
from db.models.enums import OutboxChannel, OutboxStatus, enum_column


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (
        # The worker's claim query: due pending rows, oldest first.
        Index(None, "status", "due_at"),
        Index(None, "account_id", "status"),
        Index(None, "student_id"),
        Index(None, "reclaimed_at"),
        # The mail worker's claim: due pending letters, oldest first.
        Index(None, "channel", "status", "due_at"),
        Index(None, "recipient_guardian_id"),
        Index(None, "recipient_student_id"),
        # A Telegram row goes to an account; a letter to a guardian or an adult student,
        # whose address is looked up when it is sent (never copied here: it is erasable).
        CheckConstraint(
            "(channel = 'telegram' AND account_id IS NOT NULL) OR "
            "(channel = 'email' AND account_id IS NULL AND "
            "(recipient_guardian_id IS NULL) <> (recipient_student_id IS NULL))",
            name="channel_recipient",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("school.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[OutboxChannel] = mapped_column(
        enum_column(OutboxChannel, "outbox_channel"),
        default=OutboxChannel.TELEGRAM,
        server_default=OutboxChannel.TELEGRAM.value,
    )
    # The Telegram account (channel telegram); NULL for a letter.
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_account.id", ondelete="CASCADE")
    )
    # A letter's recipient (channel email): a guardian, or an adult student for themself.
    recipient_guardian_id: Mapped[int | None] = mapped_column(
        ForeignKey("guardian.id", ondelete="CASCADE")
    )
    recipient_student_id: Mapped[int | None] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE")
    )
    # The child the push is about (None: several, or none): unlinking a child cancels its
    # pending pushes and no others.
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    # e.g. "grade:{grade}:{account}": unique, so the same push can never be queued twice.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(50))
    # What to send (text, buttons, document reference), rendered at send time if needed.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    urgent: Mapped[bool] = mapped_column(default=False)
    # Waits for the account's daily summary (chosen, or over the day's cap of pushes).
    in_summary: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None]
    # When a worker took the row over from one whose lease ran out (it crashed): the crashed
    # worker may have sent it already, so this send's outcome for the family is unknown
    # (perhaps a duplicate). Counted by ``ediary status``.
    reclaimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
