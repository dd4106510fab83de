"""Two ``ediary run`` instances behind a load balancer, in webhook mode, on one PostgreSQL
and one Redis: a conversation begun on one instance goes on on the other, because its state
lives in Redis (aiogram's RedisStorage), not in either process.

The father presses «Write to the class teacher» through instance A; his next message
reaches instance B, which knows he is writing and relays it to the teacher.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Dispatcher
from sqlalchemy import select
from sqlalchemy.engine import URL

from bot.finals.buttons import WriteTeacher
from db.database import Database
from db.models import OutboxMessage
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock
from tests.doubles.fake_bot_api import FakeBotApi
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import (
    TEST_TOKEN,
    bot_message_dict,
    callback_update_data,
    message_update_data,
)
from tests.finals_fixtures import TEACHER, school_with_teacher
from tests.test_change_pushes import FATHER
from tests.test_run_end_to_end import free_port, process_environment, run_ediary
from tests.test_storage import redis_url  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.slow,
    pytest.mark.own_processes,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]
HOOK, SECRET = "https://bot.example.org/telegram/hook", "instances-share-0123456789"


@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


async def until_healthy(session: aiohttp.ClientSession, port: int) -> None:
    for _ in range(1200):  # a Python process that loads aiogram starts slowly on a busy machine
        try:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"the instance on port {port} never answered")


async def deliver(session: aiohttp.ClientSession, port: int, update: dict[str, Any]) -> None:
    async with session.post(
        f"http://127.0.0.1:{port}/telegram/hook",
        data=json.dumps(update),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
    ) as response:
        assert response.status == 200, await response.text()


async def test_a_conversation_goes_on_on_another_instance(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, database_url: URL,
    clock: FakeClock, telegram: FakeBotApi, redis_url: str, tmp_path: Path,  # noqa: F811
) -> None:  # fmt: skip
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    async with database.unit_of_work() as uow:
        child = await uow.linking.student(school.id, "s1")
        assert child is not None
    ports = [free_port(), free_port()]
    instances = []
    for port in ports:
        env = process_environment(
            BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_URL=telegram.base_url, REDIS_URL=redis_url,
            DATABASE_URL=database_url.render_as_string(hide_password=False),
            SECRET_KEY=SECRET_KEY, WEBHOOK_URL=HOOK, WEBHOOK_SECRET=SECRET, HTTP_PORT=str(port),
        )  # fmt: skip
        instances.append(await run_ediary("run", env=env, cwd=tmp_path))
    try:
        async with aiohttp.ClientSession() as session:
            for port in ports:
                await until_healthy(session, port)
            under = bot_message_dict(message_id=77, chat_id=FATHER.id, date=clock.now())
            press = callback_update_data(
                WriteTeacher(student=child.id).pack(), user=FATHER, message=under
            )
            await deliver(session, ports[0], press)
            await deliver(session, ports[1], message_update_data("Когда собрание?", user=FATHER))
    finally:
        for instance in instances:
            instance.send_signal(signal.SIGTERM)
        outputs = [await asyncio.wait_for(i.communicate(), 60) for i in instances]
    assert [i.returncode for i in instances] == [0, 0], outputs

    to_father = [
        str(call.params["text"])
        for call in telegram.calls("sendMessage")
        if int(call.params["chat_id"]) == FATHER.id
    ]
    assert to_father[0].startswith("Напишите сообщение классному руководителю")  # from A
    assert to_father[1] == "Отправлено. Ответ придёт сюда."  # from B: it knew he was writing
    async with database.unit_of_work() as uow:
        relayed = (
            await uow.session.execute(select(OutboxMessage).where(OutboxMessage.kind == "relay"))
        ).scalar_one()
        teacher = await uow.accounts.by_telegram_user(TEACHER.id)
        assert teacher is not None
        assert relayed.account_id == teacher.id
        assert "Когда собрание?" in relayed.payload["text"]
