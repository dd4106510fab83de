"""The try mode on the database: its people made real in the demo school, and the page's
routes, including what a hostile or broken request gets (a clear answer, nothing changed)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.utils.i18n import I18n
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.clock import AdjustableClock
from bot.exchange.demo_school import DEMO_SCHOOL_NAME
from bot.schools.service import create_school
from bot.standin.server import TelegramStandIn
from bot.trying.mode import TRY_TOKEN, TRY_USERNAME, TryMode
from bot.trying.personas import PERSONA_USER_IDS, TryModeUnavailable
from db.database import Database
from db.models import ConsentForm, ConsentState
from tests.conftest import SECRET_KEY, ClientFactory, services_for
from tests.doubles.clock import FakeClock

# A Wednesday morning in Moscow: school is on, nobody's quiet hours.
NOW = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)


@pytest.fixture
async def try_mode(database: Database, i18n: I18n) -> TryMode:
    clock = AdjustableClock(FakeClock(NOW))
    standin = TelegramStandIn(TRY_TOKEN, username=TRY_USERNAME, first_name="eDiary", now=clock.now)
    mode = TryMode(standin, clock, announce=lambda line: None, url="http://127.0.0.1/try")
    services = dataclasses.replace(services_for(database, FakeClock(NOW), i18n=i18n), clock=clock)
    await mode.prepare(services)
    return mode


@pytest.fixture
async def client(try_mode: TryMode, client_for: ClientFactory) -> TestClient[Any, Any]:
    app = web.Application()
    try_mode.extend(app)
    return await client_for(app)


def texts_of(mode: TryMode, user_id: int) -> list[str]:
    return [
        update["message"]["text"]
        for update in mode.standin.pending_updates
        if "message" in update and update["message"]["from"]["id"] == user_id
    ]


async def test_the_people_are_made_real_as_a_school_would(
    try_mode: TryMode, database: Database
) -> None:
    personas = try_mode.personas
    assert set(personas) == {"parent", "student", "teacher", "newcomer"}
    parent = personas["parent"]
    assert len(parent.details) == 2  # two children
    assert len(parent.start_texts) == 2  # a letter (a code) per child
    assert all(text.startswith("/start ") for text in parent.start_texts)
    assert len(personas["student"].start_texts) == len(personas["teacher"].start_texts) == 1
    newcomer = personas["newcomer"]
    assert newcomer.code is not None
    assert newcomer.start_texts == ()  # they type the code themselves
    async with database.unit_of_work() as uow:
        [school] = await uow.schools.all()
        assert school.name == DEMO_SCHOOL_NAME
        pairs = await uow.linking.guardian_pairs(school_id=school.id)
        by_name = {guardian.full_name: guardian for guardian, _, _ in pairs}
        consent = await uow.linking.current_consent(guardian_id=by_name[parent.full_name].id)
        assert consent is not None
        assert (consent.state, consent.form) == (ConsentState.GRANTED, ConsentForm.PAPER)
        # The newcomer decides in the chat: the school holds no consent of theirs.
        newcomer_id = by_name[newcomer.full_name].id
        assert await uow.linking.current_consent(guardian_id=newcomer_id) is None


async def test_the_try_mode_refuses_a_database_with_real_schools(
    database: Database, i18n: I18n
) -> None:
    clock = FakeClock(NOW)
    async with database.unit_of_work() as uow:
        await create_school(uow, clock, SECRET_KEY, name="Гимназия № 1",
                            timezone="Europe/Moscow", actor="test")  # fmt: skip
    standin = TelegramStandIn(TRY_TOKEN, username=TRY_USERNAME, first_name="eDiary", now=clock.now)
    mode = TryMode(standin, AdjustableClock(clock), announce=print, url="")
    with pytest.raises(TryModeUnavailable, match="Гимназия № 1"):
        await mode.prepare(services_for(database, clock, i18n=i18n))
    async with database.unit_of_work() as uow:
        assert [school.name for school in await uow.schools.all()] == ["Гимназия № 1"]


async def test_the_page_lists_the_people_in_the_readers_language(
    client: TestClient[Any, Any], try_mode: TryMode
) -> None:
    response = await client.get("/try", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.status == 200
    page = await response.text()
    assert "Try eDiary without Telegram" in page
    assert try_mode.personas["parent"].full_name in page
    assert try_mode.personas["newcomer"].code in page  # type: ignore[operator]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    russian = await (await client.get("/try?lang=ru")).text()
    assert "Попробуйте eDiary без Telegram" in russian
    assert (await client.get("/try/static/try.js")).status == 200


async def test_opening_a_chat_first_sends_the_persons_start_once(
    client: TestClient[Any, Any], try_mode: TryMode
) -> None:
    parent = try_mode.personas["parent"]
    first = await client.get("/try/api/chats/parent?since=0")
    assert first.status == 200
    assert texts_of(try_mode, parent.telegram_user_id) == list(parent.start_texts)
    body = await first.json()
    assert [m["html"] for m in body["messages"]] == list(parent.start_texts)
    assert all(not m["from_bot"] for m in body["messages"])
    await client.get("/try/api/chats/parent?since=0")  # opened again: no second start
    assert texts_of(try_mode, parent.telegram_user_id) == list(parent.start_texts)


async def test_what_a_person_types_reaches_the_bot_as_a_telegram_update(
    client: TestClient[Any, Any], try_mode: TryMode
) -> None:
    response = await client.post("/try/api/chats/newcomer/messages", json={"text": "<b>код</b>"})
    assert response.status == 200
    [update] = try_mode.standin.pending_updates
    assert update["message"]["text"] == "<b>код</b>"
    assert update["message"]["from"]["id"] == PERSONA_USER_IDS["newcomer"]
    changes = await (await client.get("/try/api/chats/newcomer?since=0")).json()
    assert changes["messages"][-1]["html"] == "&lt;b&gt;код&lt;/b&gt;"  # shown, not run


BAD_REQUESTS: list[tuple[str, Any, int]] = [
    ("/try/api/chats/parent/messages", {"text": ""}, 400),
    ("/try/api/chats/parent/messages", {"text": "я" * 4097}, 400),
    ("/try/api/chats/parent/messages", {"text": 42}, 400),
    ("/try/api/chats/parent/messages", ["not", "an", "object"], 400),
    ("/try/api/chats/admin/messages", {"text": "/start"}, 404),
    ("/try/api/chats/parent/buttons", {"message_id": 10_001, "data": "x" * 65}, 400),
    ("/try/api/chats/parent/buttons", {"message_id": "10001", "data": "d:s"}, 400),
    ("/try/api/chats/parent/buttons", {"message_id": 999_999, "data": "d:s"}, 404),
    ("/try/api/clock", {"jump": "yesterday"}, 400),
]


async def test_bad_requests_get_a_clear_answer_and_change_nothing(
    client: TestClient[Any, Any], try_mode: TryMode
) -> None:
    before = try_mode.clock.now()
    for path, body, status in BAD_REQUESTS:
        response = await client.post(path, json=body)
        assert response.status == status, (path, body)
        assert (await response.text()).strip()  # says why
    assert try_mode.standin.pending_updates == []
    assert try_mode.clock.now() == before


async def test_a_body_that_is_not_json_is_refused(client: TestClient[Any, Any]) -> None:
    response = await client.post("/try/api/chats/parent/messages", data=b"{text: oops")
    assert response.status == 400
    assert "not JSON" in await response.text()
    assert (await client.get("/try/api/chats/parent?wait=nan")).status == 400
    assert (await client.get("/try/api/chats/parent?since=x")).status == 400
    assert (await client.get("/try/files/no-such-file")).status == 404


async def test_a_button_press_under_the_bots_message_becomes_a_callback_query(
    client: TestClient[Any, Any], try_mode: TryMode
) -> None:
    user_id = PERSONA_USER_IDS["parent"]
    keyboard = {"inline_keyboard": [[{"text": "»", "callback_data": "d:s:7:2026-12-03"}]]}
    sent = await try_mode.standin.chats.send_message(
        {
            "chat_id": user_id,
            "text": "<b>Расписание</b>",
            "parse_mode": "HTML",
            "reply_markup": keyboard,
        }
    )
    changes = await (await client.get("/try/api/chats/parent?since=0")).json()
    [shown] = [m for m in changes["messages"] if m["from_bot"]]
    assert shown["html"] == "<b>Расписание</b>"
    assert shown["buttons"] == [[{"text": "»", "data": "d:s:7:2026-12-03"}]]
    pressed = await client.post(
        "/try/api/chats/parent/buttons",
        json={"message_id": sent["message_id"], "data": "d:s:7:2026-12-03"},
    )
    assert pressed.status == 200
    query = try_mode.standin.pending_updates[-1]["callback_query"]
    assert query["data"] == "d:s:7:2026-12-03"
    assert query["message"]["message_id"] == sent["message_id"]
    # Another person cannot press a button in the parent's chat.
    foreign = await client.post(
        "/try/api/chats/student/buttons",
        json={"message_id": sent["message_id"], "data": "d:s:7:2026-12-03"},
    )
    assert foreign.status == 404


async def test_a_waiting_chat_answers_as_soon_as_the_bot_writes(
    client: TestClient[Any, Any], try_mode: TryMode
) -> None:
    seen = (await (await client.get("/try/api/chats/teacher?since=0")).json())["seq"]
    waiting = client.get(f"/try/api/chats/teacher?since={seen}&wait=10")
    task = asyncio.ensure_future(waiting)
    await asyncio.sleep(0.2)
    assert not task.done()
    await try_mode.standin.chats.send_message(
        {"chat_id": PERSONA_USER_IDS["teacher"], "text": "Объявление отправлено"}
    )
    response = await asyncio.wait_for(task, timeout=5)
    changes = await response.json()
    assert [m["html"] for m in changes["messages"]] == ["Объявление отправлено"]
    assert changes["activity"]["teacher"] == changes["seq"]


async def test_the_clock_moves_ahead_to_the_schools_evening(
    client: TestClient[Any, Any], try_mode: TryMode
) -> None:
    response = await client.post("/try/api/clock?lang=en", json={"jump": "evening"})
    assert response.status == 200
    # 19:00 in Moscow is 16:00 UTC.
    assert try_mode.clock.now() == datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    assert "19:00" in (await response.json())["now"]
