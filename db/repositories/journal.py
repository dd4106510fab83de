"""Set-based reads and writes of journal items, always scoped to one school."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base, table_of
from db.dialect import among, insert_many, select_by_external_id, upsert
from db.models import ChangeRecord, CurriculumRow, GuardianStudent, SyncRun

# Few enough bound parameters per statement for both SQLite and asyncpg.
CHUNK = 5000
T = TypeVar("T")


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class JournalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def ids_by_external_id(
        self, model: type[Base], school_id: int, external_ids: Iterable[str]
    ) -> dict[str, int]:
        table = table_of(model)
        wanted = sorted(set(external_ids))
        found: dict[str, int] = {}
        for part in chunks(wanted):
            statement = select_by_external_id(
                self._session, table, school_id, part, table.c.external_id, table.c.id
            )
            result = await self._session.execute(statement)
            found.update({external_id: id_ for external_id, id_ in result.all()})
        return found

    async def rows_by_external_id(
        self, model: type[Base], school_id: int, external_ids: Iterable[str]
    ) -> dict[str, dict[str, Any]]:
        table = table_of(model)
        wanted = sorted(set(external_ids))
        found: dict[str, dict[str, Any]] = {}
        for part in chunks(wanted):
            statement = select_by_external_id(self._session, table, school_id, part)
            result = await self._session.execute(statement)
            for row in result.mappings():
                found[row["external_id"]] = dict(row)
        return found

    async def upsert_by_external_id(
        self, model: type[Base], rows: Sequence[dict[str, Any]]
    ) -> dict[str, int]:
        returned = await upsert(
            self._session,
            table_of(model),
            rows,
            conflict=("school_id", "external_id"),
            keep=("created_at",),
            returning=("external_id", "id"),
        )
        return {row[0]: row[1] for row in returned}

    async def insert_new(self, model: type[Base], rows: Sequence[dict[str, Any]]) -> dict[str, int]:
        """Insert items the school does not have yet; their ids by external id."""
        if not rows:
            return {}
        await insert_many(self._session, table_of(model), rows)
        return await self.ids_by_external_id(
            model, rows[0]["school_id"], [row["external_id"] for row in rows]
        )

    async def delete_by_id(self, model: type[Base], ids: Sequence[int]) -> None:
        table = table_of(model)
        for part in chunks(list(ids)):
            await self._session.execute(delete(table).where(among(self._session, table.c.id, part)))

    async def guardian_students(self, guardian_ids: Sequence[int]) -> dict[int, set[int]]:
        links: dict[int, set[int]] = {guardian: set() for guardian in guardian_ids}
        table = table_of(GuardianStudent)
        for part in chunks(list(guardian_ids)):
            result = await self._session.execute(
                select(table.c.guardian_id, table.c.student_id).where(
                    among(self._session, table.c.guardian_id, part)
                )
            )
            for guardian_id, student_id in result.all():
                links[guardian_id].add(student_id)
        return links

    async def replace_guardian_students(self, links: dict[int, set[int]]) -> None:
        table = table_of(GuardianStudent)
        guardians = list(links)
        for part in chunks(guardians):
            await self._session.execute(
                delete(table).where(among(self._session, table.c.guardian_id, part))
            )
        pairs = [
            {"guardian_id": guardian, "student_id": student}
            for guardian, students in links.items()
            for student in sorted(students)
        ]
        if pairs:
            await self._session.execute(table.insert(), pairs)

    async def curriculum_rows(
        self, school_id: int, keys: Sequence[tuple[int, int, int, int]]
    ) -> dict[tuple[int, int, int, int], dict[str, Any]]:
        table = table_of(CurriculumRow)
        columns = (table.c.class_id, table.c.subject_id, table.c.teacher_id, table.c.period_id)
        found: dict[tuple[int, int, int, int], dict[str, Any]] = {}
        for part in chunks(sorted(set(keys)), 1000):
            result = await self._session.execute(
                select(table).where(table.c.school_id == school_id, tuple_(*columns).in_(part))
            )
            for row in result.mappings():
                key = (row["class_id"], row["subject_id"], row["teacher_id"], row["period_id"])
                found[key] = dict(row)
        return found

    async def upsert_curriculum(self, rows: Sequence[dict[str, Any]]) -> None:
        await upsert(
            self._session,
            table_of(CurriculumRow),
            rows,
            conflict=("class_id", "subject_id", "teacher_id", "period_id"),
            keep=("created_at",),
        )

    async def add_sync_run(self, run: SyncRun) -> SyncRun:
        self._session.add(run)
        await self._session.flush()
        return run

    async def add_change_records(self, records: Sequence[dict[str, Any]]) -> None:
        await insert_many(self._session, table_of(ChangeRecord), records)

    async def count_referencing(
        self,
        model: type[Base],
        column: str,
        ids: Sequence[int],
        school_id: int,
        *,
        apart_from: Iterable[str] = (),
    ) -> dict[int, int]:
        """How many rows of ``model`` point at each of ``ids`` through ``column``, not
        counting the items with the external ids ``apart_from``; ids left with none are
        left out. A GROUP BY over all the ids, never a query per id."""
        table = table_of(model)
        target = table.c[column]
        counts: Counter[int] = Counter()
        for part in chunks(list(ids)):
            result = await self._session.execute(
                select(target, func.count())
                .where(table.c.school_id == school_id, among(self._session, target, part))
                .group_by(target)
            )
            counts.update({id_: count for id_, count in result.all()})
        # Subtract the excluded items' own references: looked up by external id (index
        # probes), and only those pointing at one of ``ids`` count.
        for names in chunks(sorted(set(apart_from)) if counts else []):
            statement = select_by_external_id(self._session, table, school_id, names, target)
            result = await self._session.execute(statement)
            counts.subtract(id_ for (id_,) in result.all() if id_ in counts)
        return {id_: count for id_, count in counts.items() if count > 0}

    async def delete_curriculum(self, ids: Sequence[int]) -> None:
        await self.delete_by_id(CurriculumRow, ids)
