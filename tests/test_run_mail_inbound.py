"""``ediary run`` with ``MAIL_INBOUND``: the receiver of replies starts with the rest (in
process, against the Telegram stand-in, on both databases), refuses what is not a reply
address, reaches the database for one that is, and stops with the process; a port in use
is one line at start."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiogram.utils.i18n import I18n
from pydantic import HttpUrl, SecretStr

from bot.config import ConfigurationError
from bot.runtime import StartupFailed, serve
from bot.services import Services, build_inbound_mail
from db.database import Database
from tests.conftest import SECRET_KEY, settings_for_test
from tests.doubles.clock import FakeClock
from tests.doubles.fake_bot_api import FakeBotApi
from tests.doubles.telegram_updates import TEST_TOKEN
from tests.mail_fixtures import SENDER, RunningSink, smtp_sink
from tests.test_mail_replies import REPLIES, reply, smtp

__all__ = ["smtp_sink"]  # the fixture, used by name


@pytest.fixture
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_services(
    database: Database, clock: FakeClock, i18n: I18n, api: FakeBotApi, sink: RunningSink,
    inbound: str | None,
) -> Services:  # fmt: skip
    settings = settings_for_test(
        database.engine.url,
        bot_token=SecretStr(TEST_TOKEN),
        telegram_api_url=HttpUrl(api.base_url),
        http_port=0,
        smtp_url=SecretStr(sink.url),
        mail_from=SENDER,
        mail_inbound=inbound,
    )
    return Services(
        settings=settings, database=database, clock=clock, given_i18n=i18n,
        given_secret_key=SECRET_KEY,
    )  # fmt: skip


async def listening(port: int, seconds: float = 20) -> bool:
    for _ in range(int(seconds / 0.05)):
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return True
    return False


async def test_run_receives_replies_while_it_runs(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink, free_port: int
) -> None:
    async with FakeBotApi() as api:
        services = run_services(database, clock, i18n, api, smtp_sink, f"127.0.0.1:{free_port}")
        stop = asyncio.Event()
        running = asyncio.create_task(serve(services, stop=stop))
        try:
            assert await listening(free_port)
            assert (await smtp(free_port, "x@example.org", reply("x@example.org", "x")))[0] == 550
            # A valid address of a guardian the school does not have: read, and refused.
            nobody = REPLIES.address_for("g999", clock.now()).addr_spec
            assert await smtp(free_port, nobody, reply(nobody, "Здравствуйте")) == (
                550, "5.1.1 This address no longer takes replies; please contact the school"
            )  # fmt: skip
        finally:
            stop.set()
            await asyncio.wait_for(running, 20)
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", free_port)


async def test_a_port_in_use_stops_the_start_with_one_line(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with FakeBotApi() as api:
            services = run_services(database, clock, i18n, api, smtp_sink, f"127.0.0.1:{port}")
            with pytest.raises(StartupFailed) as caught:
                await asyncio.wait_for(serve(services, stop=asyncio.Event()), 20)
    assert str(caught.value).startswith(f"cannot receive replies on 127.0.0.1:{port} (")
    assert "change MAIL_INBOUND" in str(caught.value)


async def test_without_mail_inbound_nothing_listens_and_without_a_sender_it_is_refused(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink
) -> None:
    async with FakeBotApi() as api:
        services = run_services(database, clock, i18n, api, smtp_sink, None)
        assert build_inbound_mail(services) is None
        without_sender = services.with_settings(mail_inbound="127.0.0.1:2525", mail_from=None)
        with pytest.raises(ConfigurationError, match="MAIL_INBOUND needs MAIL_FROM"):
            build_inbound_mail(without_sender)
