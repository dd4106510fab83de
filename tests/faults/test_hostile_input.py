"""Bad input and failing handlers get a clear answer: a malformed webhook body is a 400, a
handler that fails still answers the person, and secrets stay out of the access log."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.utils.i18n import I18n
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_dispatcher, build_web_app
from bot.services import Services
from bot.web.access_log import SecretMaskingAccessLogger, mask_secrets
from db.database import Database
from tests.conftest import ClientFactory, services_for, with_webhook
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser

WEBHOOK_URL, SECRET = "https://bot.example.org/hook", "s3cr3t"
SECRET_HEADER = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'{"update_id": "seven"}',
        b'{"update_id": 1, "message": {"text": "no chat, no date"}}',
        b"",
    ],
)
async def test_a_malformed_update_with_the_right_secret_is_a_400(
    services: Services,
    dispatcher: Dispatcher,
    bot: RecordingBot,
    client_for: ClientFactory,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
) -> None:
    client = await client_for(
        build_web_app(with_webhook(services, WEBHOOK_URL, SECRET), dispatcher=dispatcher)
    )
    response = await client.post("/hook", data=body, headers=SECRET_HEADER)
    assert response.status == 400
    assert await response.json() == {"error": "not a Telegram update"}
    refused = [r for r in caplog.records if "not a Telegram update" in r.getMessage()]
    assert len(refused) == 1
    assert refused[0].exc_info is None  # one line, no traceback
    bot.session.assert_no_calls()


@pytest.fixture
async def unreachable_database() -> AsyncIterator[Database]:
    # Port 1 on loopback: nothing listens, so every query fails at once.
    broken = Database("postgresql+asyncpg://postgres@127.0.0.1:1/ediary")
    yield broken
    await broken.dispose()


async def test_a_failing_handler_still_answers_with_a_reference(
    unreachable_database: Database, clock: FakeClock, i18n: I18n, bot: RecordingBot,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    dispatcher = build_dispatcher(services_for(unreachable_database, clock, bot=bot, i18n=i18n))
    chat = BotConversation(dispatcher, bot, TelegramUser(id=8801, language_code="ru"))
    [answer] = await chat.send("/grades")
    assert isinstance(answer, SendMessage)
    assert answer.chat_id == 8801
    assert answer.text.startswith("Что-то пошло не так, попробуйте ещё раз.")
    reference = answer.text.rsplit(" ", 1)[-1]
    assert len(reference) == 6
    [logged] = [r for r in caplog.records if reference in r.getMessage()]
    assert logged.exc_info is not None  # the log has the traceback to go with the reference

    english = BotConversation(dispatcher, bot, TelegramUser(id=8802, language_code="en"))
    calls = await english.forge("settings:whatever", message_id=1)  # made-up data
    assert isinstance(calls[0], AnswerCallbackQuery)  # the button stops spinning
    assert isinstance(calls[1], SendMessage)
    assert calls[1].text.startswith("Something went wrong, please try again.")


def test_calendar_tokens_are_masked_in_the_access_log() -> None:
    assert mask_secrets("/calendar/AbC-123_xyz.ics") == "/calendar/***.ics"
    assert mask_secrets("/calendar/AbC-123_xyz.ics?x=1") == "/calendar/***.ics?x=1"
    assert mask_secrets("/healthz") == "/healthz"
    assert mask_secrets("/api/v1/sync") == "/api/v1/sync"


async def test_the_access_log_has_no_calendar_token(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    app: web.Application = build_web_app(services)
    server = TestServer(app)
    await server.start_server(access_log_class=SecretMaskingAccessLogger)  # as ediary run
    client = TestClient(server)
    await client.start_server()
    try:
        with caplog.at_level(logging.INFO, logger="aiohttp.access"):
            response = await client.get("/calendar/sEcReTtOkEn123.ics")
        assert response.status == 404
    finally:
        await client.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert len(lines) == 1
    assert '"GET /calendar/***.ics HTTP/1.1" 404' in lines[0]
    assert "sEcReTtOkEn123" not in caplog.text


GONE = "Эта кнопка больше не работает. Пожалуйста, отправьте команду ещё раз."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("nobody:handles:this", GONE),
        ("x" * 64, GONE),
        ("consent:1", "Запрос устарел. Отправьте код ещё раз."),  # no code is waiting
        ("d:zz:1:2026-09-01", "Этот дневник вам недоступен."),  # a diary button, forged
    ],
)
async def test_a_button_nobody_handles_is_answered_and_changes_nothing(
    dispatcher: Dispatcher, bot: RecordingBot, data: str, expected: str
) -> None:
    chat = BotConversation(dispatcher, bot, TelegramUser(id=8803))
    await chat.send("/start")
    [answer] = await chat.forge(data)
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.text == expected
