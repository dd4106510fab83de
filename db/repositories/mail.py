"""Letters in the outbox (rows of channel ``email``), who they go to, and notices told by
letter. Set-based like the Telegram worker's statements: a few per batch."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import table_of
from db.dialect import among, insert_one_ignoring_conflict
from db.models import (
    FinalGradeNotice,
    Guardian,
    GuardianStudent,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
    Student,
)
from db.repositories.finals import notices_on_channel
from db.repositories.outbox import claim_values, claimable


@dataclass(frozen=True)
class ClaimedLetter:
    """A claimed letter row: its recipient (a guardian, or an adult student) and content."""

    id: int
    school_id: int | None
    guardian_id: int | None
    student_id: int | None
    kind: str
    payload: dict[str, Any]
    attempts: int
    due_at: datetime

    @property
    def recipient(self) -> tuple[str, int]:
        """("g", guardian id) or ("s", student id): whom the letter is for."""
        if self.guardian_id is not None:
            return ("g", self.guardian_id)
        assert self.student_id is not None
        return ("s", self.student_id)


class MailRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def queue(
        self,
        *,
        recipient: tuple[str, int],
        school_id: int | None,
        kind: str,
        key: str,
        payload: dict[str, Any],
        due_at: datetime,
        now: datetime,
        student_id: int | None = None,
        urgent: bool = False,
    ) -> bool:
        """Queue one letter part; a key queued before is skipped (False)."""
        role, person_id = recipient
        row = {
            "channel": OutboxChannel.EMAIL.value,
            "school_id": school_id,
            "account_id": None,
            "recipient_guardian_id": person_id if role == "g" else None,
            "recipient_student_id": person_id if role == "s" else None,
            "student_id": student_id,
            "idempotency_key": key,
            "kind": kind,
            "payload": payload,
            "urgent": urgent,
            "in_summary": False,
            "status": OutboxStatus.PENDING.value,
            "due_at": due_at,
            "attempts": 0,
            "created_at": now,
        }
        return await insert_one_ignoring_conflict(self._session, table_of(OutboxMessage), row)

    async def claim(
        self, *, worker: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[ClaimedLetter]:
        """Up to ``limit`` due letter rows, oldest first, as the Telegram claim does."""
        outbox = table_of(OutboxMessage)
        due = claimable(self._session, OutboxChannel.EMAIL, now, limit)
        claimed = await self._session.execute(
            update(outbox)
            .where(outbox.c.id.in_(due.scalar_subquery()))
            .values(claim_values(worker, now, lease_until))
            .returning(
                outbox.c.id,
                outbox.c.school_id,
                outbox.c.recipient_guardian_id,
                outbox.c.recipient_student_id,
                outbox.c.kind,
                outbox.c.payload,
                outbox.c.attempts,
                outbox.c.due_at,
            )
        )
        letters = [ClaimedLetter(*row) for row in claimed.all()]
        return sorted(letters, key=lambda letter: (letter.due_at, letter.id))

    async def cancel_of(
        self, *, guardian_id: int | None = None, student_id: int | None = None, reason: str
    ) -> int:
        """Cancel the person's letters not sent yet (consent withdrawn, form changed)."""
        column = (
            OutboxMessage.recipient_guardian_id
            if guardian_id is not None
            else OutboxMessage.recipient_student_id
        )
        result = await self._session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.channel == OutboxChannel.EMAIL,
                column == (guardian_id if guardian_id is not None else student_id),
                OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED]),
            )
            .values(status=OutboxStatus.CANCELLED, last_error=reason)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def cancel_rows(self, ids: Collection[int], reason: str) -> None:
        if not ids:
            return
        await self._session.execute(
            update(OutboxMessage)
            .where(
                among(self._session, table_of(OutboxMessage).c.id, list(ids)),
                OutboxMessage.status == OutboxStatus.CLAIMED,
            )
            .values(status=OutboxStatus.CANCELLED, last_error=reason, lease_expires_at=None)
            .execution_options(synchronize_session=False)
        )

    async def guardians_of(self, student_ids: Sequence[int]) -> list[tuple[int, Guardian]]:
        """(student id, guardian) for these students."""
        if not student_ids:
            return []
        result = await self._session.execute(
            select(GuardianStudent.student_id, Guardian)
            .join(Guardian, Guardian.id == GuardianStudent.guardian_id)
            .where(GuardianStudent.student_id.in_(list(student_ids)))
            .order_by(Guardian.full_name, Guardian.id)
        )
        return [(student_id, guardian) for student_id, guardian in result.all()]

    async def names(
        self, guardian_ids: Sequence[int], student_ids: Sequence[int]
    ) -> dict[tuple[str, int], str]:
        """("g"|"s", id) → full name."""
        found: dict[tuple[str, int], str] = {}
        if guardian_ids:
            rows = await self._session.execute(
                select(Guardian.id, Guardian.full_name).where(Guardian.id.in_(list(guardian_ids)))
            )
            found.update({("g", row_id): name for row_id, name in rows.all()})
        if student_ids:
            rows = await self._session.execute(
                select(Student.id, Student.full_name).where(Student.id.in_(list(student_ids)))
            )
            found.update({("s", row_id): name for row_id, name in rows.all()})
        return found

    # Final grades told by letter ----------------------------------------------------------

    async def email_notices_for(
        self, pairs: Sequence[tuple[int, int]]
    ) -> dict[tuple[tuple[str, int], int, int], FinalGradeNotice]:
        """(reader, student, period) → the notice told by letter, for these pairs; the
        reader is ("g", guardian id), or ("s", student id) for an adult student's own."""
        notices = await notices_on_channel(self._session, OutboxChannel.EMAIL, pairs)
        return {
            (
                ("g", n.guardian_id) if n.guardian_id is not None else ("s", n.student_id),
                n.student_id,
                n.period_id,
            ): n
            for n in notices
        }

    async def student(self, student_id: int) -> Student | None:
        return await self._session.get(Student, student_id)
