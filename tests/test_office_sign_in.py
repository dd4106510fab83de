"""Signing in to the office console: one-time links, sessions, CSRF, sign-out."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.app import build_web_app
from bot.cli import main as cli
from bot.services import Services
from db.models import AuditEvent, OfficeSession, OfficeSignInLink
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.office_fixtures import (
    ADMIN_ID,
    STRANGER_ID,
    TEACHER_ID,
    Client,
    OfficeSchool,
    browser,
    csrf_for,
    office_school,
    sign_in_link,
    signed_in,
)

Browsers = Callable[[], Awaitable[Client]]


@pytest.fixture
async def place(services: Services) -> OfficeSchool:
    return await office_school(services.database, services.clock)  # type: ignore[arg-type]


@pytest.fixture
async def browsers(services: Services) -> AsyncIterator[Browsers]:
    opened: list[Client] = []

    async def open_one() -> Client:
        client = await browser(build_web_app(services))
        opened.append(client)
        return client

    yield open_one
    for client in opened:
        await client.close()


async def test_a_link_signs_in_once(
    services: Services, place: OfficeSchool, browsers: Browsers
) -> None:
    client = await browsers()
    path = await sign_in_link(services, ADMIN_ID, place.school)
    page = await client.get(path)
    assert page.status == 200
    assert "Войти" in await page.text()
    # Opening the link alone (a previewer, a scanner) spends nothing: it is still live.
    assert (await client.get(path)).status == 200
    response = await client.post(path, allow_redirects=False)
    assert response.status == 303
    cookie = response.cookies["ediary_office"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]
    assert cookie["path"] == "/office"
    overview = await client.get("/office/")
    assert overview.status == 200
    assert "5А" in await overview.text()
    assert "6Б" in await overview.text()
    # Used once: a second browser with the same link gets nothing.
    other = await browsers()
    assert (await other.post(path, allow_redirects=False)).status == 410
    assert (await other.get(path)).status == 410
    assert (await other.get("/office/")).status == 401


async def test_only_hashes_are_stored(
    services: Services, place: OfficeSchool, browsers: Browsers
) -> None:
    client = await browsers()
    path = await sign_in_link(services, ADMIN_ID, place.school)
    token = path.rsplit("/", 1)[1]
    await client.post(path)
    session_token = client.session.cookie_jar.filter_cookies(client.make_url("/office/"))[
        "ediary_office"
    ].value
    async with services.database.unit_of_work() as uow:
        links = list((await uow.session.execute(select(OfficeSignInLink))).scalars())
        sessions = list((await uow.session.execute(select(OfficeSession))).scalars())
    assert [link.token_hash for link in links] != [token]
    assert all(token not in link.token_hash for link in links)
    assert len(sessions) == 1
    assert sessions[0].token_hash != session_token


async def test_an_expired_link_does_not_sign_in(
    services: Services, place: OfficeSchool, browsers: Browsers
) -> None:
    client = await browsers()
    path = await sign_in_link(services, ADMIN_ID, place.school)
    services.clock.advance(timedelta(minutes=10, seconds=1))  # type: ignore[attr-defined]
    page = await client.get(path)
    assert page.status == 410
    assert "больше не работает" in await page.text()
    assert (await client.post(path, allow_redirects=False)).status == 410
    async with services.database.unit_of_work() as uow:
        count = await uow.session.scalar(select(func.count()).select_from(OfficeSession))
    assert count == 0


@pytest.mark.parametrize("token", ["x" * 43, "short", "%00" * 3])
async def test_a_made_up_link_is_refused(
    services: Services, place: OfficeSchool, browsers: Browsers, token: str
) -> None:
    client = await browsers()
    assert (await client.post(f"/office/sign-in/{token}", allow_redirects=False)).status == 410


async def test_a_session_ends_after_eight_idle_hours(
    services: Services, place: OfficeSchool, browsers: Browsers
) -> None:
    client = await browsers()
    await signed_in(client, services, ADMIN_ID, place.school)
    services.clock.advance(timedelta(hours=7, minutes=59))  # type: ignore[attr-defined]
    assert (await client.get("/office/")).status == 200  # activity keeps it open
    services.clock.advance(timedelta(hours=7, minutes=59))  # type: ignore[attr-defined]
    assert (await client.get("/office/")).status == 200
    services.clock.advance(timedelta(hours=8, minutes=1))  # type: ignore[attr-defined]
    response = await client.get("/office/")
    assert response.status == 401
    assert "/office" in await response.text()


async def test_a_form_without_the_csrf_token_is_refused(
    services: Services, place: OfficeSchool, browsers: Browsers
) -> None:
    client = await browsers()
    await signed_in(client, services, ADMIN_ID, place.school)
    for given in (None, "forged"):
        data = {"csrf": given} if given else {}
        response = await client.post("/office/sign-out-everywhere", data=data)
        assert response.status == 403
    # Nothing happened: still signed in.
    assert (await client.get("/office/")).status == 200
    # Another session's token does not fit this session either.
    other = await browsers()
    await signed_in(other, services, ADMIN_ID, place.school)
    foreign = await csrf_for(other)
    assert (await client.post("/office/sign-out", data={"csrf": foreign})).status == 403
    assert (await client.get("/office/")).status == 200


async def test_sign_out_and_sign_out_everywhere(
    services: Services, place: OfficeSchool, browsers: Browsers
) -> None:
    phone, desk, laptop = await browsers(), await browsers(), await browsers()
    for client in (phone, desk, laptop):
        await signed_in(client, services, ADMIN_ID, place.school)
    sessions = await desk.get("/office/sessions")
    assert (await sessions.text()).count('/end"') == 3
    response = await phone.post("/office/sign-out", data={"csrf": await csrf_for(phone)})
    assert response.status == 200
    assert "Вы вышли" in await response.text()
    assert (await phone.get("/office/")).status == 401
    assert (await desk.get("/office/")).status == 200
    await desk.post("/office/sign-out-everywhere", data={"csrf": await csrf_for(desk)})
    assert (await desk.get("/office/")).status == 401
    assert (await laptop.get("/office/")).status == 401
    async with services.database.unit_of_work() as uow:
        actions = list(
            (await uow.session.execute(select(AuditEvent.action).order_by(AuditEvent.id))).scalars()
        )
    assert "office.signed_out" in actions
    assert "office.signed_out_everywhere" in actions


async def test_an_ended_admin_link_ends_the_session(
    services: Services, place: OfficeSchool, browsers: Browsers
) -> None:
    from bot.linking.access import remove_admin

    client = await browsers()
    await signed_in(client, services, ADMIN_ID, place.school)
    async with services.database.unit_of_work() as uow:
        await remove_admin(uow, services.clock, place.school, ADMIN_ID, actor="test")
    assert (await client.get("/office/")).status == 401


async def test_secure_cookie_when_public_url_is_https(
    services: Services, place: OfficeSchool, browsers: Browsers
) -> None:
    from pydantic import HttpUrl

    secure = services.with_settings(public_url=HttpUrl("https://diary.example.org"))
    client = await browser(build_web_app(secure))
    try:
        path = await sign_in_link(secure, ADMIN_ID, place.school)
        response = await client.post(path, allow_redirects=False)
        assert response.cookies["ediary_office"]["secure"]
    finally:
        await client.close()


async def test_office_command_sends_a_link_to_staff_only(
    services: Services, place: OfficeSchool, dispatcher: Dispatcher, bot: RecordingBot
) -> None:
    teacher = BotConversation(dispatcher, bot, TelegramUser(id=TEACHER_ID))
    [sent] = await teacher.send("/office")
    assert isinstance(sent, SendMessage)
    assert 'href="http://127.0.0.1:8080/office/sign-in/' in sent.text
    assert "10 минут" in sent.text
    stranger = BotConversation(dispatcher, bot, TelegramUser(id=99))
    [refused] = await stranger.send("/office")
    assert isinstance(refused, SendMessage)
    assert "/office/sign-in/" not in refused.text
    assert "администраторов" in refused.text


def test_login_link_command(
    cli_runner: CliRunner, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///office.sqlite3")
    monkeypatch.setenv("PUBLIC_URL", "https://diary.example.org")
    created = cli_runner.invoke(cli, ["school", "add", "Школа 1"])
    assert created.exit_code == 0, created.output
    refused = cli_runner.invoke(
        cli, ["admin", "login-link", "--school", "Школа 1", "--telegram-id", "42"]
    )
    assert refused.exit_code == 1
    assert "neither an administrator" in refused.output
    assert (
        cli_runner.invoke(
            cli, ["admin", "add", "--school", "Школа 1", "--telegram-id", "42"]
        ).exit_code
        == 0
    )
    result = cli_runner.invoke(
        cli, ["admin", "login-link", "--school", "Школа 1", "--telegram-id", "42", "--json"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["url"].startswith("https://diary.example.org/office/sign-in/")
    assert printed["expires_at"].startswith("2026-09-01T06:10")


def test_the_access_log_masks_sign_in_links() -> None:
    from bot.web.access_log import mask_secrets

    token = "YMxF4S_8woOZCOvYUqF_0XEnLdTs3GeLh8Pp--K3oqE"
    assert mask_secrets(f"/office/sign-in/{token}") == "/office/sign-in/***"
    assert mask_secrets("/office/register?class=3") == "/office/register?class=3"
    switch = f"/office/language?lang=en&next=%2Foffice%2Fsign-in%2F{token}"
    assert mask_secrets(switch) == "/office/language?lang=en&next=%2Foffice%2Fsign-in%2F***"


async def test_ending_one_session_and_not_anyone_elses(
    services: Services, place: OfficeSchool, browsers: Browsers
) -> None:
    phone, desk, stranger = await browsers(), await browsers(), await browsers()
    await signed_in(phone, services, ADMIN_ID, place.school)
    await signed_in(desk, services, ADMIN_ID, place.school)
    await signed_in(stranger, services, STRANGER_ID, place.other)
    async with services.database.unit_of_work() as uow:
        sessions = list((await uow.session.execute(select(OfficeSession))).scalars())
    phone_id, _desk_id, stranger_id = (s.id for s in sorted(sessions, key=lambda s: s.id))
    csrf = await csrf_for(desk)
    assert (
        await desk.post(f"/office/sessions/{stranger_id}/end", data={"csrf": csrf})
    ).status == 404
    assert (await stranger.get("/office/")).status == 200
    ended = await desk.post(f"/office/sessions/{phone_id}/end", data={"csrf": csrf})
    assert ended.status == 200
    assert "Ваши открытые сеансы" in await ended.text()
    assert (await phone.get("/office/")).status == 401
    assert (await desk.get("/office/")).status == 200


async def test_the_language_switch_stays_in_the_console(
    services: Services, place: OfficeSchool, browsers: Browsers
) -> None:
    client = await browsers()
    await signed_in(client, services, ADMIN_ID, place.school)
    switched = await client.get(
        "/office/language?lang=en&next=/office/register", allow_redirects=False
    )
    assert switched.status == 303
    assert switched.headers["Location"] == "/office/register"
    page = await (await client.get("/office/register")).text()
    assert "Consent register" in page
    assert '<html lang="en">' in page
    for elsewhere in ("//evil.example/office", "https://evil.example/", "/office\\..\\x"):
        response = await client.get(
            "/office/language", params={"lang": "en", "next": elsewhere}, allow_redirects=False
        )
        assert response.headers["Location"] == "/office/"
    unknown = await client.get("/office/language?lang=xx", allow_redirects=False)
    assert unknown.status == 303
    assert "Sessions" in await (await client.get("/office/")).text()  # still English
