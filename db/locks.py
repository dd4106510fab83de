"""A lock held for as long as a process lives: which instance runs the scheduler."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

SCHEDULER_LOCK_ID = 0x6564_6961_7273  # any constant shared by all instances
HOLDER_PREFIX = "ediary scheduler "


@dataclass(frozen=True)
class LockHolder:
    """Who holds the lock: the name an instance gave (None on SQLite, where the one process
    that runs the scheduler at all holds it) and since when its connection exists."""

    name: str | None
    since: datetime | None

    def describe(self) -> str:
        if self.name is None:
            return "the ediary process (SQLite)"
        return f"{self.name} since {self.since:%Y-%m-%d %H:%M:%S %Z}"


async def find_lock_holder(
    session: AsyncSession, key: int = SCHEDULER_LOCK_ID
) -> LockHolder | None:
    """The lock's holder, or None when nobody holds it.

    On PostgreSQL from pg_locks (a bigint advisory key is split into classid and objid).
    """
    if session.get_bind().dialect.name != "postgresql":
        return LockHolder(name=None, since=None)
    result = await session.execute(
        text(
            "SELECT a.application_name, a.backend_start FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND l.classid = :high AND l.objid = :low AND l.objsubid = 1"
        ),
        {"high": key >> 32, "low": key & 0xFFFF_FFFF},
    )
    row = result.first()
    if row is None:
        return None
    return LockHolder(name=str(row[0] or "").removeprefix(HOLDER_PREFIX) or "unknown", since=row[1])


async def lock_holder(session: AsyncSession, key: int = SCHEDULER_LOCK_ID) -> str | None:
    """Who holds the lock (the holder's name and since when), or None when nobody does."""
    holder = await find_lock_holder(session, key)
    return holder.describe() if holder is not None else None


class InstanceLock:
    """A PostgreSQL session-level advisory lock on a connection kept open.

    If the holding process dies, its connection closes and PostgreSQL frees the lock, so a
    standby instance takes over. SQLite serves one process, which always holds it.
    """

    def __init__(
        self, engine: AsyncEngine, key: int = SCHEDULER_LOCK_ID, *, holder: str = "ediary"
    ) -> None:
        self._engine = engine
        self._key = key
        # Shown as the connection's application_name, so anyone can tell who holds it.
        self.holder = holder[:60]
        self._connection: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None or self._engine.dialect.name != "postgresql"

    async def try_acquire(self) -> bool:
        if self.held:
            return True
        connection = await self._engine.connect()
        try:
            result = await connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            )
            acquired = bool(result.scalar_one())
            if acquired:
                await connection.execute(
                    text("SELECT set_config('application_name', :name, false)"),
                    {"name": f"{HOLDER_PREFIX}{self.holder}"},
                )
            # Without a commit the lock is still held: it belongs to the session, not to a
            # transaction; ending the implicit transaction keeps the connection idle.
            await connection.commit()
        except BaseException:
            await _discard(connection)
            raise
        if acquired:
            self._connection = connection
        else:
            await connection.close()
        return acquired

    async def still_held(self) -> bool:
        """False when the connection holding the lock was lost (the lock went with it)."""
        if self._connection is None:
            return self.held
        try:
            await self._connection.execute(text("SELECT 1"))
            await self._connection.commit()
        except (SQLAlchemyError, OSError):
            await self.forget()
            return False
        return True

    async def release(self) -> None:
        if self._connection is None:
            return
        try:
            await self._connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}
            )
            await self._connection.commit()
        except BaseException:
            await self.forget()
            raise
        connection, self._connection = self._connection, None
        await connection.close()  # unlocked: the connection may serve others again

    async def forget(self) -> None:
        """Give up the lock's connection (after a failure, or when told to): it is closed for
        real, never handed back to the pool, so its database session and the lock end."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await _discard(connection)


async def _discard(connection: AsyncConnection) -> None:
    # A session-level lock lives as long as the database session: a pooled connection
    # would keep it for whoever borrows the connection next.
    with contextlib.suppress(Exception):
        await connection.invalidate()
    with contextlib.suppress(Exception):
        await connection.close()
