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
from typing import TYPE_CHECKING

import pytest
from aiohttp.test_utils import TestServer
from click.testing import CliRunner
from sqlalchemy.engine import URL

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

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


class Office:
    """The browser on the console: reads the page, waits for what a form's answer shows,
    saves a screenshot."""

    def __init__(self, browser: WebDriver, link: str) -> None:
        self.browser = browser
        self.base = link.split("/office/")[0]

    def text(self) -> str:
        # Read by the page in one go: a node found before a navigation and read after it
        # would be a stale (or foreign) element to Selenium.
        text = self.browser.execute_script("return document.body ? document.body.innerText : ''")
        return str(text or "")

    def shows(self, wanted: str) -> bool:
        """Waits for the page (a form's answer may still be loading) to show ``wanted``."""
        from selenium.common.exceptions import TimeoutException, WebDriverException
        from selenium.webdriver.support.wait import WebDriverWait

        def present(_driver: object) -> bool:
            try:
                return wanted in self.text()
            except WebDriverException:
                return False  # the next page replaced this one mid-read

        try:
            WebDriverWait(self.browser, WAIT).until(present)
        except TimeoutException:
            return False
        return True

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))

    def find(self, how: str, what: str) -> WebElement:
        return self.browser.find_element(how, what)


def _steps(browser: object, link: str, downloads: Path) -> None:
    from selenium.webdriver.chrome.webdriver import WebDriver

    assert isinstance(browser, WebDriver)
    office = Office(browser, link)
    _sign_in(office, link)
    _record_a_consent(office)
    _download_the_letters(office, downloads)
    _change_a_setting(office)
    _read_the_audit_trail(office)
    _sign_out_everywhere(office)


def _sign_in(office: Office, link: str) -> None:
    """The link opens a page with a button; the button opens the overview."""
    from selenium.webdriver.common.by import By

    office.browser.get(link)
    assert office.shows("Вход в кабинет школы"), office.text()
    office.shot("01-sign-in")
    office.find(By.ID, "sign-in").click()
    assert office.shows("Семьи по классам"), office.text()
    assert office.shows("5А"), office.text()
    office.shot("02-overview")


def _record_a_consent(office: Office) -> None:
    from selenium.webdriver.common.by import By

    office.find(By.LINK_TEXT, "Реестр согласий").click()
    office.find(By.ID, "family-1").click()
    office.find(By.CSS_SELECTOR, 'input[name="state"][value="granted"]').click()
    office.find(By.NAME, "number").send_keys("12")
    office.find(By.ID, "record").click()
    assert office.shows("Записано для 1 семьи."), office.text()
    assert office.shows("№ 12 от 01.09.2026"), office.text()
    office.shot("03-register")
    office.browser.find_elements(By.LINK_TEXT, "История")[0].click()
    assert office.shows("История согласия"), office.text()
    assert office.shows(f"office:{ADMIN_ID}"), office.text()
    office.shot("04-family-history")


def _download_the_letters(office: Office, downloads: Path) -> None:
    from selenium.webdriver.common.by import By

    office.find(By.LINK_TEXT, "Коды и письма").click()
    office.shot("05-codes")
    office.find(By.ID, "issue-class").click()
    letters = _downloaded(downloads, ".pdf")
    assert letters.read_bytes().startswith(b"%PDF")
    office.browser.get(office.base + "/office/codes")
    assert office.shows("код действует"), office.text()
    assert office.shows("Выдать заново"), office.text()
    office.find(By.LINK_TEXT, "Отчёты").click()
    assert office.shows("Сводная ведомость итоговых оценок"), office.text()
    office.shot("06-reports")


def _change_a_setting(office: Office) -> None:
    """A bad value first (refused next to its field), then a good one."""
    from selenium.webdriver.common.by import By

    office.find(By.LINK_TEXT, "Настройки").click()
    for value in ("25", "20"):
        hour = office.find(By.NAME, "digest_hour")
        hour.clear()
        hour.send_keys(value)
        office.find(By.ID, "save-settings").click()
        if value == "25":
            assert office.shows("Нужно: целое число от 0 до 23."), office.text()
            office.shot("07-settings-error")
    assert office.shows("Настройки сохранены."), office.text()
    office.shot("08-settings")


def _read_the_audit_trail(office: Office) -> None:
    from selenium.webdriver.common.by import By

    office.find(By.LINK_TEXT, "Журнал действий").click()
    for action in ("consent.granted", "codes.issued", "school.settings_changed"):
        assert office.shows(action), office.text()
    office.shot("09-audit")
    # On a phone the pages still read.
    office.browser.set_window_size(390, 844)
    office.browser.get(office.base + "/office/register")
    assert office.shows("Реестр согласий"), office.text()
    office.shot("10-register-phone")
    office.browser.set_window_size(1280, 900)


def _sign_out_everywhere(office: Office) -> None:
    from selenium.webdriver.common.by import By

    office.find(By.LINK_TEXT, "Сеансы").click()
    assert office.shows("это устройство"), office.text()
    office.shot("11-sessions")
    office.find(By.ID, "sign-out-everywhere").click()
    assert office.shows("Вы вышли из кабинета"), office.text()
    office.shot("12-signed-out")
    office.browser.get(office.base + "/office/")
    assert office.shows("Вы вышли из кабинета"), office.text()


def _downloaded(directory: Path, suffix: str) -> Path:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        done = [path for path in directory.iterdir() if path.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing was downloaded to {directory}: {list(directory.iterdir())}")
