"""Alembic environment: migrates over a connection handed in by ``db.migrate``, or builds
its own engine from ``sqlalchemy.url`` when run by the ``alembic`` command line."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

import db.models  # noqa: F401  (registers every table on the metadata)
from db.base import Base
from db.engine import create_engine

config = context.config
target_metadata = Base.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables there and is a no-op
        # wrapper on PostgreSQL, so one revision serves both.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    shared = config.attributes.get("connection")
    if shared is not None:
        run_migrations(shared)
    else:
        asyncio.run(run_with_own_engine(config.get_main_option("sqlalchemy.url") or ""))
