"""Final-grade notices, acknowledgements and the teachers' running summaries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AccountLink,
    AccountRole,
    FinalGrade,
    FinalGradeAck,
    FinalGradeNotice,
    Guardian,
    GuardianStudent,
    OutboxChannel,
    OutboxMessage,
    Period,
    SchoolClass,
    Student,
    Subject,
    TeacherSummary,
    TelegramAccount,
)


async def notices_on_channel(
    session: AsyncSession, channel: OutboxChannel, pairs: Sequence[tuple[int, int]]
) -> list[FinalGradeNotice]:
    """The final-grade notices told on ``channel`` for these (student, period) pairs."""
    if not pairs:
        return []
    result = await session.execute(
        select(FinalGradeNotice).where(
            FinalGradeNotice.channel == channel,
            tuple_(FinalGradeNotice.student_id, FinalGradeNotice.period_id).in_(list(pairs)),
        )
    )
    return list(result.scalars())


class FinalsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def grades_of(
        self, pairs: Sequence[tuple[int, int]]
    ) -> dict[tuple[int, int], list[tuple[FinalGrade, str]]]:
        """(student, period) → its final grades with the subject's name, in one query."""
        if not pairs:
            return {}
        result = await self._session.execute(
            select(FinalGrade, Subject.name)
            .join(Subject, Subject.id == FinalGrade.subject_id)
            .where(tuple_(FinalGrade.student_id, FinalGrade.period_id).in_(list(pairs)))
            .order_by(Subject.name, FinalGrade.id)
        )
        found: dict[tuple[int, int], list[tuple[FinalGrade, str]]] = {}
        for grade, subject in result.all():
            found.setdefault((grade.student_id, grade.period_id), []).append((grade, subject))
        return found

    async def periods(self, ids: Sequence[int]) -> dict[int, Period]:
        result = await self._session.execute(select(Period).where(Period.id.in_(list(ids))))
        return {period.id: period for period in result.scalars()}

    async def notices_for(
        self, pairs: Sequence[tuple[int, int]]
    ) -> dict[tuple[int, int, int], FinalGradeNotice]:
        """(account, student, period) → notice, for these (student, period) pairs."""
        notices = await notices_on_channel(self._session, OutboxChannel.TELEGRAM, pairs)
        return {
            (n.account_id, n.student_id, n.period_id): n
            for n in notices
            if n.account_id is not None
        }

    async def notice(self, notice_id: int) -> FinalGradeNotice | None:
        return await self._session.get(FinalGradeNotice, notice_id)

    def add_notice(self, notice: FinalGradeNotice) -> None:
        self._session.add(notice)

    def add_ack(self, ack: FinalGradeAck) -> None:
        self._session.add(ack)

    async def flush(self) -> None:
        await self._session.flush()

    async def acknowledged_periods(
        self, student_id: int, guardian_ids: Sequence[int]
    ) -> dict[int, datetime]:
        """period → when one of these guardians last acknowledged its final grades."""
        if not guardian_ids:
            return {}
        result = await self._session.execute(
            select(FinalGradeNotice.period_id, func.max(FinalGradeNotice.acknowledged_at))
            .where(
                FinalGradeNotice.student_id == student_id,
                FinalGradeNotice.guardian_id.in_(list(guardian_ids)),
                FinalGradeNotice.acknowledged_at.is_not(None),
            )
            .group_by(FinalGradeNotice.period_id)
        )
        return {period: at for period, at in result.all() if at is not None}

    async def notice_of_message(
        self, account_id: int, telegram_message_id: int
    ) -> FinalGradeNotice | None:
        """The notice a final-grade message (or its follow-up or reminder) belongs to."""
        result = await self._session.execute(
            select(OutboxMessage).where(
                OutboxMessage.account_id == account_id,
                OutboxMessage.telegram_message_id == telegram_message_id,
                OutboxMessage.kind.in_(["final_grades", "final_grades_followup", "final_reminder"]),
            )
        )
        row = result.scalars().first()
        notice_id = (row.payload or {}).get("notice_id") if row is not None else None
        return await self.notice(int(notice_id)) if notice_id else None

    async def due_reminders(
        self, school_id: int, sent_before: datetime
    ) -> list[tuple[FinalGradeNotice, TelegramAccount]]:
        """Guardians' notices delivered before ``sent_before``, not acknowledged, and not
        reminded yet."""
        result = await self._session.execute(
            select(FinalGradeNotice, TelegramAccount)
            .join(OutboxMessage, OutboxMessage.id == FinalGradeNotice.message_outbox_id)
            .join(TelegramAccount, TelegramAccount.id == FinalGradeNotice.account_id)
            .where(
                FinalGradeNotice.school_id == school_id,
                FinalGradeNotice.guardian_id.is_not(None),
                FinalGradeNotice.reminded_at.is_(None),
                func.coalesce(FinalGradeNotice.acknowledged_version, 0) < FinalGradeNotice.version,
                OutboxMessage.sent_at.is_not(None),
                OutboxMessage.sent_at < sent_before,
                TelegramAccount.is_active.is_(True),
            )
            .order_by(FinalGradeNotice.id)
        )
        return [(notice, account) for notice, account in result.all()]

    async def due_mail_reminders(
        self, school_id: int, sent_before: datetime
    ) -> list[FinalGradeNotice]:
        """Notices told by letter, sent before ``sent_before``, not acknowledged, not
        reminded yet."""
        result = await self._session.execute(
            select(FinalGradeNotice)
            .join(OutboxMessage, OutboxMessage.id == FinalGradeNotice.message_outbox_id)
            .where(
                FinalGradeNotice.school_id == school_id,
                FinalGradeNotice.channel == OutboxChannel.EMAIL,
                FinalGradeNotice.guardian_id.is_not(None),
                FinalGradeNotice.reminded_at.is_(None),
                func.coalesce(FinalGradeNotice.acknowledged_version, 0) < FinalGradeNotice.version,
                OutboxMessage.sent_at.is_not(None),
                OutboxMessage.sent_at < sent_before,
            )
            .order_by(FinalGradeNotice.id)
        )
        return list(result.scalars())

    async def changed_classes(
        self, school_id: int
    ) -> list[tuple[int, int, datetime | None, datetime | None]]:
        """(class, period, latest change of a guardian's notice, latest delivery of one)."""
        result = await self._session.execute(
            select(
                Student.class_id,
                FinalGradeNotice.period_id,
                func.max(FinalGradeNotice.updated_at),
                func.max(OutboxMessage.sent_at),
            )
            .join(Student, Student.id == FinalGradeNotice.student_id)
            .outerjoin(OutboxMessage, OutboxMessage.id == FinalGradeNotice.message_outbox_id)
            .where(
                FinalGradeNotice.school_id == school_id,
                FinalGradeNotice.guardian_id.is_not(None),
            )
            .group_by(Student.class_id, FinalGradeNotice.period_id)
        )
        return [(c, p, changed, sent) for c, p, changed, sent in result.all()]

    async def class_notices(
        self, class_id: int, period_id: int
    ) -> list[tuple[FinalGradeNotice, OutboxMessage | None]]:
        result = await self._session.execute(
            select(FinalGradeNotice, OutboxMessage)
            .join(Student, Student.id == FinalGradeNotice.student_id)
            .outerjoin(OutboxMessage, OutboxMessage.id == FinalGradeNotice.message_outbox_id)
            .where(Student.class_id == class_id, FinalGradeNotice.period_id == period_id)
        )
        return [(notice, message) for notice, message in result.all()]

    async def families_of_class(self, class_id: int) -> list[tuple[Guardian, Student]]:
        result = await self._session.execute(
            select(Guardian, Student)
            .join(GuardianStudent, GuardianStudent.guardian_id == Guardian.id)
            .join(Student, Student.id == GuardianStudent.student_id)
            .where(Student.class_id == class_id)
            .order_by(Student.full_name, Guardian.full_name)
        )
        return [(guardian, student) for guardian, student in result.all()]

    async def published_before(
        self, school_id: int, before: datetime, since: datetime
    ) -> list[tuple[int, int]]:
        """(class, period) pairs with a final grade received between ``since`` and
        ``before``: those the 24-hour check looks at."""
        result = await self._session.execute(
            select(Student.class_id, FinalGrade.period_id)
            .join(Student, Student.id == FinalGrade.student_id)
            .where(
                FinalGrade.school_id == school_id,
                FinalGrade.created_at < before,
                FinalGrade.created_at >= since,
            )
            .distinct()
        )
        return [(class_id, period_id) for class_id, period_id in result.all()]

    async def students_with_finals(self, class_id: int, period_id: int) -> set[int]:
        result = await self._session.execute(
            select(FinalGrade.student_id)
            .join(Student, Student.id == FinalGrade.student_id)
            .where(Student.class_id == class_id, FinalGrade.period_id == period_id)
            .distinct()
        )
        return set(result.scalars())

    async def latest_final_period(self, class_id: int) -> Period | None:
        """The newest period in which the class has final grades."""
        result = await self._session.execute(
            select(Period)
            .join(FinalGrade, FinalGrade.period_id == Period.id)
            .join(Student, Student.id == FinalGrade.student_id)
            .where(Student.class_id == class_id)
            .order_by(Period.ends_on.desc(), Period.id.desc())
            .limit(1)
        )
        return result.scalars().first()

    async def guardian_accounts(
        self, guardian_ids: Sequence[int]
    ) -> dict[int, list[tuple[AccountLink, TelegramAccount]]]:
        """guardian → their active links (any student) with the account."""
        result = await self._session.execute(
            select(AccountLink, TelegramAccount)
            .join(TelegramAccount, TelegramAccount.id == AccountLink.account_id)
            .where(
                AccountLink.guardian_id.in_(list(guardian_ids)),
                AccountLink.role == AccountRole.GUARDIAN,
                AccountLink.ended_at.is_(None),
            )
        )
        found: dict[int, list[tuple[AccountLink, TelegramAccount]]] = {}
        for link, account in result.all():
            found.setdefault(link.guardian_id or 0, []).append((link, account))
        return found

    async def staff_accounts(
        self, school_id: int, *, teacher_id: int | None
    ) -> list[TelegramAccount]:
        """Active accounts linked as this teacher (or, with ``teacher_id=None``, the
        school's admins)."""
        links = select(AccountLink.account_id).where(
            AccountLink.school_id == school_id, AccountLink.ended_at.is_(None)
        )
        if teacher_id is None:
            links = links.where(AccountLink.role == AccountRole.ADMIN)
        else:
            links = links.where(
                AccountLink.role == AccountRole.TEACHER, AccountLink.teacher_id == teacher_id
            )
        # IN, not DISTINCT over a join: PostgreSQL cannot compare the JSON settings column.
        statement = (
            select(TelegramAccount)
            .where(TelegramAccount.id.in_(links), TelegramAccount.is_active.is_(True))
            .order_by(TelegramAccount.id)
        )
        return list((await self._session.execute(statement)).scalars())

    async def school_class(self, class_id: int) -> SchoolClass | None:
        return await self._session.get(SchoolClass, class_id)

    async def summaries(self, school_id: int, prefix: str) -> dict[tuple[int, str], TeacherSummary]:
        result = await self._session.execute(
            select(TeacherSummary).where(
                TeacherSummary.school_id == school_id, TeacherSummary.topic.startswith(prefix)
            )
        )
        return {(s.account_id, s.topic): s for s in result.scalars()}

    def add_summary(self, summary: TeacherSummary) -> None:
        self._session.add(summary)
