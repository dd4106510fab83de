"""One database session per update, job or request, with the repositories over it."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
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
    from db.repositories.mail import MailRepository
    from db.repositories.office import OfficeRepository
    from db.repositories.outbox import OutboxRepository
    from db.repositories.outbox_figures import OutboxFiguresRepository
    from db.repositories.reports import ReportRepository
    from db.repositories.schools import SchoolRepository
    from db.repositories.teachers import TeacherRepository


class UnitOfWork:
    """What a service gets: repositories sharing one session, and the commit.

    Repositories never commit; the service that owns the business operation decides when
    its changes form a whole, and calls :meth:`commit` once.

    Each repository is built (and its module imported) when first asked for: the models
    behind them take a good part of a second to load, and a short command such as
    ``ediary status`` needs none of them.
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @cached_property
    def accounts(self) -> AccountRepository:
        from db.repositories.accounts import AccountRepository

        return AccountRepository(self.session)

    @cached_property
    def alerts(self) -> AlertRepository:
        from db.repositories.alerts import AlertRepository

        return AlertRepository(self.session)

    @cached_property
    def audit(self) -> AuditRepository:
        from db.repositories.audit import AuditRepository

        return AuditRepository(self.session)

    @cached_property
    def changes(self) -> ChangeRepository:
        from db.repositories.changes import ChangeRepository

        return ChangeRepository(self.session)

    @cached_property
    def contacts(self) -> ContactRepository:
        from db.repositories.contacts import ContactRepository

        return ContactRepository(self.session)

    @cached_property
    def mail(self) -> MailRepository:
        from db.repositories.mail import MailRepository

        return MailRepository(self.session)

    @cached_property
    def diary(self) -> DiaryRepository:
        from db.repositories.diary import DiaryRepository

        return DiaryRepository(self.session)

    @cached_property
    def documents(self) -> DocumentRepository:
        from db.repositories.documents import DocumentRepository

        return DocumentRepository(self.session)

    @cached_property
    def finals(self) -> FinalsRepository:
        from db.repositories.finals import FinalsRepository

        return FinalsRepository(self.session)

    @cached_property
    def journal(self) -> JournalRepository:
        from db.repositories.journal import JournalRepository

        return JournalRepository(self.session)

    @cached_property
    def linking(self) -> LinkingRepository:
        from db.repositories.linking import LinkingRepository

        return LinkingRepository(self.session)

    @cached_property
    def office(self) -> OfficeRepository:
        from db.repositories.office import OfficeRepository

        return OfficeRepository(self.session)

    @cached_property
    def outbox(self) -> OutboxRepository:
        from db.repositories.outbox import OutboxRepository

        return OutboxRepository(self.session)

    @cached_property
    def outbox_figures(self) -> OutboxFiguresRepository:
        from db.repositories.outbox_figures import OutboxFiguresRepository

        return OutboxFiguresRepository(self.session)

    @cached_property
    def reports(self) -> ReportRepository:
        from db.repositories.reports import ReportRepository

        return ReportRepository(self.session)

    @cached_property
    def schools(self) -> SchoolRepository:
        from db.repositories.schools import SchoolRepository

        return SchoolRepository(self.session)

    @cached_property
    def teachers(self) -> TeacherRepository:
        from db.repositories.teachers import TeacherRepository

        return TeacherRepository(self.session)

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()

    async def ping(self) -> None:
        await self.session.execute(text("SELECT 1"))
