"""The outbox: queueing pushes idempotently and claiming them for delivery."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import table_of
from db.dialect import insert_one_ignoring_conflict, skipping_locked
from db.models import OutboxMessage, OutboxStatus, TelegramAccount


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def queue(
        self,
        *,
        account_id: int,
        school_id: int | None,
        kind: str,
        key: str,
        text: str,
        reply_markup: dict[str, Any] | None,
        due_at: datetime,
        urgent: bool,
        now: datetime,
        extra: dict[str, Any] | None = None,
        in_summary: bool = False,
        student_id: int | None = None,
    ) -> bool:
        """Queue one push; one whose idempotency key is already queued is silently skipped.

        True when queued now, False when the key was queued before. ``extra`` joins the
        payload: e.g. ``edit_of`` (the outbox id of a sent message this
        one replaces in place) or the id of what the message is about.
        """
        row = {
            "school_id": school_id,
            "account_id": account_id,
            "student_id": student_id,
            "idempotency_key": key,
            "kind": kind,
            "payload": {"text": text, "reply_markup": reply_markup, **(extra or {})},
            "urgent": urgent,
            "in_summary": in_summary,
            "status": OutboxStatus.PENDING.value,
            "due_at": due_at,
            "attempts": 0,
            "created_at": now,
        }
        return await insert_one_ignoring_conflict(self._session, table_of(OutboxMessage), row)

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
        due = skipping_locked(self._session, due)
        claimed = await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(due.scalar_subquery()))
            .values(
                status=OutboxStatus.CLAIMED,
                claimed_by=worker,
                lease_expires_at=lease_until,
                # Evaluated on the row as it was: claimed before means taken over now.
                reclaimed_at=case(
                    (OutboxMessage.status == OutboxStatus.CLAIMED, now),
                    else_=OutboxMessage.reclaimed_at,
                ),
            )
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

    async def instant_since(self, account_id: int, since: datetime, kinds: list[str]) -> int:
        """Pushes of these kinds queued for the account since ``since`` to go out on their
        own (not urgent, not in the summary): what the daily cap counts."""
        result = await self._session.execute(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.account_id == account_id,
                OutboxMessage.created_at >= since,
                OutboxMessage.kind.in_(kinds),
                OutboxMessage.urgent.is_(False),
                OutboxMessage.in_summary.is_(False),
                OutboxMessage.status != OutboxStatus.CANCELLED,
            )
        )
        return int(result.scalar_one())

    async def by_key(self, key: str) -> OutboxMessage | None:
        result = await self._session.execute(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
        )
        return result.scalar_one_or_none()

    async def get(self, message_id: int) -> OutboxMessage | None:
        return await self._session.get(OutboxMessage, message_id)

    async def account(self, account_id: int) -> TelegramAccount | None:
        return await self._session.get(TelegramAccount, account_id)

    async def cancel_pending(self, account_id: int, now: datetime) -> int:
        result = await self._session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.account_id == account_id,
                OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED]),
            )
            .values(status=OutboxStatus.CANCELLED, last_error="consent withdrawn")
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def cancel_about_student(self, account_id: int, student_id: int, reason: str) -> int:
        """Cancel the account's queued pushes about this child (it was unlinked)."""
        result = await self._session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.account_id == account_id,
                OutboxMessage.student_id == student_id,
                OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED]),
            )
            .values(status=OutboxStatus.CANCELLED, last_error=reason)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def figures(self, now: datetime) -> dict[str, Any]:
        """Queue depth and outcomes for ``ediary status`` and ``/metrics`` (one query each)."""
        depth = await self._session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id))
            .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED]))
            .group_by(OutboxMessage.status)
        )
        oldest = await self._session.execute(
            select(func.min(OutboxMessage.due_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.due_at <= now
            )
        )
        windows: dict[str, dict[str, int]] = {}
        for name, since in (("hour", now - timedelta(hours=1)), ("day", now - timedelta(days=1))):
            outcomes = await self._session.execute(
                select(OutboxMessage.status, func.count(OutboxMessage.id))
                .where(
                    OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.DEAD]),
                    func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) >= since,
                )
                .group_by(OutboxMessage.status)
            )
            counts = {str(status): int(count) for status, count in outcomes.all()}
            retried = await self._session.execute(
                select(func.count(OutboxMessage.id)).where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.attempts > 0,
                    OutboxMessage.created_at >= since,
                )
            )
            reclaimed = await self._session.execute(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.reclaimed_at >= since)
            )
            windows[name] = {
                "sent": counts.get("sent", 0),
                "dead": counts.get("dead", 0),
                "failed_retrying": int(retried.scalar_one()),
                "unknown_after_crash": int(reclaimed.scalar_one()),
            }
        by_status = {str(status): int(count) for status, count in depth.all()}
        return {
            "pending": by_status.get("pending", 0),
            "claimed": by_status.get("claimed", 0),
            "oldest_due": oldest.scalar_one(),
            "last_hour": windows["hour"],
            "last_day": windows["day"],
        }
