"""The try mode as a newcomer uses it: ``ediary run --try`` serving the real bot, and a
headless Chromium on its chat page signing in as the demo parent, opening grades and the
schedule, paging the schedule (an edit), moving the clock on and acknowledging the final
grades that arrive as a push. Screenshots of each step go to ``screenshots/try/``.

Needs Debian's ``chromium`` and ``chromium-driver``; skipped without them, unless
``REQUIRE_BROWSER=1`` (CI installs them and sets it, so there it never skips).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bot.trying.mode import run_try
from tests.conftest import settings_for_test
from tests.doubles.clock import FakeClock

pytestmark = pytest.mark.slow
# A Wednesday, 10:00 in Moscow: lessons today, nobody's quiet hours.
NOW = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots" / "try"
WAIT = 30.0


def browser_paths() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    reason = "headless Chromium is not installed (Debian: apt install chromium chromium-driver)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_a_newcomer_chats_with_the_bot_in_the_browser(
    database_url: URL, tmp_path: Path
) -> None:
    chromium, driver = browser_paths()
    port = free_port()
    settings = settings_for_test(database_url, http_port=port, http_host="127.0.0.1")
    announced: list[str] = []
    ready, stop = asyncio.Event(), asyncio.Event()

    def announce(line: str) -> None:
        announced.append(line)
        ready.set()

    running = asyncio.create_task(
        run_try(settings, clock=FakeClock(NOW), announce=announce, stop=stop)
    )
    try:
        waiting = asyncio.create_task(ready.wait())
        await asyncio.wait({waiting, running}, timeout=120, return_when="FIRST_COMPLETED")
        waiting.cancel()
        assert not running.done(), "ediary run --try stopped at start"
        assert announced == [
            "try mode: no BOT_TOKEN, so the bot talks to a built-in Telegram stand-in; "
            f"open http://127.0.0.1:{port}/try to chat with it as a parent, a student or a "
            "teacher"
        ]
        await asyncio.to_thread(_chat_as_the_parent, chromium, driver, f"http://127.0.0.1:{port}")
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=60)


def _chat_as_the_parent(chromium: str, driver_path: str, base: str) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=ru"):  # fmt: skip
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        _steps(browser, base)
    finally:
        browser.quit()


def _steps(browser: object, base: str) -> None:
    from selenium.webdriver.chrome.webdriver import WebDriver
    from selenium.webdriver.support.wait import WebDriverWait

    assert isinstance(browser, WebDriver)
    wait = WebDriverWait(browser, WAIT)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def bot_texts() -> list[str]:
        # Read in one go by the page: a message redrawn between a find and a read would be
        # a stale element to Selenium.
        texts: list[str] = browser.execute_script(
            "return [...document.querySelectorAll('.message:not(.mine)')].map(e => e.innerText)"
        )
        return texts

    def text_of(selector: str) -> str:
        text: str | None = browser.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : null",
            selector,
        )
        return text or ""

    def click(selector: str) -> None:
        # Found afresh and clicked by the page: a redrawn message leaves no stale element.
        clicked = browser.execute_script(
            "const e = document.querySelector(arguments[0]); if (e) e.click(); return !!e",
            selector,
        )
        assert clicked, selector

    def shot(name: str) -> None:
        browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))

    def press_key(label: str) -> None:
        count = len(bot_texts())
        # Found and clicked by the page: the keyboard is redrawn whenever the chat changes.
        pressed = browser.execute_script(
            "const key = [...document.querySelectorAll('#keyboard button')]"
            ".find(b => b.innerText.includes(arguments[0])); if (key) key.click(); return !!key",
            label,
        )
        assert pressed, label
        wait.until(lambda _: len(bot_texts()) > count)

    browser.get(f"{base}/try?lang=ru#parent")
    # Opening the chat sends the two letters' codes: the bot links both children.
    wait.until(lambda _: sum("Готово!" in text for text in bot_texts()) == 2)
    shot("1-linked")

    press_key("Оценки")
    assert "Оценки" in bot_texts()[-1]
    press_key("Расписание")
    message_id = browser.execute_script(
        "return [...document.querySelectorAll('.message:not(.mine)')].pop().dataset.messageId"
    )
    before = text_of(f'.message[data-message-id="{message_id}"]')
    assert "Расписание" in before
    shot("2-schedule")

    # Paging the schedule edits the same message in place, as Telegram shows it.
    selector = f'.message[data-message-id="{message_id}"]'
    # The »-button pages to the next day (its callback data ends with that date).
    later = browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].find(b => b.innerText === '»')"
        ".dataset.data",
        f"{selector} .inline-keyboard button",
    )
    click(f'{selector} .inline-keyboard button[data-data="{later}"]')
    wait.until(lambda _: text_of(selector) not in ("", before))
    assert "изменено" in text_of(f"{selector} .meta")
    shot("3-schedule-edited")

    # An hour later the final-grades job has run: the push arrives in the open chat.
    click('[data-jump="hour"]')
    wait.until(lambda _: sum("Итоговые оценки" in text for text in bot_texts()) == 2)
    finals_id = browser.execute_script(
        "return [...document.querySelectorAll('.message:not(.mine)')]"
        ".find(e => e.innerText.includes('Итоговые оценки')).dataset.messageId"
    )
    button = f'.message[data-message-id="{finals_id}"] .inline-keyboard button'
    unacknowledged = text_of(button)
    click(button)
    # The button now says when the grades were acknowledged.
    wait.until(lambda _: text_of(button) not in ("", unacknowledged))
    shot("4-final-grades-acknowledged")
    console = browser.get_log("browser")  # type: ignore[no-untyped-call]
    assert [entry for entry in console if entry["level"] == "SEVERE"] == []
