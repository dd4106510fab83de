"""``ediary run`` outlives a database outage: /healthz tells the truth meanwhile, and after the
database returns the scheduler is held again and queued pushes go out, with no restart."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy.engine import URL

from db.database import Database
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock
from tests.doubles.fake_bot_api import FakeBotApi
from tests.doubles.recording_session import RecordingBot
from tests.doubles.tcp_proxy import TcpProxy
from tests.doubles.telegram_updates import TEST_TOKEN
from tests.finals_fixtures import final, publish, school_with_teacher
from tests.test_change_pushes import FATHER
from tests.test_run_end_to_end import free_port, process_environment, run_ediary, to_chat

pytestmark = [pytest.mark.slow, pytest.mark.own_processes]


@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


async def health(port: int) -> tuple[int, dict[str, Any]]:
    timeout = aiohttp.ClientTimeout(total=10)
    async with (
        aiohttp.ClientSession(timeout=timeout) as http,
        http.get(f"http://127.0.0.1:{port}/healthz") as response,
    ):
        return response.status, await response.json()


async def wait_for_health(port: int, wanted: Any, *, within: float) -> dict[str, Any]:
    """Poll /healthz until ``wanted(status, body)``; fail with the last answer."""
    deadline = time.monotonic() + within
    last: tuple[int, dict[str, Any]] | None = None
    while time.monotonic() < deadline:
        try:
            last = await health(port)
        except (aiohttp.ClientError, TimeoutError):
            last = None
        if last is not None and wanted(*last):
            return last[1]
        await asyncio.sleep(0.25)
    raise AssertionError(f"/healthz never became what was wanted; last answer: {last}")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_the_scheduler_and_delivery_come_back_after_an_outage(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    database_url: URL,
    clock: FakeClock,
    i18n: I18n,
    telegram: FakeBotApi,
    tmp_path: Path,
) -> None:
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    port = free_port()
    async with TcpProxy(database_url.host or "127.0.0.1", database_url.port or 5432) as proxy:
        through_proxy = database_url.set(host="127.0.0.1", port=proxy.port)
        env = process_environment(
            BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_URL=telegram.base_url,
            DATABASE_URL=through_proxy.render_as_string(hide_password=False),
            SECRET_KEY=SECRET_KEY,
            HTTP_PORT=str(port),
        )
        process = await run_ediary("run", env=env, cwd=tmp_path)
        try:
            await wait_for_health(
                port, lambda status, body: status == 200 and body["scheduler"] == "held here",
                within=60,
            )  # fmt: skip

            proxy.cut()
            down = await wait_for_health(port, lambda status, _: status == 503, within=30)
            assert down["database"] == "unreachable"
            # Final grades are published meanwhile (by another instance, say): they wait.
            assert await publish(database, clock, i18n, school, [final("f1", "math", "5")]) > 0
            # Longer than the scheduler's lock check: it finds the database gone and retries.
            await asyncio.sleep(8)
            assert not telegram.calls("sendMessage")

            proxy.restore()
            up = await wait_for_health(
                port, lambda status, body: status == 200 and body["scheduler"] == "held here",
                within=60,
            )  # fmt: skip
            assert up == {"status": "ok", "database": "ok", "scheduler": "held here"}
            sent = await telegram.wait_for_call("sendMessage", to_chat(FATHER.id), timeout=30)  # type: ignore[arg-type]
            assert "Итоговые оценки" in str(sent.params["text"])
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(process.communicate(), 30)
    log = err.decode()
    assert process.returncode == 0, log
    # The outage is told, not repeated: the first failure in full, then one line on return.
    assert "the scheduler lock (database) recovered after" in log
    assert "delivery pass recovered after" in log
    assert log.count("Traceback") <= 10, log
