"""Fixtures every capability's tests reuse: databases on both back-ends, the production
dispatcher over a recording bot, a fake clock, the CLI runner."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from click.testing import CliRunner
from sqlalchemy.engine import URL

from bot.app import build_dispatcher
from bot.i18n import build_i18n
from db.database import Database
from tests.databases import (
    PostgresServer,
    create_empty_postgres,
    create_postgres_copy,
    drop_postgres_database,
    find_postgres_server,
    fresh_sqlite,
    postgres_template,
    run_in_own_loop,
    sqlite_template,
)
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot

DIALECTS = ["sqlite", "postgresql"]
# Every setting the application reads; tests clear them so a developer's environment or
# .env cannot change what is tested.
SETTING_NAMES = (
    "BOT_TOKEN",
    "BOT_USERNAME",
    "DATABASE_URL",
    "TELEGRAM_API_URL",
    "TELEGRAM_API_LOCAL",
    "REDIS_URL",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "HTTP_HOST",
    "HTTP_PORT",
    "DEFAULT_TIMEZONE",
    "SECRET_KEY",
    "LOG_LEVEL",
    "SYNC_MAX_BYTES",
    "DELIVERY_RATE",
    "ALLOW_PAID_BROADCAST",
    "PUBLIC_URL",
)
# The key the test dispatcher hashes codes with; services under test must use the same.
SECRET_KEY = "test-secret-key-" + "k" * 32


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    return find_postgres_server()


@pytest.fixture(scope="session")
def sqlite_template_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_template_name(postgres_server: PostgresServer) -> Iterator[str]:
    if postgres_server.admin_url is None:
        pytest.skip(postgres_server.skip_reason or "no PostgreSQL")
    admin_url = postgres_server.admin_url
    name = postgres_template(admin_url)
    yield name
    run_in_own_loop(drop_postgres_database(admin_url, name))


@pytest.fixture(params=DIALECTS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_server: PostgresServer
) -> AsyncIterator[URL]:
    """A fresh database at the newest schema, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield fresh_sqlite(request.getfixturevalue("sqlite_template_file"), tmp_path)
        return
    template = request.getfixturevalue("postgres_template_name")
    assert postgres_server.admin_url is not None
    url = await create_postgres_copy(postgres_server.admin_url, template)
    yield url
    await drop_postgres_database(postgres_server.admin_url, str(url.database))


@pytest.fixture
async def database(database_url: URL) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def i18n() -> I18n:
    return build_i18n()


@pytest.fixture
def bot() -> RecordingBot:
    return RecordingBot()


@pytest.fixture
def dispatcher(database: Database, clock: FakeClock, i18n: I18n) -> Dispatcher:
    """The production dispatcher, wired exactly as ``ediary run`` wires it."""
    return build_dispatcher(database=database, clock=clock, i18n=i18n, secret_key=SECRET_KEY)


@pytest.fixture(params=DIALECTS)
async def empty_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_server: PostgresServer
) -> AsyncIterator[URL]:
    """A database with no schema at all, for tests of migrating it (both back-ends)."""
    if request.param == "sqlite":
        yield URL.create("sqlite+aiosqlite", database=str(tmp_path / "empty.sqlite3"))
        return
    if postgres_server.admin_url is None:
        pytest.skip(postgres_server.skip_reason or "no PostgreSQL")
    url = await create_empty_postgres(postgres_server.admin_url)
    yield url
    await drop_postgres_database(postgres_server.admin_url, str(url.database))


@pytest.fixture
def cli_runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A CLI runner in an empty working directory, with no setting leaking in from outside."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()
