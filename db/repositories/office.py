"""The office console's reads and writes: sign-in links, sessions, and the views of the
register and the audit trail that the command line never needed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from db.models import (
    AccountLink,
    AccountRole,
    AuditEvent,
    ConsentRecord,
    LinkCode,
    OfficeSession,
    OfficeSignInLink,
    SchoolClass,
)

AUDIT_PAGE = 200  # the newest events a page shows; filters narrow it down


@dataclass(frozen=True)
class AuditFilter:
    school_id: int
    subject_type: str | None = None
    subject_id: int | None = None
    action_prefix: str | None = None  # "consent." matches every consent event
    since: datetime | None = None
    before: datetime | None = None


class OfficeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # Sign-in links ------------------------------------------------------------------------

    def add_sign_in_link(self, link: OfficeSignInLink) -> None:
        self._session.add(link)

    async def claim_sign_in_link(self, token_hash: str, now: datetime) -> OfficeSignInLink | None:
        """Spend a live link in one conditional statement: of two browsers opening it at
        once exactly one gets it (PostgreSQL re-checks after waiting; SQLite has one writer)."""
        link = await self.sign_in_link(token_hash)
        if link is None:
            return None
        result = await self._session.execute(
            update(OfficeSignInLink)
            .where(
                OfficeSignInLink.id == link.id,
                OfficeSignInLink.used_at.is_(None),
                OfficeSignInLink.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        set_committed_value(link, "used_at", now)
        return link

    async def sign_in_link(self, token_hash: str) -> OfficeSignInLink | None:
        result = await self._session.execute(
            select(OfficeSignInLink).where(OfficeSignInLink.token_hash == token_hash)
        )
        return result.scalar_one_or_none()

    # Sessions -----------------------------------------------------------------------------

    def add_session(self, session: OfficeSession) -> None:
        self._session.add(session)

    async def session_by_hash(self, token_hash: str) -> OfficeSession | None:
        result = await self._session.execute(
            select(OfficeSession).where(OfficeSession.token_hash == token_hash)
        )
        return result.scalar_one_or_none()

    async def open_sessions(self, account_id: int, seen_since: datetime) -> list[OfficeSession]:
        result = await self._session.execute(
            select(OfficeSession)
            .where(
                OfficeSession.account_id == account_id,
                OfficeSession.revoked_at.is_(None),
                OfficeSession.last_seen_at > seen_since,
            )
            .order_by(OfficeSession.last_seen_at.desc(), OfficeSession.id.desc())
        )
        return list(result.scalars())

    async def revoke_sessions(
        self, account_id: int, now: datetime, *, session_id: int | None = None
    ) -> int:
        """End the account's open sessions (or just one of them); how many were ended."""
        statement = update(OfficeSession).where(
            OfficeSession.account_id == account_id, OfficeSession.revoked_at.is_(None)
        )
        if session_id is not None:
            statement = statement.where(OfficeSession.id == session_id)
        result = await self._session.execute(
            statement.values(revoked_at=now).execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    # Staff ---------------------------------------------------------------------------------

    async def staff_links(self, account_id: int) -> list[AccountLink]:
        """The account's active admin and teacher links, earliest first."""
        result = await self._session.execute(
            select(AccountLink)
            .where(
                AccountLink.account_id == account_id,
                AccountLink.ended_at.is_(None),
                AccountLink.role.in_((AccountRole.ADMIN, AccountRole.TEACHER)),
            )
            .order_by(AccountLink.linked_at, AccountLink.id)
        )
        return list(result.scalars())

    async def school_class(self, class_id: int) -> SchoolClass | None:
        return await self._session.get(SchoolClass, class_id)

    # The register ---------------------------------------------------------------------------

    async def consent_history(self, guardian_id: int) -> list[ConsentRecord]:
        """Every record of a guardian's consent, newest first."""
        result = await self._session.execute(
            select(ConsentRecord)
            .where(ConsentRecord.guardian_id == guardian_id)
            .order_by(ConsentRecord.recorded_at.desc(), ConsentRecord.id.desc())
        )
        return list(result.scalars())

    async def linked_guardians(self, student_ids: Sequence[int]) -> set[tuple[int, int]]:
        """(guardian, child) pairs with an active guardian link in the bot."""
        if not student_ids:
            return set()
        result = await self._session.execute(
            select(AccountLink.guardian_id, AccountLink.student_id).where(
                AccountLink.student_id.in_(list(student_ids)),
                AccountLink.role == AccountRole.GUARDIAN,
                AccountLink.ended_at.is_(None),
            )
        )
        pairs: set[tuple[int, int]] = set()
        for guardian, student in result.all():
            if guardian is not None and student is not None:  # the role guarantees both
                pairs.add((guardian, student))
        return pairs

    async def guardians_with_open_codes(
        self, guardian_ids: Sequence[int], now: datetime
    ) -> set[int]:
        """Guardians holding a code that still works: re-issuing would revoke it."""
        if not guardian_ids:
            return set()
        result = await self._session.execute(
            select(LinkCode.guardian_id).where(
                LinkCode.guardian_id.in_(list(guardian_ids)),
                LinkCode.used_at.is_(None),
                LinkCode.revoked_at.is_(None),
                LinkCode.expires_at > now,
            )
        )
        return {guardian for guardian in result.scalars() if guardian is not None}

    # The audit trail -----------------------------------------------------------------------

    async def audit_events(self, wanted: AuditFilter) -> list[AuditEvent]:
        statement = select(AuditEvent).where(AuditEvent.school_id == wanted.school_id)
        if wanted.subject_type is not None:
            statement = statement.where(AuditEvent.subject_type == wanted.subject_type)
        if wanted.subject_id is not None:
            statement = statement.where(AuditEvent.subject_id == wanted.subject_id)
        if wanted.action_prefix:
            statement = statement.where(AuditEvent.action.startswith(wanted.action_prefix))
        if wanted.since is not None:
            statement = statement.where(AuditEvent.occurred_at >= wanted.since)
        if wanted.before is not None:
            statement = statement.where(AuditEvent.occurred_at < wanted.before)
        result = await self._session.execute(
            statement.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(
                AUDIT_PAGE
            )
        )
        return list(result.scalars())
