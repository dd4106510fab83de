"""Consents, link codes and account links."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from db.dialect import serialize
from db.models import (
    AccountLink,
    AccountRole,
    AuditEvent,
    ConsentRecord,
    Guardian,
    GuardianStudent,
    LinkCode,
    SchoolClass,
    Student,
    Teacher,
    TelegramAccount,
)
from db.repositories.family_links import FamilyLink, family_links_statement


class LinkingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # Consent register ---------------------------------------------------------------------

    async def current_consent(
        self, *, guardian_id: int | None = None, student_id: int | None = None
    ) -> ConsentRecord | None:
        statement = select(ConsentRecord)
        if guardian_id is not None:
            statement = statement.where(ConsentRecord.guardian_id == guardian_id)
        else:
            statement = statement.where(
                ConsentRecord.student_id == student_id, ConsentRecord.guardian_id.is_(None)
            )
        statement = statement.order_by(ConsentRecord.recorded_at.desc(), ConsentRecord.id.desc())
        return (await self._session.execute(statement.limit(1))).scalar_one_or_none()

    async def current_consents(self, guardian_ids: Sequence[int]) -> dict[int, ConsentRecord]:
        """The newest record per guardian (one query for a whole class)."""
        result = await self._session.execute(
            select(ConsentRecord)
            .where(ConsentRecord.guardian_id.in_(list(guardian_ids)))
            .order_by(ConsentRecord.recorded_at, ConsentRecord.id)
        )
        newest: dict[int, ConsentRecord] = {}
        for record in result.scalars():
            assert record.guardian_id is not None
            newest[record.guardian_id] = record
        return newest

    async def current_student_consents(
        self, student_ids: Sequence[int]
    ) -> dict[int, ConsentRecord]:
        """The newest record per student consenting for themself (adult students)."""
        result = await self._session.execute(
            select(ConsentRecord)
            .where(
                ConsentRecord.student_id.in_(list(student_ids)),
                ConsentRecord.guardian_id.is_(None),
            )
            .order_by(ConsentRecord.recorded_at, ConsentRecord.id)
        )
        return {record.student_id: record for record in result.scalars() if record.student_id}

    def add_consent(self, record: ConsentRecord) -> None:
        self._session.add(record)

    # The school's people -----------------------------------------------------------------

    async def guardian(self, school_id: int, external_id: str) -> Guardian | None:
        result = await self._session.execute(
            select(Guardian).where(
                Guardian.school_id == school_id, Guardian.external_id == external_id
            )
        )
        return result.scalar_one_or_none()

    async def student(self, school_id: int, external_id: str) -> Student | None:
        result = await self._session.execute(
            select(Student).where(
                Student.school_id == school_id, Student.external_id == external_id
            )
        )
        return result.scalar_one_or_none()

    async def teacher(self, school_id: int, external_id: str) -> Teacher | None:
        result = await self._session.execute(
            select(Teacher).where(
                Teacher.school_id == school_id, Teacher.external_id == external_id
            )
        )
        return result.scalar_one_or_none()

    async def class_by_name(self, school_id: int, name: str) -> SchoolClass | None:
        # Compared in Python: class names are Cyrillic ("5А") and SQLite folds ASCII only.
        result = await self._session.execute(
            select(SchoolClass).where(SchoolClass.school_id == school_id)
        )
        wanted = name.strip().casefold()
        return next((c for c in result.scalars() if c.name.casefold() == wanted), None)

    async def guardian_pairs(
        self,
        *,
        class_id: int | None = None,
        guardian_id: int | None = None,
        school_id: int | None = None,
    ) -> list[tuple[Guardian, Student, SchoolClass]]:
        """(guardian, child, class) for a class's families, one guardian's children or a
        whole school."""
        statement = (
            select(Guardian, Student, SchoolClass)
            .join(GuardianStudent, GuardianStudent.guardian_id == Guardian.id)
            .join(Student, Student.id == GuardianStudent.student_id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .order_by(Student.full_name, Guardian.full_name)
        )
        if class_id is not None:
            statement = statement.where(Student.class_id == class_id)
        if guardian_id is not None:
            statement = statement.where(Guardian.id == guardian_id)
        if school_id is not None:
            statement = statement.where(SchoolClass.school_id == school_id)
        result = await self._session.execute(statement)
        return [(g, s, c) for g, s, c in result.all()]

    async def students_of_class(self, class_id: int) -> list[Student]:
        result = await self._session.execute(
            select(Student).where(Student.class_id == class_id).order_by(Student.full_name)
        )
        return list(result.scalars())

    async def class_of(self, student: Student) -> SchoolClass:
        found = await self._session.get(SchoolClass, student.class_id)
        assert found is not None
        return found

    async def classes_of_teacher(self, teacher_id: int) -> list[SchoolClass]:
        result = await self._session.execute(
            select(SchoolClass)
            .where(SchoolClass.class_teacher_id == teacher_id)
            .order_by(SchoolClass.name)
        )
        return list(result.scalars())

    async def get_guardian(self, guardian_id: int) -> Guardian | None:
        return await self._session.get(Guardian, guardian_id)

    async def get_student(self, student_id: int) -> Student | None:
        return await self._session.get(Student, student_id)

    async def get_teacher(self, teacher_id: int) -> Teacher | None:
        return await self._session.get(Teacher, teacher_id)

    # Codes --------------------------------------------------------------------------------

    def add_code(self, code: LinkCode) -> None:
        self._session.add(code)

    async def code_by_hash(self, code_hash: str) -> LinkCode | None:
        result = await self._session.execute(
            select(LinkCode).where(LinkCode.code_hash == code_hash)
        )
        return result.scalar_one_or_none()

    async def code(self, code_id: int) -> LinkCode | None:
        return await self._session.get(LinkCode, code_id)

    async def claim_code(self, code: LinkCode, account_id: int, now: datetime) -> bool:
        """Mark the code used by this account, in one conditional statement: of several
        transactions redeeming the same code at once exactly one gets True (PostgreSQL
        re-checks the condition after waiting for the row; SQLite has one writer)."""
        result = await self._session.execute(
            update(LinkCode)
            .where(
                LinkCode.id == code.id,
                LinkCode.used_at.is_(None),
                LinkCode.revoked_at.is_(None),
                LinkCode.expires_at > now,
            )
            .values(used_at=now, used_by_account_id=account_id)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        set_committed_value(code, "used_at", now)
        set_committed_value(code, "used_by_account_id", account_id)
        return True

    async def serialize_attempts(self, telegram_user_id: int) -> None:
        """One code attempt at a time per Telegram account, until the transaction ends: the
        failure count is read and written with nobody else in between."""
        await serialize(self._session, "link-code-attempts", telegram_user_id)

    async def revoke_open_codes(
        self,
        *,
        role: AccountRole,
        guardian_id: int | None,
        student_id: int | None,
        teacher_id: int | None,
        now: datetime,
    ) -> None:
        """Re-issuing a code for the same person revokes the codes not yet used."""
        await self._session.execute(
            update(LinkCode)
            .where(
                LinkCode.role == role,
                LinkCode.guardian_id.is_(None) if guardian_id is None
                else LinkCode.guardian_id == guardian_id,
                LinkCode.student_id.is_(None) if student_id is None
                else LinkCode.student_id == student_id,
                LinkCode.teacher_id.is_(None) if teacher_id is None
                else LinkCode.teacher_id == teacher_id,
                LinkCode.used_at.is_(None),
                LinkCode.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )  # fmt: skip

    # Failed attempts (kept in the audit trail) --------------------------------------------

    async def failures_since(
        self, *, since: datetime, actor: str | None = None, code_id: int | None = None
    ) -> list[datetime]:
        statement = select(AuditEvent.occurred_at).where(
            AuditEvent.action == "link.failed", AuditEvent.occurred_at >= since
        )
        if actor is not None:
            statement = statement.where(AuditEvent.actor == actor)
        if code_id is not None:
            statement = statement.where(
                AuditEvent.subject_type == "link_code", AuditEvent.subject_id == code_id
            )
        return list((await self._session.execute(statement)).scalars())

    async def failure_count_since(self, since: datetime, *, school_id: int | None = None) -> int:
        """Failed attempts since then, everyone's (or those on this school's codes)."""
        statement = select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "link.failed", AuditEvent.occurred_at >= since
        )
        if school_id is not None:
            statement = statement.where(AuditEvent.school_id == school_id)
        return int((await self._session.execute(statement)).scalar_one())

    async def entry_locked_at(self, since: datetime, *, school_id: int | None) -> datetime | None:
        """When code entry was last locked for everyone (``school_id=None``) or for this
        school's codes, if it was since then."""
        statement = select(func.max(AuditEvent.occurred_at)).where(
            AuditEvent.action == "link.entry_locked",
            AuditEvent.occurred_at >= since,
            AuditEvent.school_id.is_(None) if school_id is None
            else AuditEvent.school_id == school_id,
        )  # fmt: skip
        found: datetime | None = (await self._session.execute(statement)).scalar_one()
        return found

    # Accounts and links -------------------------------------------------------------------

    def add_link(self, link: AccountLink) -> None:
        self._session.add(link)

    async def active_links(self, account_id: int) -> list[AccountLink]:
        result = await self._session.execute(
            select(AccountLink)
            .where(AccountLink.account_id == account_id, AccountLink.ended_at.is_(None))
            .order_by(AccountLink.linked_at, AccountLink.id)
        )
        return list(result.scalars())

    async def family_links(self, telegram_user_id: int) -> list[FamilyLink]:
        """The account's active guardian and student links with their children, classes,
        schools and current consents, in the order they were made: one statement, so that
        every diary answer starts with a single look-up of who may see what."""
        result = await self._session.execute(
            family_links_statement(), {"telegram_user_id": telegram_user_id}
        )
        return [FamilyLink(*row) for row in result.all()]

    async def admin_links(self, school_id: int) -> list[tuple[AccountLink, TelegramAccount]]:
        """The school's current administrators, earliest first."""
        result = await self._session.execute(
            select(AccountLink, TelegramAccount)
            .join(TelegramAccount, TelegramAccount.id == AccountLink.account_id)
            .where(
                AccountLink.school_id == school_id,
                AccountLink.role == AccountRole.ADMIN,
                AccountLink.ended_at.is_(None),
            )
            .order_by(AccountLink.linked_at, AccountLink.id)
        )
        return [(link, account) for link, account in result.all()]

    async def active_links_of_guardian(self, guardian_id: int) -> list[AccountLink]:
        result = await self._session.execute(
            select(AccountLink).where(
                AccountLink.guardian_id == guardian_id, AccountLink.ended_at.is_(None)
            )
        )
        return list(result.scalars())

    # Erasure after withdrawal ---------------------------------------------------------------

    async def accounts_to_erase(self, ended_before: datetime) -> list[TelegramAccount]:
        """Accounts with no active link left, some ended by a consent decision, and nothing
        ended since the cutoff."""
        still_active = func.sum(case((AccountLink.ended_at.is_(None), 1), else_=0))
        by_consent = func.sum(case((AccountLink.end_reason.like("consent_%"), 1), else_=0))
        erasable = (
            select(AccountLink.account_id)
            .group_by(AccountLink.account_id)
            .having(
                still_active == 0, by_consent > 0, func.max(AccountLink.ended_at) < ended_before
            )
        )
        result = await self._session.execute(
            select(TelegramAccount).where(TelegramAccount.id.in_(erasable))
        )
        return list(result.scalars())

    async def erase_account(self, account: TelegramAccount) -> None:
        """Delete the account (its links and queued pushes go with it) and take its Telegram
        id out of the audit trail; the consent history keeps its own proof."""
        await self._session.execute(
            update(AuditEvent)
            .where(AuditEvent.actor == f"telegram:{account.telegram_user_id}")
            .values(actor="telegram:erased")
        )
        await self._session.delete(account)
