"""Fresh, migrated databases for tests: SQLite files and PostgreSQL databases.

The schema comes from ``alembic upgrade head`` once per run into a template; each test
then gets its own copy (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL), so tests can commit for real, open several connections, and never collide.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import URL

from db.database import Database
from db.engine import normalize_database_url

LOCAL_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
T = TypeVar("T")


def run_in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run async set-up from sync session fixtures without touching pytest's event loops."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _migrate(url: URL) -> None:
    database = Database(url)
    try:
        await database.migrate()
    finally:
        await database.dispose()


def sqlite_template(directory: Path) -> Path:
    path = directory / "template.sqlite3"
    run_in_own_loop(_migrate(normalize_database_url(f"sqlite+aiosqlite:///{path}")))
    return path


def fresh_sqlite(template: Path, directory: Path) -> URL:
    target = directory / "ediary.sqlite3"
    shutil.copyfile(template, target)
    return normalize_database_url(f"sqlite+aiosqlite:///{target}")


@dataclass(frozen=True)
class PostgresServer:
    """A PostgreSQL server tests may create databases on, or the reason there is none."""

    admin_url: URL | None
    skip_reason: str | None


async def _reachable(url: URL) -> str | None:
    try:
        connection = await asyncpg.connect(asyncpg_dsn(url), timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return f"{type(error).__name__}: {error}"
    await connection.close()
    return None


def find_postgres_server() -> PostgresServer:
    configured = os.environ.get("TEST_DATABASE_URL")
    url = normalize_database_url(configured or LOCAL_POSTGRES)
    problem = run_in_own_loop(_reachable(url))
    if problem is None:
        return PostgresServer(admin_url=url, skip_reason=None)
    if configured:
        # Asked for explicitly (as CI does): unreachable is a failure, never a skip.
        raise RuntimeError(f"TEST_DATABASE_URL is set but PostgreSQL is unreachable: {problem}")
    return PostgresServer(
        admin_url=None,
        skip_reason=(
            "PostgreSQL tests skipped: TEST_DATABASE_URL is not set and no server answers at "
            "127.0.0.1:5432; set TEST_DATABASE_URL=postgresql+asyncpg://user@host/db to run them"
        ),
    )


async def _execute(admin_url: URL, statement: str) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(admin_url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def unique_database_name(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"


def postgres_template(admin_url: URL) -> str:
    name = unique_database_name("ediary_tpl")
    run_in_own_loop(_execute(admin_url, f'CREATE DATABASE "{name}"'))
    run_in_own_loop(_migrate(admin_url.set(database=name)))
    return name


async def create_postgres_copy(admin_url: URL, template: str) -> URL:
    name = unique_database_name("ediary_test")
    await _execute(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return admin_url.set(database=name)


async def drop_postgres_database(admin_url: URL, name: str) -> None:
    await _execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def create_empty_postgres(admin_url: URL) -> URL:
    name = unique_database_name("ediary_empty")
    await _execute(admin_url, f'CREATE DATABASE "{name}"')
    return admin_url.set(database=name)
