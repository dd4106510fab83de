"""What each sync brought in, and the changes parents must hear about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class SyncRun(Base):
    """One applied sync document (API, file import or demo), with its counts."""

    __tablename__ = "sync_run"
    __table_args__ = (Index(None, "school_id", "received_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(50))
    received_at: Mapped[dt.datetime]
    document_sha256: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    changes: Mapped[int] = mapped_column(default=0)


class ChangeRecord(Base):
    """A change a family may need to hear about, written in the sync's transaction.

    Generic and ordered by ``id``: the push layer reads unconsumed records in order and
    marks them consumed in the transaction that queues the pushes.

    Only the school is a foreign key. A district's first sync writes hundreds of thousands
    of records, and every foreign key is a per-row check; the student or class a record
    names may also be deleted later, so consumers look them up and skip what is gone.
    """

    __tablename__ = "change_record"
    __table_args__ = (
        Index(None, "school_id", "id"),
        Index(None, "consumed_at", "id"),
        Index(None, "student_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    sync_run_id: Mapped[int] = mapped_column(BigId)
    # "grade", "lesson", "homework", "recommendation", "final_grade".
    entity: Mapped[str] = mapped_column(String(30))
    # "created", "updated", "deleted".
    action: Mapped[str] = mapped_column(String(20))
    # No foreign key: the item may be gone (a deletion is itself the news).
    entity_id: Mapped[int] = mapped_column(BigId)
    external_id: Mapped[str] = mapped_column(String(100))
    # Whom it concerns: a student (grades, recommendations, final grades) or a class.
    student_id: Mapped[int | None] = mapped_column(BigId)
    class_id: Mapped[int | None] = mapped_column(BigId)
    # The school date the change is about (the grade's or lesson's date), for backfill rules.
    occurred_on: Mapped[dt.date | None]
    # Before/after of the fields that matter, so a push can say what changed.
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime]
    consumed_at: Mapped[dt.datetime | None]
