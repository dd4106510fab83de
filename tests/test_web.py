"""The HTTP server: health, and the webhook's secret-token check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage

from bot.app import build_web_app
from bot.services import Services
from db.database import Database
from tests.conftest import ClientFactory, services_for, with_webhook
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser, message_update_data

WEBHOOK_URL, SECRET = "https://bot.example.org/telegram/hook", "s3cr3t"


async def test_healthz_reports_a_reachable_database(
    services: Services, client_for: ClientFactory
) -> None:
    client = await client_for(build_web_app(services))
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "database": "ok"}


async def test_healthz_reports_an_unreachable_database(client_for: ClientFactory) -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    broken = Database("postgresql+asyncpg://postgres@127.0.0.1:1/ediary")
    try:
        client = await client_for(build_web_app(services_for(broken, FakeClock())))
        response = await client.get("/healthz")
        assert response.status == 503
        assert (await response.json())["database"] == "unreachable"
    finally:
        await broken.dispose()


def start_update(user: TelegramUser) -> dict[str, Any]:
    return message_update_data("/start", user=user)


@pytest.mark.parametrize("header", [None, "wrong"])
async def test_webhook_refuses_requests_without_the_secret(
    services: Services, dispatcher: Dispatcher, bot: RecordingBot, client_for: ClientFactory,
    header: str | None,
) -> None:  # fmt: skip
    client = await client_for(
        build_web_app(with_webhook(services, WEBHOOK_URL, SECRET), dispatcher=dispatcher)
    )
    headers = {"X-Telegram-Bot-Api-Secret-Token": header} if header else {}
    response = await client.post(
        "/telegram/hook", json=start_update(TelegramUser(id=501)), headers=headers
    )
    assert response.status == 401
    assert bot.session.calls(SendMessage) == []


async def test_webhook_with_the_secret_is_handled_before_answering(
    services: Services, dispatcher: Dispatcher, bot: RecordingBot, client_for: ClientFactory
) -> None:
    client = await client_for(
        build_web_app(with_webhook(services, WEBHOOK_URL, SECRET), dispatcher=dispatcher)
    )
    response = await client.post(
        "/telegram/hook",
        json=start_update(TelegramUser(id=502, first_name="Мария")),
        headers={"X-Telegram-Bot-Api-Secret-Token": "s3cr3t"},
    )
    assert response.status == 200
    sent = bot.session.last(SendMessage)
    assert sent.chat_id == 502
    assert "Здравствуйте, <b>Мария</b>!" in sent.text


def test_webhook_needs_the_dispatcher(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3")
    services = with_webhook(services_for(database, FakeClock()), WEBHOOK_URL, SECRET)
    with pytest.raises(ValueError, match="needs the dispatcher"):
        build_web_app(services)
