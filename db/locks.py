"""A lock held for as long as a process lives: which instance runs the scheduler."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

SCHEDULER_LOCK_ID = 0x6564_6961_7273  # any constant shared by all instances


class InstanceLock:
    """A PostgreSQL session-level advisory lock on a connection kept open.

    If the holding process dies, its connection closes and PostgreSQL frees the lock, so a
    standby instance takes over. SQLite serves one process, which always holds it.
    """

    def __init__(self, engine: AsyncEngine, key: int = SCHEDULER_LOCK_ID) -> None:
        self._engine = engine
        self._key = key
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
            # Without a commit the lock is still held: it belongs to the session, not to a
            # transaction; ending the implicit transaction keeps the connection idle.
            await connection.commit()
        except BaseException:
            await connection.close()
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
            await self._drop()
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
        finally:
            await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()
