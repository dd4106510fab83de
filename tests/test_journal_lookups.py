"""Looking journal items up by external id costs the chunk looked up, not the school's table:
each id is a probe of the unique (school_id, external_id) index, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, inspect, text
from sqlalchemy.ext.asyncio import AsyncSession

import db.models  # noqa: F401
from db.base import Base, table_of
from db.database import Database
from db.dialect import insert_many, select_by_external_id
from db.models import School, Subject
from db.models.school import JournalItem

NOW = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
STORED = 3000  # a few thousand rows: enough for a planner to prefer a scan if it could


async def test_every_journal_table_has_the_unique_school_external_id_index(
    database: Database,
) -> None:
    journal_tables = sorted(
        table.name
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, JournalItem)
        for table in mapper.tables
    )
    assert len(journal_tables) == 13

    def unique_keys(connection: Any) -> dict[str, list[list[str]]]:
        inspector = inspect(connection)
        return {
            name: [c["column_names"] for c in inspector.get_unique_constraints(name)]
            + [i["column_names"] for i in inspector.get_indexes(name) if i["unique"]]
            for name in journal_tables
        }

    async with database.engine.connect() as connection:
        keys = await connection.run_sync(unique_keys)
    missing = [name for name in journal_tables if ["school_id", "external_id"] not in keys[name]]
    assert missing == []


async def _two_schools(session: AsyncSession) -> tuple[int, int]:
    """Two schools with the same external ids; only the first has STORED subjects."""
    first = School(name="Первая", timezone="Europe/Moscow", settings={}, created_at=NOW)
    second = School(name="Вторая", timezone="Europe/Moscow", settings={}, created_at=NOW)
    session.add_all([first, second])
    await session.flush()
    rows = [
        {"school_id": school.id, "external_id": f"s{i}", "name": f"Предмет {i}",
         "created_at": NOW, "updated_at": NOW}
        for school, count in ((first, STORED), (second, 10))
        for i in range(count)
    ]  # fmt: skip
    await insert_many(session, table_of(Subject), rows)
    # Fresh statistics, as after autovacuum: with them a plain join against the list is
    # planned as a hash join over the whole table.
    await session.execute(text("ANALYZE subject"))
    return first.id, second.id


async def _plan(session: AsyncSession, statement: Select[Any]) -> str:
    """The database's own plan for ``statement`` with its real parameters."""
    connection = await session.connection()
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    parameters = tuple(compiled.params[name] for name in compiled.positiontup or ())
    explain = "EXPLAIN " if connection.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    result = await connection.exec_driver_sql(explain + str(compiled), parameters)
    return "\n".join(str(row[-1]) for row in result.all())


async def test_a_chunk_is_looked_up_through_the_unique_index(database: Database) -> None:
    async with database.unit_of_work() as uow:
        school_id, other_id = await _two_schools(uow.session)
        table = table_of(Subject)
        wanted = [f"s{i}" for i in range(0, STORED, 2)] + ["never-sent"]
        statement = select_by_external_id(
            uow.session, table, school_id, wanted, table.c.external_id, table.c.school_id
        )
        plan = await _plan(uow.session, statement)
        if database.dialect == "postgresql":
            assert "Scan using uq_subject_school_external on subject" in plan, plan
            assert "Seq Scan on subject" not in plan, plan
        else:
            # SEARCH, not SCAN: both columns of the unique index are probed per id.
            assert "SCAN subject" not in plan, plan
            assert "INDEX sqlite_autoindex_subject_1 (school_id=? AND external_id=?)" in plan, plan
        rows = (await uow.session.execute(statement)).all()
        assert sorted(rows) == sorted((external_id, school_id) for external_id in wanted[:-1])
        # The other school's items with the same external ids are not this school's.
        found = await uow.journal.ids_by_external_id(Subject, other_id, wanted)
        assert sorted(found) == [f"s{i}" for i in range(0, 10, 2)]
        rows_found = await uow.journal.rows_by_external_id(Subject, school_id, ["s1", "s2"])
        assert {name: row["name"] for name, row in rows_found.items()} == {
            "s1": "Предмет 1", "s2": "Предмет 2",
        }  # fmt: skip
