"""``ediary migrate`` then ``ediary run`` as a real process against a fake Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.engine import URL

from bot.standin.wire import RecordedCall
from tests.conftest import SETTING_NAMES
from tests.doubles.fake_bot_api import FakeBotApi
from tests.doubles.telegram_updates import BOT_USERNAME, TEST_TOKEN

pytestmark = [pytest.mark.slow, pytest.mark.own_processes]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_environment(**settings: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k.upper() not in SETTING_NAMES}
    return {**inherited, **settings, "PYTHONUNBUFFERED": "1"}


async def run_ediary(*args: str, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


def to_chat(chat_id: int) -> object:
    return lambda call: isinstance(call, RecordedCall) and call.params.get("chat_id") == chat_id


async def test_migrate_then_run_answers_start_in_both_languages(
    telegram: FakeBotApi, empty_database_url: URL, tmp_path: Path
) -> None:
    port = free_port()
    env = process_environment(
        BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=telegram.base_url,
        DATABASE_URL=empty_database_url.render_as_string(hide_password=False),
        SECRET_KEY="k" * 40,
        HTTP_PORT=str(port),
    )
    migrate = await run_ediary("migrate", env=env, cwd=tmp_path)
    _, err = await asyncio.wait_for(migrate.communicate(), 60)
    assert migrate.returncode == 0, err.decode()

    process = await run_ediary("run", env=env, cwd=tmp_path)
    try:
        await telegram.wait_for_call("getUpdates", timeout=90)
        menus = [call for call in telegram.calls("setMyCommands")]
        assert {call.params.get("language_code") for call in menus} == {None, "en"}

        telegram.push_message("/start", user_id=2001, language_code="ru", first_name="Ольга")
        russian = await telegram.wait_for_call("sendMessage", to_chat(2001), timeout=20)  # type: ignore[arg-type]
        assert str(russian.params["text"]).startswith("Здравствуйте, <b>Ольга</b>!")
        assert russian.params.get("parse_mode") == "HTML"

        telegram.push_message("/start", user_id=2002, language_code="en", first_name="Kate")
        english = await telegram.wait_for_call("sendMessage", to_chat(2002), timeout=20)  # type: ignore[arg-type]
        assert str(english.params["text"]).startswith("Hello, <b>Kate</b>!")

        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            assert response.status == 200
            assert (await response.json())["database"] == "ok"
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, err.decode()
    assert "Traceback" not in err.decode()


async def test_run_survives_a_failing_command_menu(telegram: FakeBotApi, tmp_path: Path) -> None:
    telegram.fail_next("setMyCommands", 500, "Internal Server Error", times=2)
    env = process_environment(
        BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_URL=telegram.base_url, HTTP_PORT=str(free_port())
    )
    process = await run_ediary("run", env=env, cwd=tmp_path)
    try:
        await telegram.wait_for_call("getUpdates", timeout=90)
        telegram.push_message("/help", user_id=2003)
        answer = await telegram.wait_for_call("sendMessage", to_chat(2003), timeout=20)  # type: ignore[arg-type]
        assert str(answer.params["text"]).startswith("<b>Команды</b>")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    log = err.decode()
    assert process.returncode == 0, log
    assert "could not set the bot's command menu; continuing" in log
    # The embedded default: an SQLite file and its generated key in the working directory.
    assert (tmp_path / "ediary.sqlite3").exists()
    assert (tmp_path / "ediary.sqlite3.secret-key").exists()
    assert "generated one and stored it in" in log


async def test_unreachable_telegram_is_one_line_and_exit_1(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there once the probe is closed
    env = process_environment(
        BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=f"http://127.0.0.1:{closed}",
        HTTP_PORT=str(free_port()),
        SECRET_KEY="k" * 40,
    )
    process = await run_ediary("run", env=env, cwd=tmp_path)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1, err.decode()
    assert lines[0].startswith(f"ediary: cannot reach Telegram at http://127.0.0.1:{closed}")
    assert "TELEGRAM_API_URL" in lines[0]
    assert out == b""


async def test_a_refused_token_is_one_line_and_nothing_starts(
    telegram: FakeBotApi, tmp_path: Path
) -> None:
    env = process_environment(
        BOT_TOKEN="999:not-this-bots-token",
        TELEGRAM_API_URL=telegram.base_url,
        HTTP_PORT=str(free_port()),
        SECRET_KEY="k" * 40,
    )
    process = await run_ediary("worker", env=env, cwd=tmp_path)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    assert err.decode().strip().splitlines() == [
        "ediary: Telegram refused BOT_TOKEN (Unauthorized): copy the token from @BotFather again"
    ]
    assert [call.method.lower() for call in telegram.calls()] == ["getme"]


async def test_run_check_answers_ready_and_starts_nothing(
    telegram: FakeBotApi, tmp_path: Path
) -> None:
    env = process_environment(
        BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_URL=telegram.base_url, SECRET_KEY="k" * 40
    )
    process = await run_ediary("run", "--check", env=env, cwd=tmp_path)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert (
        out.decode()
        == f"ready: the database is up to date and Telegram answers as @{BOT_USERNAME}\n"
    )
    assert (tmp_path / "ediary.sqlite3").exists()  # migrated
    assert not telegram.calls("getUpdates")
    assert not telegram.calls("setMyCommands")
