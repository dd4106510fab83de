"""The database a process works with: its engine, and units of work over it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine, create_session_factory
from db.schema_version import schema_is_newest

if TYPE_CHECKING:
    from db.unit_of_work import UnitOfWork


class Database:
    def __init__(self, url: str | URL, *, echo: bool = False) -> None:
        self.engine: AsyncEngine = create_engine(url, echo=echo)
        self._sessions = create_session_factory(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        # Imported here: a process that never opens one (``ediary migrate``) need not load
        # the repositories.
        from db.unit_of_work import UnitOfWork

        # Whatever the service did not commit is rolled back when the session closes.
        async with self._sessions() as session:
            yield UnitOfWork(session)

    async def migrate(self) -> None:
        if await schema_is_newest(self.engine):
            return  # the usual case, told without loading Alembic and every model
        from db.migrate import upgrade

        await upgrade(self.engine)

    async def dispose(self) -> None:
        await self.engine.dispose()
