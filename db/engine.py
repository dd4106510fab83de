"""Engines and sessions. Nothing here runs at import: callers build what they need."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

SUPPORTED_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


class UnsupportedDatabaseUrl(ValueError):
    """The URL is not one this service can use; the message says why."""


def normalize_database_url(raw: str) -> URL:
    """Parse a database URL and pick the async driver we ship (aiosqlite or asyncpg).

    ``postgresql://`` and ``sqlite:///`` are accepted as people write them; other
    back-ends are refused rather than failing later inside a driver.
    """
    try:
        url = make_url(raw)
    except ArgumentError as error:
        raise UnsupportedDatabaseUrl(f"cannot parse {raw!r}") from error
    driver = SUPPORTED_DRIVERS.get(url.drivername)
    if driver is None:
        raise UnsupportedDatabaseUrl(
            f"unsupported database {url.drivername!r} (only SQLite and PostgreSQL are supported)"
        )
    url = url.set(drivername=driver)
    if url.get_backend_name() == "postgresql" and not url.database:
        raise UnsupportedDatabaseUrl("no database name in the PostgreSQL URL")
    return url


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_file(url: URL) -> str | None:
    """The file behind an SQLite URL, or None for an in-memory database."""
    if not is_sqlite(url) or url.database in (None, "", ":memory:"):
        return None
    return url.database


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless asked per connection; WAL lets the bot read while
    # the worker writes; busy_timeout turns brief lock contention into waiting, not errors.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str | URL, *, echo: bool = False) -> AsyncEngine:
    parsed = normalize_database_url(url) if isinstance(url, str) else url
    if is_sqlite(parsed):
        engine = _create_async_engine(parsed, echo=echo)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        return engine
    return _create_async_engine(parsed, echo=echo, pool_pre_ping=True, pool_size=10)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: a handler may still read what it loaded after the service
    # committed, without a lazy load (which async sessions cannot do implicitly).
    return async_sessionmaker(engine, expire_on_commit=False)
