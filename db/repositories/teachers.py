"""Broadcasts, their reads, and the family ↔ teacher relay threads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import table_of
from db.dialect import insert_ignoring_conflicts
from db.models import (
    Broadcast,
    BroadcastRead,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
    RelayThread,
    SchoolClass,
)


class TeacherRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def thread(self, thread_id: int) -> RelayThread | None:
        return await self._session.get(RelayThread, thread_id)

    async def find_thread(
        self, family_account_id: int, student_id: int, teacher_id: int
    ) -> RelayThread | None:
        result = await self._session.execute(
            select(RelayThread).where(
                RelayThread.family_account_id == family_account_id,
                RelayThread.student_id == student_id,
                RelayThread.teacher_id == teacher_id,
            )
        )
        return result.scalar_one_or_none()

    async def find_mail_thread(
        self, guardian_id: int | None, student_id: int, teacher_id: int
    ) -> RelayThread | None:
        """The thread of a family writing by letter: the guardian's, or (``guardian_id``
        None) the adult student's own."""
        writer = (
            RelayThread.guardian_id.is_(None)
            if guardian_id is None
            else RelayThread.guardian_id == guardian_id
        )
        result = await self._session.execute(
            select(RelayThread).where(
                RelayThread.channel == OutboxChannel.EMAIL,
                writer,
                RelayThread.student_id == student_id,
                RelayThread.teacher_id == teacher_id,
            )
        )
        return result.scalar_one_or_none()

    async def add_thread(self, thread: RelayThread) -> RelayThread:
        self._session.add(thread)
        await self._session.flush()
        return thread

    async def classes_of_school(self, school_id: int) -> list[SchoolClass]:
        result = await self._session.execute(
            select(SchoolClass).where(SchoolClass.school_id == school_id).order_by(SchoolClass.name)
        )
        return list(result.scalars())

    async def add_broadcast(self, broadcast: Broadcast) -> Broadcast:
        self._session.add(broadcast)
        await self._session.flush()
        return broadcast

    async def recent_broadcasts(
        self, school_id: int, class_ids: Sequence[int] | None, limit: int = 10
    ) -> list[tuple[Broadcast, str | None]]:
        """The newest broadcasts to these classes (None: every one of the school), with
        the class's name (None for the whole school)."""
        statement = (
            select(Broadcast, SchoolClass.name)
            .outerjoin(SchoolClass, SchoolClass.id == Broadcast.class_id)
            .where(Broadcast.school_id == school_id)
            .order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
            .limit(limit)
        )
        if class_ids is not None:
            statement = statement.where(Broadcast.class_id.in_(list(class_ids)))
        return [(b, name) for b, name in (await self._session.execute(statement)).all()]

    async def delivery_counts(self, broadcast_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """broadcast → {outbox status: count} of its messages (keys are
        ``broadcast:{id}:{account}``; one query for all)."""
        counts: dict[int, dict[str, int]] = {b: {} for b in broadcast_ids}
        if not broadcast_ids:
            return counts
        rows = await self._session.execute(
            select(OutboxMessage.idempotency_key, OutboxMessage.status).where(
                OutboxMessage.kind == "broadcast",
                or_(
                    *[
                        OutboxMessage.idempotency_key.startswith(f"broadcast:{b}:")
                        for b in broadcast_ids
                    ]
                ),
            )
        )
        for key, status in rows.all():
            bucket = counts[int(key.split(":")[1])]
            bucket[str(status)] = bucket.get(str(status), 0) + 1
        return counts

    async def read_counts(self, broadcast_ids: Sequence[int]) -> dict[int, int]:
        if not broadcast_ids:
            return {}
        result = await self._session.execute(
            select(BroadcastRead.broadcast_id, func.count(BroadcastRead.id))
            .where(BroadcastRead.broadcast_id.in_(list(broadcast_ids)))
            .group_by(BroadcastRead.broadcast_id)
        )
        return {broadcast: int(count) for broadcast, count in result.all()}

    async def mark_read(self, broadcast_id: int, account_id: int, at: datetime) -> None:
        await insert_ignoring_conflicts(
            self._session,
            table_of(BroadcastRead),
            [{"broadcast_id": broadcast_id, "account_id": account_id, "read_at": at}],
        )

    async def was_sent_to(self, broadcast_id: int, account_id: int) -> bool:
        result = await self._session.execute(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.idempotency_key == f"broadcast:{broadcast_id}:{account_id}",
                OutboxMessage.status != OutboxStatus.CANCELLED,
            )
        )
        return int(result.scalar_one()) > 0
