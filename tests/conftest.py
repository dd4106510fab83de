"""Fixtures every capability's tests reuse: databases on both back-ends, the production
dispatcher over a recording bot, a fake clock, the CLI runner."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner, Result
from pydantic import HttpUrl, SecretStr
from sqlalchemy.engine import URL

from bot.app import build_dispatcher
from bot.config import Settings
from bot.digests.delivery import DeliveryWorker
from bot.i18n import build_i18n
from bot.services import Services, build_delivery_worker
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
from tests.doubles.fake_time import FakeTime
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
    "SYNC_READ_TIMEOUT",
    "DELIVERY_RATE",
    "ALLOW_PAID_BROADCAST",
    "PUBLIC_URL",
    "SMTP_URL",
    "MAIL_FROM",
    "MAIL_REPLY_TO",
    "MAIL_RATE",
    "MAIL_INBOUND",
)
# The key the test dispatcher hashes codes with; services under test must use the same.
SECRET_KEY = "test-secret-key-" + "k" * 32


CLOCK_AT_ZONE = ZoneInfo("Europe/Moscow")  # the demo school's and the fixtures' zone


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-at",
        metavar="HH:MM",
        help="Run the suite with the real clock pinned to this school time (Europe/Moscow) "
        "today, and ticking from there: proves no test depends on the time of day.",
    )


@pytest.fixture(scope="session", autouse=True)
def real_clock_at(pytestconfig: pytest.Config) -> Iterator[None]:
    """``--clock-at 20:30``: the system clock (``datetime.now``, ``time.time``) starts at that
    school time, as if CI ran in the evening; monotonic clocks are left alone."""
    option = pytestconfig.getoption("--clock-at")
    if not option:
        yield
        return
    try:
        at = time.fromisoformat(option)
    except ValueError as error:
        raise pytest.UsageError(f"--clock-at {option!r}: give HH:MM") from error
    start = datetime.combine(datetime.now(CLOCK_AT_ZONE).date(), at, tzinfo=CLOCK_AT_ZONE)
    with time_machine.travel(start, tick=True):
        yield


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
def bot() -> Iterator[RecordingBot]:
    """The recording Bot; a test that made a Bot API call nothing was scripted for fails,
    even when the code under test swallowed the error."""
    bot = RecordingBot()
    yield bot
    assert bot.session.unexpected == [], bot.session.unexpected


def settings_for_test(database_url: URL, **values: Any) -> Settings:
    """Settings as a test states them: the defaults and ``values``, never the environment
    or a .env file of the machine running the tests."""
    return Settings.model_construct(
        database_url=database_url.render_as_string(hide_password=False),
        secret_key=SecretStr(SECRET_KEY),
        **values,
    )


def services_for(
    database: Database, clock: FakeClock, *, bot: Bot | None = None,
    i18n: I18n | None = None,
) -> Services:  # fmt: skip
    """Services over this database and clock (and the recording bot, when one is given)."""
    return Services(
        settings=settings_for_test(database.engine.url),
        database=database,
        clock=clock,
        given_bot=bot,
        given_i18n=i18n,
        given_secret_key=SECRET_KEY,
    )


@pytest.fixture
def services(database: Database, clock: FakeClock, i18n: I18n, bot: RecordingBot) -> Services:
    """The services as ``ediary run`` builds them, with the fake clock and the recording
    Bot session: nothing else is overridden."""
    return services_for(database, clock, bot=bot, i18n=i18n)


def worker_for(
    database: Database, bot: Bot, clock: FakeClock, fake: FakeTime | None = None,
    *, name: str = "worker",
) -> DeliveryWorker:  # fmt: skip
    """The delivery worker as production builds it, on this database and bot (and on fake
    monotonic time, so pacing never waits)."""
    worker = replace(build_delivery_worker(services_for(database, clock, bot=bot)), name=name)
    if fake is not None:
        worker = replace(worker, sleep=fake.sleep, monotonic=fake.monotonic)
    return worker


def with_webhook(services: Services, url: str, secret: str) -> Services:
    """The same services with ``WEBHOOK_URL`` and ``WEBHOOK_SECRET`` set."""
    return services.with_settings(webhook_url=HttpUrl(url), webhook_secret=SecretStr(secret))


@pytest.fixture
def dispatcher(services: Services) -> Dispatcher:
    """The production dispatcher, wired exactly as ``ediary run`` wires it."""
    return build_dispatcher(services)


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


class ClockedCliRunner(CliRunner):
    """Runs ``ediary`` commands with the test's clock, as production runs them with the
    system's: no command under test ever reads the real time."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock

    def invoke(self, *args: Any, **kwargs: Any) -> Result:
        kwargs.setdefault("obj", {"clock": self.clock})
        return super().invoke(*args, **kwargs)


@pytest.fixture
def cli_runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clock: FakeClock) -> CliRunner:
    """A CLI runner in an empty working directory, with no setting leaking in from outside,
    on the test's clock."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return ClockedCliRunner(clock)


ClientFactory = Callable[[web.Application], Awaitable[TestClient[web.Request, web.Application]]]


@pytest.fixture
async def client_for() -> AsyncIterator[ClientFactory]:
    """Serves an aiohttp application on a free local port; closed after the test."""
    clients: list[TestClient[web.Request, web.Application]] = []

    async def start(app: web.Application) -> TestClient[web.Request, web.Application]:
        client = TestClient(TestServer(app))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()
