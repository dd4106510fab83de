"""``ediary worker`` on an extra machine: the Telegram worker and, when ``SMTP_URL`` is set,
the mail worker beside it (in process, against the Telegram stand-in and an aiosmtpd sink,
on both databases)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiogram.utils.i18n import I18n
from pydantic import HttpUrl, SecretStr

from bot.runtime import serve_worker
from bot.services import Services
from db.database import Database
from db.models import OutboxStatus
from tests.conftest import SECRET_KEY, settings_for_test
from tests.doubles.clock import FakeClock
from tests.doubles.fake_bot_api import FakeBotApi
from tests.doubles.telegram_updates import TEST_TOKEN
from tests.mail_fixtures import SENDER, RunningSink, letter_rows, smtp_sink
from tests.test_mail_delivery import MOTHER_ASCII, mother_on_mail, queue

__all__ = ["smtp_sink"]  # the fixture, used by name


def worker_services(
    database: Database, clock: FakeClock, i18n: I18n, api: FakeBotApi, smtp_url: str | None
) -> Services:
    settings = settings_for_test(
        database.engine.url,
        bot_token=SecretStr(TEST_TOKEN),
        telegram_api_url=HttpUrl(api.base_url),
        smtp_url=SecretStr(smtp_url) if smtp_url else None,
        mail_from=SENDER if smtp_url else None,
        mail_rate=50.0,
    )
    return Services(
        settings=settings, database=database, clock=clock, given_i18n=i18n,
        given_secret_key=SECRET_KEY,
    )  # fmt: skip


async def run_until(
    stop: asyncio.Event, condition: Callable[[], object], seconds: float = 20
) -> None:
    """Let the worker run until ``condition`` holds (polled: the worker has no hook)."""
    try:
        for _ in range(int(seconds / 0.05)):
            if condition():
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()


async def test_the_worker_sends_letters_when_smtp_url_is_set(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink
) -> None:
    school, mother = await mother_on_mail(database, clock)
    await queue(database, clock, school, mother, "w1")
    async with FakeBotApi() as api:
        services = worker_services(database, clock, i18n, api, smtp_sink.url)
        stop = asyncio.Event()
        running = asyncio.create_task(serve_worker(services, stop=stop))
        await run_until(stop, lambda: smtp_sink.sink.received or running.done())
        await asyncio.wait_for(running, 20)
    [received] = smtp_sink.sink.received
    assert received.recipients == [MOTHER_ASCII]
    [row] = await letter_rows(database)
    assert row.status == OutboxStatus.SENT


async def test_without_smtp_url_the_worker_leaves_letters_waiting(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink
) -> None:
    school, mother = await mother_on_mail(database, clock)
    await queue(database, clock, school, mother, "w2")
    async with FakeBotApi() as api:
        services = worker_services(database, clock, i18n, api, None)
        stop = asyncio.Event()
        running = asyncio.create_task(serve_worker(services, stop=stop))
        # The Telegram worker is running once it has asked who the bot is.
        await run_until(stop, lambda: bool(api.calls("getMe")) or running.done())
        await asyncio.sleep(0.5)
        stop.set()
        await asyncio.wait_for(running, 20)
    assert smtp_sink.sink.received == []
    [row] = await letter_rows(database)
    assert row.status == OutboxStatus.PENDING
