"""The FakeBotApi HTTP server answers aiogram's real AiohttpSession like Telegram would."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.standin.wire import UploadedFile
from tests.doubles.fake_bot_api import FakeBotApi
from tests.doubles.telegram_updates import BOT_ID, BOT_USERNAME, TEST_TOKEN


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    # A short poll cap keeps "nothing arrives" cases fast.
    async with FakeBotApi(max_poll_wait=0.3) as server:
        yield server


def make_bot(api: FakeBotApi, token: str = TEST_TOKEN) -> Bot:
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    bot = make_bot(api)
    async with bot:  # closes the aiohttp session, or pytest reports an unclosed one
        yield bot


async def test_get_me(api: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.is_bot) == (BOT_ID, BOT_USERNAME, True)
    [call] = api.calls("getme")
    assert (call.token, call.method) == (TEST_TOKEN, "getMe")


async def test_send_message_records_decoded_params(api: FakeBotApi, bot: Bot) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Да", callback_data="yes")]]
    )

    first = await bot.send_message(1001, "42", reply_markup=markup, disable_notification=True)
    second = await bot.send_message(1001, "ещё")

    call = api.calls("sendMessage")[0]
    assert call.params["chat_id"] == 1001
    assert call.params["text"] == "42"  # free text is never JSON-decoded
    assert call.params["disable_notification"] is True
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Да", "callback_data": "yes"}]]
    }
    assert isinstance(first, Message)
    assert (first.chat.id, first.text) == (1001, "42")
    assert first.reply_markup is not None
    assert first.reply_markup.model_dump() == markup.model_dump()
    assert second.message_id == first.message_id + 1


async def test_injected_429_raises_retry_after_once(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)

    with pytest.raises(TelegramRetryAfter) as raised:
        await bot.send_message(1001, "a")

    assert raised.value.retry_after == 3
    assert (await bot.send_message(1001, "b")).text == "b"


async def test_wrong_token_is_unauthorized(api: FakeBotApi) -> None:
    async with make_bot(api, token="43:SOME-OTHER-TOKEN") as stranger:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()

    assert api.calls()[0].token == "43:SOME-OTHER-TOKEN"


async def test_unknown_method_and_bad_request(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(TelegramNotFound, match="method not found"):
        await bot.get_chat(1001)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(1001, "")


async def test_document_upload_arrives_as_file(api: FakeBotApi, bot: Bot) -> None:
    upload = BufferedInputFile(b"%PDF-1.4 report", filename="report.pdf")

    message = await bot.send_document(1001, upload, caption="Табель")

    call = await api.wait_for_call("sendDocument")
    document = call.params["document"]
    assert isinstance(document, UploadedFile)
    assert (document.filename, document.data) == ("report.pdf", b"%PDF-1.4 report")
    assert call.params["caption"] == "Табель"
    assert message.document is not None
    assert message.document.file_name == "report.pdf"


async def test_long_polling_returns_pushed_update(api: FakeBotApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_for_call("getUpdates")
    assert not poll.done()

    pushed = api.push_message("/ping", user_id=1001)
    updates = await asyncio.wait_for(poll, timeout=2)

    assert [update.update_id for update in updates] == [pushed["update_id"]]
    assert updates[0].message is not None
    assert updates[0].message.text == "/ping"
    # Confirming with offset forgets the update; an empty poll times out with [].
    started = time.monotonic()
    assert await bot.get_updates(offset=pushed["update_id"] + 1, timeout=5) == []
    assert time.monotonic() - started < 2
    assert api.pending_updates == []
    with pytest.raises(ValueError, match="not above"):
        api.push_update({"update_id": pushed["update_id"], "message": {}})


async def test_methods_are_case_insensitive_and_accept_json(api: FakeBotApi) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{api.base_url}/bot{TEST_TOKEN}/SENDMESSAGE", json={"chat_id": 7, "text": "json"}
        ) as response,
    ):
        body = await response.json()

    assert response.status == 200
    assert body["ok"] is True
    assert body["result"]["chat"]["id"] == 7
    assert api.calls("sendMessage")[0].params == {"chat_id": 7, "text": "json"}


async def test_wait_for_call_times_out_listing_calls(api: FakeBotApi, bot: Bot) -> None:
    await bot.get_me()

    with pytest.raises(TimeoutError, match="getMe"):
        await api.wait_for_call("sendMessage", timeout=0.05)


async def test_latency_delays_answers() -> None:
    async with FakeBotApi(latency=(0.1, 0.1)) as api:
        bot = make_bot(api)
        async with bot:
            started = time.monotonic()
            await bot.get_me()
            assert time.monotonic() - started >= 0.1


async def test_dispatcher_polling_answers_pushed_command(api: FakeBotApi) -> None:
    answered = asyncio.Event()
    router = Router()

    @router.message(Command("ping"))
    async def ping(message: Message) -> None:
        await message.answer("pong")
        answered.set()

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    api.push_message("/ping", user_id=1001)
    # start_polling closes the bot's session itself on the way out.
    polling = asyncio.create_task(
        dispatcher.start_polling(make_bot(api), handle_signals=False, polling_timeout=1)
    )
    try:
        call = await api.wait_for_call("sendMessage", timeout=5)
        # Let the handler receive its response before the session is closed under it.
        await asyncio.wait_for(answered.wait(), timeout=5)
    finally:
        if not polling.done():
            await dispatcher.stop_polling()
        await polling

    assert call.params["chat_id"] == 1001
    assert call.params["text"] == "pong"
    # allowed_updates is resolved from the registered handlers.
    assert api.calls("getUpdates")[0].params["allowed_updates"] == ["message"]
