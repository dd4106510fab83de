"""Where SQLite and PostgreSQL differ: upserts and locks. Covered on both databases."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    Table,
    any_,
    bindparam,
    func,
    select,
    text,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def _insert(session: AsyncSession, table: Table) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def upsert(
    session: AsyncSession,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: Sequence[str],
    keep: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """``INSERT … ON CONFLICT (conflict) DO UPDATE`` of many rows in batched statements.

    Columns in ``keep`` are written on insert only (e.g. ``created_at``). Both databases
    batch the rows into multi-row statements ("insertmanyvalues"), RETURNING included.
    """
    if not rows:
        return []
    statement = _insert(session, table)
    updated = [c for c in rows[0] if c not in conflict and c not in keep and c != "id"]
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict),
        set_={column: statement.excluded[column] for column in updated},
    )
    if returning:
        statement = statement.returning(*(table.c[name] for name in returning))
        result = await session.execute(statement, list(rows))
        return [tuple(row) for row in result.all()]
    await session.execute(statement, list(rows))
    return []


async def insert_ignoring_conflicts(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]
) -> None:
    """``INSERT … ON CONFLICT DO NOTHING``: for idempotent writes keyed by a unique column."""
    if rows:
        await session.execute(_insert(session, table).on_conflict_do_nothing(), list(rows))


async def insert_one_ignoring_conflict(
    session: AsyncSession, table: Table, row: dict[str, Any]
) -> bool:
    """One row, ``ON CONFLICT DO NOTHING``; True when it was inserted (both drivers report
    the row count of a single-row insert)."""
    result = await session.execute(_insert(session, table).on_conflict_do_nothing(), row)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def serialize(session: AsyncSession, purpose: str, key: int) -> None:
    """Serialise work of one kind per key (a school, an account) until the transaction ends.

    PostgreSQL: a transaction-level advisory lock on (purpose, key). SQLite has one writer:
    a no-op write takes the database's write lock at once, so whatever the transaction reads
    next nobody else can change before it commits (SQLite's driver starts a transaction
    only at the first write; reads before it see no lock at all).
    """
    if session.get_bind().dialect.name == "postgresql":
        lock_key = ((zlib.crc32(purpose.encode()) << 31) ^ key) % (2**63)
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key})
    else:
        await session.execute(text("UPDATE school SET id = id WHERE 0"))


async def lock_for_school(session: AsyncSession, purpose: str, school_id: int) -> None:
    """Serialise work of one kind per school until the transaction ends."""
    await serialize(session, purpose, school_id)


def skipping_locked(session: AsyncSession, statement: Select[Any]) -> Select[Any]:
    """Rows for a worker to claim: on PostgreSQL ``FOR UPDATE SKIP LOCKED``, so concurrent
    workers take different rows instead of waiting on each other; SQLite's single writer
    serialises the claims anyway (and has no row locks)."""
    if session.get_bind().dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True)
    return statement


def among(session: AsyncSession, column: ColumnElement[Any], values: Sequence[Any]) -> Any:
    """``column IN (values)`` for long lists, as a WHERE condition.

    On PostgreSQL one array parameter (``= ANY($1)``) instead of thousands of parameters.
    Use it where an index on ``column`` alone serves the lookup (primary and foreign keys);
    for look-ups by external id within a school use :func:`select_by_external_id`.
    """
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def select_by_external_id(
    session: AsyncSession,
    table: Table,
    school_id: int,
    external_ids: Sequence[str],
    *columns: ColumnElement[Any],
) -> Select[Any]:
    """``SELECT columns FROM table WHERE school_id = … AND external_id IN (external_ids)``:
    one probe of the unique ``(school_id, external_id)`` index per id, so looking up a chunk
    costs the chunk, not the school's table (a sync stays linear in its document).

    The result has the selected columns' names (all of ``table``'s by default); wrap it in
    ``.subquery()`` to filter or group it further.

    PostgreSQL: the ids are one array parameter, unnested, each joined LATERAL to a
    ``LIMIT 1`` look-up (the pair is unique, so the limit changes nothing). A plain join
    against ``unnest`` is planned as a hash join over the school's whole table for every
    chunk, whatever the statistics say; the lateral subquery cannot be flattened into such
    a join, so each id is an index probe. SQLite plans ``IN (…)`` on the index's leading
    columns as exactly such probes (``SEARCH … USING INDEX … (school_id=? AND
    external_id=?)``); a join against ``json_each`` would scan instead.
    """
    selected = columns or tuple(table.c)
    if session.get_bind().dialect.name != "postgresql":
        return select(*selected).where(
            table.c.school_id == school_id, table.c.external_id.in_(external_ids)
        )
    array = postgresql.ARRAY(table.c.external_id.type)
    wanted = (
        func.unnest(bindparam(None, list(external_ids), type_=array))
        .table_valued("value")
        .render_derived(name="wanted")
    )
    found = (
        select(*selected)
        .where(table.c.school_id == school_id, table.c.external_id == wanted.c.value)
        .limit(1)
        .lateral("found")
    )
    return select(*found.c).select_from(wanted).join(found, true())


async def insert_many(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows known to be new, as fast as the database allows.

    PostgreSQL: ``COPY`` through the session's own asyncpg connection, inside the same
    transaction (several times faster than multi-row INSERTs for a district's grades).
    SQLite: a batched executemany INSERT.
    """
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        await session.execute(table.insert(), list(rows))
        return
    columns = list(rows[0])
    json_columns = {name for name in columns if isinstance(table.c[name].type, JSON)}
    records = [
        tuple(
            json.dumps(row[name], ensure_ascii=False) if name in json_columns else row[name]
            for name in columns
        )
        for row in rows
    ]
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
        table.name, records=records, columns=columns
    )
