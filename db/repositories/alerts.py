"""Risk alert states and calendar feeds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import table_of
from db.dialect import among
from db.models import CalendarFeed, CurriculumRow, Grade, RiskAlertState, Student, Subject


@dataclass(frozen=True)
class StudentMark:
    student_id: int
    subject_id: int
    subject: str
    value: str
    score: float | None  # None for marks that do not count (зачёт)
    weight: float


class AlertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def risk_states(
        self,
        account_ids: Sequence[int],
        period_ids: Sequence[int],
        guardian_ids: Sequence[int] = (),
        reader_student_ids: Sequence[int] = (),
    ) -> dict[RiskKey, RiskAlertState]:
        """(reader, student, subject, period) → the state last told; the reader is
        ("a", account id), or ("g", guardian id) for a guardian told by letter, or ("s",
        student id) for an adult student told by letter."""
        if not (account_ids or guardian_ids or reader_student_ids) or not period_ids:
            return {}
        result = await self._session.execute(
            select(RiskAlertState).where(
                or_(
                    RiskAlertState.account_id.in_(list(account_ids)),
                    RiskAlertState.guardian_id.in_(list(guardian_ids)),
                    RiskAlertState.reader_student_id.in_(list(reader_student_ids)),
                ),
                RiskAlertState.period_id.in_(list(period_ids)),
            )
        )
        return {_risk_key(state): state for state in result.scalars()}

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

    async def classes_of_students(self, student_ids: Sequence[int]) -> dict[int, int]:
        """Student id → class id, for many students in one query."""
        if not student_ids:
            return {}
        result = await self._session.execute(
            select(Student.id, Student.class_id).where(
                among(self._session, table_of(Student).c.id, student_ids)
            )
        )
        return {student_id: class_id for student_id, class_id in result.all()}

    async def marks_of_students(
        self, student_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> list[StudentMark]:
        """Every mark of these students between the days, with its subject's name (one
        query for a whole class), by subject name, date and id."""
        if not student_ids:
            return []
        result = await self._session.execute(
            select(Grade.student_id, Grade.subject_id, Subject.name, Grade.value, Grade.score,
                   Grade.weight)
            .join(Subject, Subject.id == Grade.subject_id)
            .where(among(self._session, table_of(Grade).c.student_id, student_ids),
                   Grade.date.between(first, last))
            .order_by(Subject.name, Grade.date, Grade.id)
        )  # fmt: skip
        return [StudentMark(*row) for row in result.all()]

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


RiskKey = tuple[tuple[str, int], int, int, int]  # (reader, student, subject, period)


def _risk_key(state: RiskAlertState) -> RiskKey:
    if state.account_id is not None:
        reader = ("a", state.account_id)
    elif state.guardian_id is not None:
        reader = ("g", state.guardian_id)
    else:
        assert state.reader_student_id is not None
        reader = ("s", state.reader_student_id)
    return (reader, state.student_id, state.subject_id, state.period_id)
