"""The try mode end to end without a browser: ``run_try`` serving the real bot, and the page's
API used as the page uses it. The class teacher's announcement reaches the demo parent's
chat as a push through the outbox and the delivery worker; the report the teacher asks for
comes as a document the page can download."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from sqlalchemy.engine import URL

from bot.trying.mode import run_try
from tests.conftest import settings_for_test
from tests.test_try_browser import free_port

pytestmark = pytest.mark.slow
NOW = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Moscow


class Page:
    """The try page's API, as its script calls it."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session, self.base = session, base

    async def chat(self, person: str) -> dict[str, Any]:
        async with self.session.get(f"{self.base}/try/api/chats/{person}?since=0") as answer:
            assert answer.status == 200
            result: dict[str, Any] = await answer.json()
            return result

    async def last(self, person: str, wanted: str, timeout: float = 30) -> dict[str, Any]:  # noqa: ASYNC109
        """The person's latest message from the bot that contains ``wanted`` (other pushes,
        such as final grades, may come meanwhile)."""
        async with asyncio.timeout(timeout):
            while True:
                for message in reversed((await self.chat(person))["messages"]):
                    shown = message["html"] + message["caption_html"] + str(message.get("document"))
                    if message["from_bot"] and wanted in shown:
                        found: dict[str, Any] = message
                        return found
                await asyncio.sleep(0.2)

    async def send(self, person: str, text: str) -> None:
        url = f"{self.base}/try/api/chats/{person}/messages"
        async with self.session.post(url, json={"text": text}) as answer:
            assert answer.status == 200

    async def press(self, person: str, message: dict[str, Any], data_prefix: str) -> None:
        [data] = [b["data"] for row in message["buttons"] for b in row
                  if b.get("data", "").startswith(data_prefix)][:1]  # fmt: skip
        url = f"{self.base}/try/api/chats/{person}/buttons"
        async with self.session.post(url, json={"message_id": message["id"], "data": data}) as a:
            assert a.status == 200


@pytest.fixture
async def page(database_url: URL) -> AsyncIterator[Page]:
    port = free_port()
    settings = settings_for_test(database_url, http_port=port, http_host="127.0.0.1")
    ready, stop = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(
        run_try(settings, clock=_Fixed(), announce=lambda line: ready.set(), stop=stop)
    )
    waiting = asyncio.create_task(ready.wait())
    await asyncio.wait({waiting, running}, timeout=120, return_when="FIRST_COMPLETED")
    waiting.cancel()
    assert not running.done(), "ediary run --try stopped at start"
    try:
        async with aiohttp.ClientSession() as session:
            yield Page(session, f"http://127.0.0.1:{port}")
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=60)


class _Fixed:
    def now(self) -> datetime:
        return NOW


async def test_an_announcement_reaches_the_parents_chat(page: Page) -> None:
    await page.chat("parent")  # the parent opens the bot: both children linked
    await page.last("parent", "Готово!")
    await page.chat("teacher")
    await page.last("teacher", "Готово!")
    await page.send("teacher", "📣 Объявление")
    await page.press("teacher", await page.last("teacher", "Выберите класс"), "bcls:")
    await page.press("teacher", await page.last("teacher", "Кому отправить"), "baud:guardians")
    await page.last("teacher", "Напишите объявление")  # as a person, types after the prompt
    await page.send("teacher", "Собрание в пятницу в 18:00 <script>alert(1)</script>")
    await page.press("teacher", await page.last("teacher", "Предпросмотр"), "bok:1")
    announcement = await page.last("parent", "Собрание в пятницу")
    assert "&lt;script&gt;" in announcement["html"]  # shown as text, never run
    assert announcement["buttons"][0][0]["text"] == "👍 Прочитано"


async def test_a_report_comes_as_a_document_to_download(page: Page) -> None:
    await page.chat("teacher")
    await page.last("teacher", "Готово!")
    await page.send("teacher", "📄 Отчёты")
    await page.press("teacher", await page.last("teacher", "Для какого класса"), "rcls:")
    await page.press("teacher", await page.last("teacher", "какой отчёт"), "rep:")
    document = (await page.last("teacher", "url", timeout=60))["document"]
    async with page.session.get(page.base + document["url"]) as answer:
        assert answer.status == 200
        assert "attachment" in answer.headers["Content-Disposition"]
        assert len(await answer.read()) == document["size"]
