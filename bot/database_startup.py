"""Making the configured database ready before anything uses it: its directory (SQLite),
the schema's newest revision, and one line that says what is wrong when it cannot be."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from db.database import Database
from db.engine import normalize_database_url, sqlite_file


class DatabaseUnavailable(Exception):
    """The database cannot be reached or migrated; ``str()`` is the one line to show."""


def prepare_sqlite_directory(settings: Settings) -> None:
    database_file = sqlite_file(normalize_database_url(settings.database_url))
    if database_file is not None:
        Path(database_file).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


async def migrate_database(database: Database) -> None:
    try:
        await database.migrate()
    except (OSError, SQLAlchemyError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise DatabaseUnavailable(
            f"DATABASE_URL: cannot reach or migrate the database ({reason}); check that the "
            "server is running and the URL, user and password are right"
        ) from error


async def migrate(settings: Settings) -> None:
    prepare_sqlite_directory(settings)
    database = Database(settings.database_url)
    try:
        await migrate_database(database)
    finally:
        await database.dispose()
