"""The private calendar feed: its events, 404 for a revoked or wrong token, hostile text."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar
from pydantic import HttpUrl

from bot.app import build_dispatcher, build_web_app
from bot.calendar_feed.service import issue_feed
from bot.handlers.settings import CalendarChoice
from bot.services import Services
from db.database import Database
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.test_change_pushes import FATHER, family, sync

Client = TestClient[web.Request, web.Application]
HOSTILE = "Дроби\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Взлом; <script>"


@pytest.fixture
async def web_client(services: Services) -> AsyncIterator[Client]:
    app = build_web_app(services)
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_the_feed_lists_tests_holidays_and_moved_lessons_and_escapes_text(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    web_client: Client,
) -> None:
    school = await family(dispatcher, bot, database, clock)
    moved = {
        "external_id": "l2", "class_id": "5a", "subject_id": "rus", "teacher_id": "t2",
        "date": "2026-09-01", "number": 2, "status": "moved",
        "moved_to": {"date": "2026-09-05", "number": 3},
    }  # fmt: skip
    hostile = {"external_id": "a1", "class_id": "5a", "subject_id": "math", "date": "2026-09-20",
               "kind": "контрольная работа", "topic": HOSTILE}  # fmt: skip
    await sync(database, clock, school, {"lessons": [moved], "assessments": [hostile]})
    async with database.unit_of_work() as uow:
        token = await issue_feed(uow, clock, SECRET_KEY, FATHER.id)
    assert token is not None
    response = await web_client.get(f"/calendar/{token}.ics")
    assert response.status == 200
    assert response.content_type == "text/calendar"
    body = await response.read()
    # The hostile topic stays inside its DESCRIPTION line: no extra event.
    assert body.split(b"\r\n").count(b"BEGIN:VEVENT") == 3
    events = {str(e.get("summary")): e for e in Calendar.from_ical(body).walk("VEVENT")}
    assert set(events) == {
        "Контрольная: Математика — контрольная работа",
        "Перенесённый урок: Русский язык",
        "Каникулы: Осенние каникулы",
    }
    test = events["Контрольная: Математика — контрольная работа"]
    # Line breaks survive as iCalendar's escaped \n (a CR has no escape and is dropped).
    hostile_text = HOSTILE.replace("\r\n", "\n")
    assert str(test.get("description")) == f"Иванов Пётр Сергеевич (5А)\n{hostile_text}"
    assert test.decoded("dtstart").isoformat() == "2026-09-20"
    moved_event = events["Перенесённый урок: Русский язык"]
    assert moved_event.decoded("dtstart").isoformat() == "2026-09-05"


async def test_a_revoked_or_wrong_token_is_a_404(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    web_client: Client,
) -> None:
    await family(dispatcher, bot, database, clock)
    async with database.unit_of_work() as uow:
        first = await issue_feed(uow, clock, SECRET_KEY, FATHER.id)
    async with database.unit_of_work() as uow:
        second = await issue_feed(uow, clock, SECRET_KEY, FATHER.id)  # replaces the first
    assert first is not None
    assert second is not None
    assert (await web_client.get(f"/calendar/{first}.ics")).status == 404
    assert (await web_client.get(f"/calendar/{second}.ics")).status == 200
    assert (await web_client.get("/calendar/not-a-token.ics")).status == 404
    assert (await web_client.get(f"/calendar/{'x' * 500}.ics")).status == 404
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send("/settings")
    await father.click(CalendarChoice(action="revoke"))
    assert (await web_client.get(f"/calendar/{second}.ics")).status == 404


async def test_the_settings_button_hands_out_the_link(
    bot: RecordingBot, services: Services, database: Database, clock: FakeClock, web_client: Client
) -> None:
    dispatcher = build_dispatcher(
        services.with_settings(public_url=HttpUrl("https://diary.example.org/"))
    )
    await family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send("/settings")
    calls = await father.click(CalendarChoice(action="issue"))
    [link] = [c for c in calls if isinstance(c, SendMessage)]
    assert link.text is not None
    assert link.text.startswith(
        "Ваша личная ссылка на календарь: <code>https://diary.example.org/calendar/"
    )
    url = link.text.split("<code>")[1].split("</code>")[0]
    path = url.removeprefix("https://diary.example.org")
    assert (await web_client.get(path)).status == 200
