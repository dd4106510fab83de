"""Risk alert states and calendar feeds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CalendarFeed, CurriculumRow, RiskAlertState, Subject


class AlertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def risk_states(
        self, account_ids: Sequence[int], period_ids: Sequence[int]
    ) -> dict[tuple[int, int, int, int], RiskAlertState]:
        """(account, student, subject, period) → the state last told."""
        if not account_ids or not period_ids:
            return {}
        result = await self._session.execute(
            select(RiskAlertState).where(
                RiskAlertState.account_id.in_(list(account_ids)),
                RiskAlertState.period_id.in_(list(period_ids)),
            )
        )
        return {
            (s.account_id, s.student_id, s.subject_id, s.period_id): s for s in result.scalars()
        }

    def add_risk_state(self, state: RiskAlertState) -> None:
        self._session.add(state)

    async def curriculum_subjects(self, class_id: int, period_id: int) -> dict[int, str]:
        """The subjects the class is taught in the period (they count even without marks)."""
        result = await self._session.execute(
            select(Subject.id, Subject.name)
            .join(CurriculumRow, CurriculumRow.subject_id == Subject.id)
            .where(CurriculumRow.class_id == class_id, CurriculumRow.period_id == period_id)
            .distinct()
        )
        return {subject_id: name for subject_id, name in result.all()}

    async def feed_by_hash(self, token_hash: str) -> CalendarFeed | None:
        result = await self._session.execute(
            select(CalendarFeed).where(
                CalendarFeed.token_hash == token_hash, CalendarFeed.revoked_at.is_(None)
            )
        )
        return result.scalar_one_or_none()

    async def active_feed(self, account_id: int) -> CalendarFeed | None:
        result = await self._session.execute(
            select(CalendarFeed).where(
                CalendarFeed.account_id == account_id, CalendarFeed.revoked_at.is_(None)
            )
        )
        return result.scalars().first()

    def add_feed(self, feed: CalendarFeed) -> None:
        self._session.add(feed)

    async def revoke_feeds(self, account_id: int, at: datetime) -> int:
        result = await self._session.execute(
            select(CalendarFeed).where(
                CalendarFeed.account_id == account_id, CalendarFeed.revoked_at.is_(None)
            )
        )
        feeds = list(result.scalars())
        for feed in feeds:
            feed.revoked_at = at
        return len(feeds)
