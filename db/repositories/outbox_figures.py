"""The delivery queue's figures, for ``ediary status`` and ``GET /metrics``.

Read through a lean Core view of ``outbox_message``: the few columns the figures need,
typed as the model types them (timestamps stored in UTC). Importing the models would
build every ORM class and relationship, most of ``ediary status``'s start-up, for a
handful of counts. A test checks this view against the model (``db.models.delivery``),
which stays the one definition of the table.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Integer, String, column, func, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import UTCDateTime

# The values of db.models.enums.OutboxStatus that the figures count.
PENDING, CLAIMED, SENT, DEAD = "pending", "claimed", "sent", "dead"

OUTBOX = table(
    "outbox_message",
    column("id", BigInteger),
    column("status", String),
    column("due_at", UTCDateTime()),
    column("attempts", Integer),
    column("reclaimed_at", UTCDateTime()),
    column("created_at", UTCDateTime()),
    column("sent_at", UTCDateTime()),
)


class OutboxFiguresRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def figures(self, now: datetime) -> dict[str, Any]:
        """Queue depth and outcomes over the last hour and day (one query each)."""
        outbox = OUTBOX.c
        depth = await self._session.execute(
            select(outbox.status, func.count(outbox.id))
            .where(outbox.status.in_([PENDING, CLAIMED]))
            .group_by(outbox.status)
        )
        oldest = await self._session.execute(
            select(func.min(outbox.due_at)).where(outbox.status == PENDING, outbox.due_at <= now)
        )
        windows: dict[str, dict[str, int]] = {}
        for name, since in (("hour", now - timedelta(hours=1)), ("day", now - timedelta(days=1))):
            outcomes = await self._session.execute(
                select(outbox.status, func.count(outbox.id))
                .where(
                    outbox.status.in_([SENT, DEAD]),
                    func.coalesce(outbox.sent_at, outbox.created_at) >= since,
                )
                .group_by(outbox.status)
            )
            counts = {str(status): int(count) for status, count in outcomes.all()}
            retried = await self._session.execute(
                select(func.count(outbox.id)).where(
                    outbox.status == PENDING, outbox.attempts > 0, outbox.created_at >= since
                )
            )
            reclaimed = await self._session.execute(
                select(func.count(outbox.id)).where(outbox.reclaimed_at >= since)
            )
            windows[name] = {
                "sent": counts.get(SENT, 0),
                "dead": counts.get(DEAD, 0),
                "failed_retrying": int(retried.scalar_one()),
                "unknown_after_crash": int(reclaimed.scalar_one()),
            }
        by_status = {str(status): int(count) for status, count in depth.all()}
        return {
            "pending": by_status.get(PENDING, 0),
            "claimed": by_status.get(CLAIMED, 0),
            "oldest_due": oldest.scalar_one(),
            "last_hour": windows["hour"],
            "last_day": windows["day"],
        }
