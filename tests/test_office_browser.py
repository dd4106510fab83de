"""The office console as the school's office uses it, in a real headless Chromium: sign in
by link, record a paper consent, issue codes and download the letters, change a setting
and find it in ``ediary school settings``, sign out everywhere. Screenshots of each page go
to ``screenshots/office/`` (git-ignored) for review.

Needs Debian's ``chromium`` and ``chromium-driver``; skipped without them, unless
``REQUIRE_BROWSER=1`` (CI installs them and sets it, so there it never skips).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from click.testing import CliRunner
from sqlalchemy.engine import URL

from bot.app import build_web_app
from bot.cli import main as cli
from bot.services import Services
from tests.conftest import SECRET_KEY
from tests.office_fixtures import ADMIN_ID, OfficeSchool, office_school, sign_in_link

pytestmark = pytest.mark.slow
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots" / "office"
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


async def test_the_office_works_in_a_browser(
    services: Services, database_url: URL, cli_runner: CliRunner, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    chromium, driver = browser_paths()
    place = await office_school(services.database, services.clock)  # type: ignore[arg-type]
    named = services.with_settings(bot_username="ediary_school_bot")
    server = TestServer(build_web_app(named), host="127.0.0.1")
    await server.start_server()
    try:
        link = await sign_in_link(named, ADMIN_ID, place.school)
        base = str(server.make_url("")).rstrip("/")
        downloads = tmp_path / "downloads"
        downloads.mkdir()
        await asyncio.to_thread(_work_in_the_office, chromium, driver, base + link, downloads)
    finally:
        await server.close()
    # What the browser changed is what the command line reads.
    monkeypatch.setenv("DATABASE_URL", database_url.render_as_string(hide_password=False))
    monkeypatch.setenv("SECRET_KEY", SECRET_KEY)
    shown = await asyncio.to_thread(
        cli_runner.invoke, cli, ["school", "settings", str(place.school.id), "--json"]
    )
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["digest_hour"] == 20
    await _the_register_holds_the_consent(services, place)


async def _the_register_holds_the_consent(services: Services, place: OfficeSchool) -> None:
    async with services.database.unit_of_work() as uow:
        consents = await uow.linking.current_consents(
            [g.id for g, _s, _c in await uow.linking.guardian_pairs(school_id=place.school.id)]
        )
    assert [record.document_ref for record in consents.values()] == ["№ 12 от 01.09.2026"]


def _work_in_the_office(chromium: str, driver_path: str, link: str, downloads: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=ru"):  # fmt: skip
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "intl.accept_languages": "ru"}
    )
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        browser.execute_cdp_cmd(
            "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        _steps(browser, link, downloads)
    finally:
        browser.quit()


def _steps(browser: object, link: str, downloads: Path) -> None:
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.chrome.webdriver import WebDriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    assert isinstance(browser, WebDriver)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = link.split("/office/")[0]

    def shot(name: str) -> None:
        browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))

    def text() -> str:
        return browser.find_element(By.TAG_NAME, "body").text

    def shows(wanted: str) -> bool:
        """Waits for the page (a form's answer may still be loading) to show ``wanted``."""

        def present(_driver: object) -> bool:
            try:
                return wanted in text()
            except StaleElementReferenceException:
                return False  # the next page replaced this one mid-read

        try:
            WebDriverWait(browser, WAIT).until(present)
        except TimeoutException:
            return False
        return True

    # Sign in by the link: a page with a button, then the overview.
    browser.get(link)
    assert shows("Вход в кабинет школы"), text()
    shot("01-sign-in")
    browser.find_element(By.ID, "sign-in").click()
    assert shows("Семьи по классам"), text()
    assert shows("5А"), text()
    shot("02-overview")

    # Record a paper consent for the first family of 5А.
    browser.find_element(By.LINK_TEXT, "Реестр согласий").click()
    browser.find_element(By.ID, "family-1").click()
    browser.find_element(By.CSS_SELECTOR, 'input[name="state"][value="granted"]').click()
    browser.find_element(By.NAME, "number").send_keys("12")
    browser.find_element(By.ID, "record").click()
    assert shows("Записано для 1 семьи."), text()
    assert shows("№ 12 от 01.09.2026"), text()
    shot("03-register")
    browser.find_elements(By.LINK_TEXT, "История")[0].click()
    assert shows("История согласия"), text()
    assert shows(f"office:{ADMIN_ID}"), text()
    shot("04-family-history")

    # Issue the class's codes and download the letters.
    browser.find_element(By.LINK_TEXT, "Коды и письма").click()
    shot("05-codes")
    browser.find_element(By.ID, "issue-class").click()
    letters = _downloaded(downloads, ".pdf")
    assert letters.read_bytes().startswith(b"%PDF")
    browser.get(base + "/office/codes")
    assert shows("код действует"), text()
    assert shows("Выдать заново"), text()

    # Reports: the form, and a download.
    browser.find_element(By.LINK_TEXT, "Отчёты").click()
    shot("06-reports")

    # Change a setting.
    browser.find_element(By.LINK_TEXT, "Настройки").click()
    hour = browser.find_element(By.NAME, "digest_hour")
    hour.clear()
    hour.send_keys("25")
    browser.find_element(By.ID, "save-settings").click()
    assert shows("Нужно: целое число от 0 до 23."), text()
    shot("07-settings-error")
    hour = browser.find_element(By.NAME, "digest_hour")
    hour.clear()
    hour.send_keys("20")
    browser.find_element(By.ID, "save-settings").click()
    assert shows("Настройки сохранены."), text()
    shot("08-settings")

    # The audit trail shows what was done.
    browser.find_element(By.LINK_TEXT, "Журнал действий").click()
    assert shows("consent.granted"), text()
    assert shows("codes.issued"), text()
    assert shows("school.settings_changed"), text()
    shot("09-audit")

    # On a phone the pages still read.
    browser.set_window_size(390, 844)
    browser.get(base + "/office/register")
    shot("10-register-phone")
    browser.set_window_size(1280, 900)

    # Sessions, and signing out everywhere.
    browser.find_element(By.LINK_TEXT, "Сеансы").click()
    assert shows("это устройство"), text()
    shot("11-sessions")
    browser.find_element(By.ID, "sign-out-everywhere").click()
    assert shows("Вы вышли из кабинета"), text()
    shot("12-signed-out")
    browser.get(base + "/office/")
    assert shows("Вы вышли из кабинета"), text()


def _downloaded(directory: Path, suffix: str) -> Path:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        done = [path for path in directory.iterdir() if path.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing was downloaded to {directory}: {list(directory.iterdir())}")
