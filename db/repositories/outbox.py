"""The outbox: queueing pushes idempotently, claiming them for delivery and writing what
became of them.

The delivery worker's statements (claim, :meth:`OutboxRepository.held`, :meth:`write`,
:meth:`release`) are set-based Core statements over the tables, a few per batch of pushes
whatever its size: no ORM objects on the worker's path.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, Update, bindparam, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import table_of
from db.dialect import among, insert_one_ignoring_conflict, skipping_locked
from db.models import OutboxChannel, OutboxMessage, OutboxStatus, TelegramAccount

# Column → new value, per row id.
RowChanges = Mapping[int, Mapping[str, Any]]


def claimable(
    session: AsyncSession, channel: OutboxChannel, now: datetime, limit: int
) -> Select[tuple[int]]:
    """The ids of up to ``limit`` due rows of a channel a worker may claim, oldest first:
    pending ones, and claimed ones whose worker's lease ran out (it crashed). On PostgreSQL
    rows another worker has locked are skipped."""
    outbox = table_of(OutboxMessage)
    due = (
        select(outbox.c.id)
        .where(
            outbox.c.channel == channel,
            outbox.c.due_at <= now,
            or_(
                outbox.c.status == OutboxStatus.PENDING,
                (outbox.c.status == OutboxStatus.CLAIMED) & (outbox.c.lease_expires_at < now),
            ),
        )
        .order_by(outbox.c.due_at, outbox.c.id)
        .limit(limit)
    )
    return skipping_locked(session, due)


def claim_values(worker: str, now: datetime, lease_until: datetime) -> dict[str, Any]:
    """What a claim writes on each row it takes."""
    outbox = table_of(OutboxMessage)
    return {
        "status": OutboxStatus.CLAIMED,
        "claimed_by": worker,
        "lease_expires_at": lease_until,
        # Evaluated on the row as it was: claimed before means taken over now.
        "reclaimed_at": case(
            (outbox.c.status == OutboxStatus.CLAIMED, now), else_=outbox.c.reclaimed_at
        ),
    }


@dataclass(frozen=True)
class ClaimedPush:
    """A claimed row, as the worker needs it: nobody else changes it while the claim holds,
    except to cancel it (:meth:`OutboxRepository.held` tells)."""

    id: int
    account_id: int
    chat_id: int
    payload: dict[str, Any]
    attempts: int
    last_error: str | None
    due_at: datetime


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

    async def other_claimants(self, worker: str, now: datetime) -> int:
        """How many other workers hold live claims: the workers sending now, as the ones
        that lost the shared limiter count them to share the bot's rate."""
        statement = select(func.count(func.distinct(OutboxMessage.claimed_by))).where(
            OutboxMessage.status == OutboxStatus.CLAIMED,
            OutboxMessage.lease_expires_at > now,
            OutboxMessage.claimed_by != worker,
        )
        return int((await self._session.execute(statement)).scalar_one())

    async def claim(
        self, *, worker: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[ClaimedPush]:
        """Take up to ``limit`` due rows, oldest first: pending ones, and claimed ones whose
        worker's lease ran out (it crashed).

        One ``UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING …`` statement, so that the
        choice and the claim are atomic: on PostgreSQL the inner SELECT skips rows another
        worker has locked (``FOR UPDATE SKIP LOCKED``); on SQLite the statement runs under
        the single write lock. The account's chat comes back with each row.
        """
        outbox, accounts = table_of(OutboxMessage), table_of(TelegramAccount)
        due = claimable(self._session, OutboxChannel.TELEGRAM, now, limit)
        chat_id = (
            select(accounts.c.chat_id)
            .where(accounts.c.id == outbox.c.account_id)
            .correlate(outbox)
            .scalar_subquery()
        )
        claimed = await self._session.execute(
            update(outbox)
            .where(outbox.c.id.in_(due.scalar_subquery()))
            .values(claim_values(worker, now, lease_until))
            .returning(
                outbox.c.id,
                outbox.c.account_id,
                chat_id,
                outbox.c.payload,
                outbox.c.attempts,
                outbox.c.last_error,
                outbox.c.due_at,
            )
        )
        # RETURNING comes in no particular order.
        pushes = [ClaimedPush(*row) for row in claimed.all()]
        return sorted(pushes, key=lambda push: (push.due_at, push.id))

    async def held(self, worker: str, ids: Collection[int]) -> set[int]:
        """Which of these rows ``worker`` still holds (not cancelled, not deleted)."""
        if not ids:
            return set()
        outbox = table_of(OutboxMessage)
        result = await self._session.execute(
            select(outbox.c.id).where(
                among(self._session, outbox.c.id, list(ids)),
                outbox.c.status == OutboxStatus.CLAIMED,
                outbox.c.claimed_by == worker,
            )
        )
        return set(result.scalars())

    async def sent_as(self, ids: Collection[int]) -> dict[int, tuple[int, int | None]]:
        """Row id → (account, Telegram message id) of these rows: what an edit replaces."""
        if not ids:
            return {}
        outbox = table_of(OutboxMessage)
        result = await self._session.execute(
            select(outbox.c.id, outbox.c.account_id, outbox.c.telegram_message_id).where(
                among(self._session, outbox.c.id, list(ids))
            )
        )
        return {row_id: (account_id, message_id) for row_id, account_id, message_id in result}

    async def write(self, changes: RowChanges) -> None:
        """What became of claimed rows: one statement for all rows that change the same
        columns (see :func:`_update_by_id`)."""
        await _update_by_id(self._session, table_of(OutboxMessage), changes)

    async def write_accounts(self, changes: RowChanges) -> None:
        """Accounts a send changed: blocked by the user, or moved to a supergroup."""
        await _update_by_id(self._session, table_of(TelegramAccount), changes)

    async def release(self, worker: str, ids: Collection[int]) -> None:
        """Give back claimed rows that were not sent (those ``worker`` still holds)."""
        if not ids:
            return
        outbox = table_of(OutboxMessage)
        await self._session.execute(
            update(outbox)
            .where(
                among(self._session, outbox.c.id, list(ids)),
                outbox.c.status == OutboxStatus.CLAIMED,
                outbox.c.claimed_by == worker,
            )
            .values(status=OutboxStatus.PENDING, lease_expires_at=None)
        )

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


async def _update_by_id(session: AsyncSession, table: Table, changes: RowChanges) -> None:
    """Set each row's columns to its own values: one UPDATE by id per set of changed
    columns, run for all its rows at once (``executemany``: one pipelined round trip on
    asyncpg, one prepared statement on SQLite).

    The statement is the same for every batch, so it is compiled once per process; a
    ``CASE id WHEN … END`` per column (the way before) was built and compiled anew for each
    batch and took a quarter of the worker's CPU at a thousand messages a second. The
    parameters are typed as their columns, so times are stored as the column stores them.
    """
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in changes.items():
        parameters = {f"new_{name}": value for name, value in values.items()}
        groups.setdefault(tuple(sorted(values)), []).append({"row_id": row_id, **parameters})
    for columns, rows in groups.items():
        await session.execute(_update_statement(table, columns), rows)


@functools.cache
def _update_statement(table: Table, columns: tuple[str, ...]) -> Update:
    """``UPDATE table SET column = :new_column, … WHERE id = :row_id``."""
    return (
        update(table)
        .where(table.c.id == bindparam("row_id", type_=table.c.id.type))
        .values({name: bindparam(f"new_{name}", type_=table.c[name].type) for name in columns})
    )
