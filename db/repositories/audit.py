"""The audit trail: append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEvent


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def record(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        school_id: int | None = None,
        subject_type: str | None = None,
        subject_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self._session.add(
            AuditEvent(
                school_id=school_id,
                occurred_at=at,
                actor=actor,
                action=action,
                subject_type=subject_type,
                subject_id=subject_id,
                details=details or {},
            )
        )
