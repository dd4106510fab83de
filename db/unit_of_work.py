"""One database session per update, job or request, with the repositories over it."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.repositories.accounts import AccountRepository
from db.repositories.alerts import AlertRepository
from db.repositories.audit import AuditRepository
from db.repositories.changes import ChangeRepository
from db.repositories.contacts import ContactRepository
from db.repositories.diary import DiaryRepository
from db.repositories.documents import DocumentRepository
from db.repositories.finals import FinalsRepository
from db.repositories.journal import JournalRepository
from db.repositories.linking import LinkingRepository
from db.repositories.outbox import OutboxRepository
from db.repositories.reports import ReportRepository
from db.repositories.schools import SchoolRepository
from db.repositories.teachers import TeacherRepository


class UnitOfWork:
    """What a service gets: repositories sharing one session, and the commit.

    Repositories never commit; the service that owns the business operation decides when
    its changes form a whole, and calls :meth:`commit` once.
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.accounts = AccountRepository(session)
        self.alerts = AlertRepository(session)
        self.audit = AuditRepository(session)
        self.changes = ChangeRepository(session)
        self.contacts = ContactRepository(session)
        self.diary = DiaryRepository(session)
        self.documents = DocumentRepository(session)
        self.finals = FinalsRepository(session)
        self.journal = JournalRepository(session)
        self.linking = LinkingRepository(session)
        self.outbox = OutboxRepository(session)
        self.reports = ReportRepository(session)
        self.schools = SchoolRepository(session)
        self.teachers = TeacherRepository(session)

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()

    async def ping(self) -> None:
        await self.session.execute(text("SELECT 1"))
