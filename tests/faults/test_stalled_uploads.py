"""Clients that start a sync upload and stall hold no database connection: health checks and
the diary are still served, and the stalled uploads are answered 408 in the end."""

from __future__ import annotations

import asyncio
import time

from aiogram import Dispatcher
from aiogram.methods import SendMessage

from bot.app import build_web_app
from bot.schools.service import rotate_token
from bot.services import Services
from db.database import Database
from db.models import School
from tests.conftest import SECRET_KEY, ClientFactory
from tests.diary_fixtures import MOTHER, linked_family
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot

STALLED = 25


async def api_token(database: Database, clock: FakeClock, school: School) -> str:
    async with database.unit_of_work() as uow:
        attached = await uow.schools.by_id(school.id)
        assert attached is not None
        return await rotate_token(uow, clock, SECRET_KEY, attached, actor="test")


async def stalled_upload(
    port: int, token: str
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Headers and the first bytes of a 10 kB document, then nothing more."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            "POST /api/v1/sync HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: 10000\r\n\r\n"
            '{"students": ['
        ).encode()
    )
    await writer.drain()
    return reader, writer


async def http_answer(reader: asyncio.StreamReader) -> bytes:
    """The status line, headers and body of one answer (the server may keep the socket)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return head + await reader.readexactly(length)


async def test_stalled_uploads_starve_nobody(
    services: Services,
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    client_for: ClientFactory,
) -> None:
    school = await linked_family(dispatcher, bot, database, clock)
    token = await api_token(database, clock, school)
    client = await client_for(build_web_app(services.with_settings(sync_read_timeout=4.0)))
    port = client.port
    assert port is not None
    uploads = [await stalled_upload(port, token) for _ in range(STALLED)]
    try:
        await asyncio.sleep(0.5)  # every upload is past its token check and waiting for bytes
        started = time.monotonic()
        health = await client.get("/healthz")
        assert health.status == 200
        assert time.monotonic() - started < 2.0
        bot.session.clear()
        calls = await asyncio.wait_for(BotConversation(dispatcher, bot, MOTHER).send("/grades"), 2)
        assert any(isinstance(call, SendMessage) for call in calls)

        # In the end each stalled client is told, and nothing was written for it.
        answers = await asyncio.wait_for(
            asyncio.gather(*(http_answer(reader) for reader, _ in uploads)), 15
        )
        assert all(answer.startswith(b"HTTP/1.1 408 ") for answer in answers)
        assert b"did not arrive within 4 s" in answers[0]
    finally:
        for _, writer in uploads:
            writer.close()
