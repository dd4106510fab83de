"""The outbox: queueing pushes idempotently and claiming them for delivery."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import table_of
from db.dialect import insert_ignoring_conflicts
from db.models import OutboxMessage, OutboxStatus, TelegramAccount


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, rows: Sequence[dict[str, Any]]) -> None:
        """Queue pushes; a row whose idempotency key is already queued is silently skipped."""
        await insert_ignoring_conflicts(self._session, table_of(OutboxMessage), rows)

    async def claim(
        self, *, worker: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[OutboxMessage, TelegramAccount]]:
        """Take up to ``limit`` due rows: pending ones, and claimed ones whose worker's lease
        ran out (it crashed).

        One ``UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING id`` statement, so that the
        choice and the claim are atomic: on PostgreSQL the inner SELECT skips rows another
        worker has locked (``FOR UPDATE SKIP LOCKED``); on SQLite the statement runs under
        the single write lock.
        """
        due = (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.due_at <= now,
                or_(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    (OutboxMessage.status == OutboxStatus.CLAIMED)
                    & (OutboxMessage.lease_expires_at < now),
                ),
            )
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
        )
        if self._session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claimed = await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(due.scalar_subquery()))
            .values(status=OutboxStatus.CLAIMED, claimed_by=worker, lease_expires_at=lease_until)
            .returning(OutboxMessage.id)
        )
        ids = list(claimed.scalars())
        if not ids:
            return []
        result = await self._session.execute(
            select(OutboxMessage, TelegramAccount)
            .join(TelegramAccount, TelegramAccount.id == OutboxMessage.account_id)
            .where(OutboxMessage.id.in_(ids))
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
        return [(message, account) for message, account in result.all()]

    async def get(self, message_id: int) -> OutboxMessage | None:
        return await self._session.get(OutboxMessage, message_id)

    async def account(self, account_id: int) -> TelegramAccount | None:
        return await self._session.get(TelegramAccount, account_id)

    async def cancel_pending(self, account_id: int, reason: str) -> None:
        await self._session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.account_id == account_id,
                OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED]),
            )
            .values(status=OutboxStatus.CANCELLED, last_error=reason)
        )
