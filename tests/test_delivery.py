"""The outbox and the delivery worker against the recording Bot session, on both databases."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiogram import Dispatcher
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.app import build_web_app
from bot.digests.delivery import DeliveryWorker
from bot.digests.delivery_loop import run_delivery
from bot.digests.merging import merge_for_chats
from bot.digests.outbox import queue_push
from bot.digests.rate_limits import RateLimits
from bot.digests.retry import MAX_ATTEMPTS
from bot.digests.status import delivery_status
from bot.handlers.linking import ConsentChoice
from db.database import Database
from db.models import OutboxMessage, OutboxStatus, TelegramAccount
from tests.conftest import services_for, worker_for
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.fake_time import FakeTime
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.linking_fixtures import issue, school_with_families

PARENT = TelegramUser(id=7001, first_name="Мария")


async def linked_parent(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    code = (await issue(database, clock, school, "guardian", "g2"))[0]
    chat = BotConversation(dispatcher, bot, PARENT)
    await chat.send(code.compact)
    await chat.click(ConsentChoice(agree=True))
    bot.session.clear()


# A push with buttons is always sent alone, so row-level behaviour can be observed.
BUTTONS = {"inline_keyboard": [[{"text": "👍", "callback_data": "read"}]]}


async def push(
    database: Database,
    clock: FakeClock,
    key: str,
    text: str = "Новая оценка",
    *,
    alone: bool = True,
) -> bool:
    async with database.unit_of_work() as uow:
        queued = await queue_push(
            uow,
            clock,
            telegram_user_id=PARENT.id,
            school_id=1,
            kind="grade",
            key=key,
            text=text,
            reply_markup=BUTTONS if alone else None,
        )
        await uow.commit()
    return queued


def worker(
    database: Database, bot: RecordingBot, clock: FakeClock, fake: FakeTime, name: str = "w1"
) -> DeliveryWorker:
    return worker_for(database, bot, clock, fake, name=name)


async def statuses(database: Database) -> list[OutboxStatus]:
    async with database.unit_of_work() as uow:
        query = select(OutboxMessage.status).order_by(OutboxMessage.id)
        return list((await uow.session.execute(query)).scalars())


async def test_the_same_cause_twice_is_one_push(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    assert await push(database, clock, "grade:1:1")
    assert await push(database, clock, "grade:1:1")
    report = await worker(database, bot, clock, FakeTime()).deliver_due()
    assert report.sent == 1
    sent = bot.session.calls(SendMessage)
    assert [(m.chat_id, m.text) for m in sent] == [(PARENT.id, "Новая оценка")]
    assert await statuses(database) == [OutboxStatus.SENT]
    # Nothing left: a second pass sends nothing.
    assert (await worker(database, bot, clock, FakeTime()).deliver_due()).sent == 0


async def test_no_row_for_an_account_without_consent(database: Database, clock: FakeClock) -> None:
    await school_with_families(database, clock)
    assert not await push(database, clock, "grade:1:1")
    assert await statuses(database) == []


async def test_pacing_one_message_per_second_per_chat(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    for number in range(3):
        await push(database, clock, f"grade:{number}:1")
    fake = FakeTime()
    delivery = worker(database, bot, clock, fake)
    delivery.limits = RateLimits(per_second=25, per_chat_interval=1.0)
    assert (await delivery.deliver_due()).sent == 3
    assert fake.slept == [1.0, 1.0]


async def test_retry_after_pauses_and_gives_the_rest_back(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    await push(database, clock, "a")
    await push(database, clock, "b")
    bot.session.queue_error(SendMessage, 429, "Too Many Requests: retry after 30", retry_after=30)
    report = await worker(database, bot, clock, FakeTime()).deliver_due()
    assert (report.sent, report.retried) == (0, 1)
    assert await statuses(database) == [OutboxStatus.PENDING, OutboxStatus.PENDING]
    assert (await worker(database, bot, clock, FakeTime()).deliver_due()).sent == 1  # "b"
    clock.advance(timedelta(seconds=31))
    assert (await worker(database, bot, clock, FakeTime()).deliver_due()).sent == 1  # "a"
    assert await statuses(database) == [OutboxStatus.SENT, OutboxStatus.SENT]


async def test_a_blocked_bot_marks_the_account_inactive(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    await push(database, clock, "a")
    bot.session.queue_error(SendMessage, 403, "Forbidden: bot was blocked by the user")
    report = await worker(database, bot, clock, FakeTime()).deliver_due()
    assert report.blocked == 1
    assert await statuses(database) == [OutboxStatus.DEAD]
    async with database.unit_of_work() as uow:
        account = (await uow.session.execute(select(TelegramAccount))).scalar_one()
    assert not account.is_active
    assert not await push(database, clock, "b")  # no more pushes to a blocked account


async def test_a_migrated_chat_is_followed(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    await push(database, clock, "a")
    bot.session.queue_error(
        SendMessage, 400, "Bad Request: group chat was upgraded", migrate_to_chat_id=-1001234567890
    )
    report = await worker(database, bot, clock, FakeTime()).deliver_due()
    assert report.sent == 1
    assert [m.chat_id for m in bot.session.calls(SendMessage)] == [PARENT.id, -1001234567890]


async def test_server_errors_back_off_then_dead_letter(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    await push(database, clock, "a")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        bot.session.queue_error(SendMessage, 502, "Bad Gateway")
        report = await worker(database, bot, clock, FakeTime()).deliver_due()
        assert report.retried + report.dead == 1, attempt
        clock.advance(timedelta(hours=2))
    assert await statuses(database) == [OutboxStatus.DEAD]
    async with database.unit_of_work() as uow:
        message = (await uow.session.execute(select(OutboxMessage))).scalar_one()
    assert message.attempts == MAX_ATTEMPTS
    assert "gave up" in (message.last_error or "")


async def test_a_permanent_error_is_dead_lettered_at_once(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    await push(database, clock, "a")
    bot.session.queue_error(SendMessage, 400, "Bad Request: message is too long")
    assert (await worker(database, bot, clock, FakeTime()).deliver_due()).dead == 1
    assert await statuses(database) == [OutboxStatus.DEAD]


async def test_a_worker_that_died_after_claiming_loses_nothing(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    await push(database, clock, "a")
    async with database.unit_of_work() as uow:  # worker "dead" claims, then crashes
        claimed = await uow.outbox.claim(
            worker="dead", now=clock.now(), lease_until=clock.now() + timedelta(minutes=2), limit=10
        )
        await uow.commit()
    assert len(claimed) == 1
    assert (await worker(database, bot, clock, FakeTime()).deliver_due()).sent == 0  # leased
    clock.advance(timedelta(minutes=3))
    assert (await worker(database, bot, clock, FakeTime(), "w2").deliver_due()).sent == 1
    assert len(bot.session.calls(SendMessage)) == 1


async def test_two_workers_never_send_a_row_twice(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    for number in range(40):
        await push(database, clock, f"grade:{number}:1")
    second = Database(database.engine.url)
    try:
        first_worker = worker(database, bot, clock, FakeTime(), "w1")
        first_worker.batch = 15
        second_worker = worker(second, bot, clock, FakeTime(), "w2")
        second_worker.batch = 15
        for _ in range(3):
            await asyncio.gather(first_worker.deliver_due(), second_worker.deliver_due())
    finally:
        await second.dispose()
    texts = [m.text for m in bot.session.calls(SendMessage)]
    assert len(texts) == 40
    async with database.unit_of_work() as uow:
        sent = await uow.session.execute(
            select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT)
        )
        assert sent.scalar_one() == 40


async def test_the_delivery_loop_sends_and_stops_cleanly(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    await push(database, clock, "a", text="Замена урока завтра")
    stop = asyncio.Event()
    loop = asyncio.create_task(
        run_delivery(worker(database, bot, clock, FakeTime()), stop, idle=0.01)
    )
    for _ in range(200):
        if bot.session.calls(SendMessage):
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(loop, timeout=5)
    assert [m.text for m in bot.session.calls(SendMessage)] == ["Замена урока завтра"]


async def test_status_and_metrics_report_the_queue(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    for key in ("a", "b", "c"):
        await push(database, clock, key)
    bot.session.queue_error(SendMessage, 400, "Bad Request: chat not found")
    await worker(database, bot, clock, FakeTime()).deliver_due()  # a dead, b and c sent
    await push(database, clock, "d")
    clock.advance(timedelta(seconds=90))
    async with database.unit_of_work() as uow:
        status = await delivery_status(uow, clock)
    assert (status.pending, status.claimed) == (1, 0)
    assert status.oldest_pending_seconds == 90
    assert (status.sent_last_hour, status.dead_last_hour) == (2, 1)

    client = TestClient(TestServer(build_web_app(services_for(database, clock))))
    await client.start_server()
    try:
        response = await client.get("/metrics")
        body = await response.text()
    finally:
        await client.close()
    assert response.status == 200
    assert "ediary_outbox_pending 1.0" in body
    assert 'ediary_outbox_outcomes{outcome="sent",window="1h"} 2.0' in body
    assert "ediary_outbox_oldest_due_seconds 90.0" in body
    assert "ediary_scheduler_held{holder=" in body


async def test_plain_pushes_for_one_chat_go_as_one_message_within_the_limit(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    await push(database, clock, "a", "Первая новость", alone=False)
    await push(database, clock, "b", "Вторая новость", alone=False)
    await push(database, clock, "c", "Кнопки отдельно", alone=True)
    await push(database, clock, "d", "х" * 3000, alone=False)
    await push(database, clock, "e", "у" * 3000, alone=False)
    report = await worker(database, bot, clock, FakeTime()).deliver_due()
    assert report.sent == 5
    texts = [m.text for m in bot.session.calls(SendMessage)]
    # Order is kept: the push with buttons ends the first merge; the two long ones would
    # together exceed 4096 characters.
    assert texts == ["Первая новость\n\nВторая новость", "Кнопки отдельно", "х" * 3000, "у" * 3000]
    async with database.unit_of_work() as uow:
        ids = (await uow.session.execute(select(OutboxMessage.telegram_message_id))).scalars()
        assert len(set(ids)) == 4  # the merged rows share their message


def test_merging_respects_the_order_and_the_limit() -> None:
    rows = [
        (1, 10, "a", False),
        (2, 20, "b", False),
        (3, 10, "c", False),
        (4, 10, "d", True),
        (5, 10, "e", False),
        (6, 10, "f" * 4096, False),
    ]
    assert merge_for_chats(rows) == [(10, [1, 3]), (20, [2]), (10, [4]), (10, [5]), (10, [6])]


async def test_a_read_timeout_is_retried_once_only(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await linked_parent(dispatcher, bot, database, clock)
    await push(database, clock, "a")

    async def timing_out(*_args: object, **_kwargs: object) -> object:
        raise TelegramNetworkError(
            method=SendMessage(chat_id=1, text="-"), message="Request timeout error"
        )

    monkeypatch.setattr(bot.session, "make_request", timing_out)
    first = await worker(database, bot, clock, FakeTime()).deliver_due()
    assert (first.timed_out, first.retried) == (1, 1)
    clock.advance(timedelta(minutes=5))
    second = await worker(database, bot, clock, FakeTime()).deliver_due()
    assert (second.timed_out, second.dead) == (1, 1)
    async with database.unit_of_work() as uow:
        message = (await uow.session.execute(select(OutboxMessage))).scalar_one()
    assert message.status == OutboxStatus.DEAD
    assert message.last_error == "read time-out: outcome unknown, twice"
