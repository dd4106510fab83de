"""Files the bot sends (paper statements, report sheets), kept so that the outbox can send
them after a crash and the school can download them again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class StoredDocument(Base):
    __tablename__ = "stored_document"
    __table_args__ = (Index(None, "school_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    # e.g. "statements", "summary_sheet", "curriculum", "monitoring".
    kind: Mapped[str] = mapped_column(String(50))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
