"""Audit trail: who did what and when (code attempts, consents, links, admin actions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index(None, "school_id", "occurred_at"),
        Index(None, "action", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # NULL for events before a school is known (e.g. a wrong code from a stranger).
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime]
    # "cli:<os user>", "telegram:<user id>", "api:school:<id>", "system".
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    subject_type: Mapped[str | None] = mapped_column(String(50))
    subject_id: Mapped[int | None] = mapped_column(BigId)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
