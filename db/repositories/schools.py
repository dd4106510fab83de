"""Schools and their exchange API tokens."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import School


class SchoolRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, school: School) -> School:
        self._session.add(school)
        await self._session.flush()
        return school

    async def by_id(self, school_id: int) -> School | None:
        return await self._session.get(School, school_id)

    async def get(self, school_id: int) -> School:
        """A school that must exist (a foreign key points at it)."""
        found = await self._session.get(School, school_id)
        if found is None:
            raise LookupError(f"no school {school_id}")
        return found

    async def locked(self, school_id: int) -> School | None:
        """The school re-read and locked until the transaction ends (PostgreSQL; SQLite has
        one writer anyway), so two read-modify-writes of its settings cannot interleave."""
        result = await self._session.execute(
            select(School)
            .where(School.id == school_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def by_name(self, name: str) -> list[School]:
        # Compared in Python: SQLite's lower() folds ASCII only, not Cyrillic.
        wanted = name.strip().casefold()
        return [school for school in await self.all() if school.name.casefold() == wanted]

    async def by_token_hash(self, token_hash: str) -> School | None:
        result = await self._session.execute(
            select(School).where(School.api_token_hash == token_hash)
        )
        return result.scalar_one_or_none()

    async def all(self) -> list[School]:
        result = await self._session.execute(select(School).order_by(School.id))
        return list(result.scalars())
