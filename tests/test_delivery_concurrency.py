"""The delivery worker under load: chats sent to concurrently within the rate and the
lease, Telegram's pauses, paid broadcasts and the configured rate."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage, TelegramMethod

from bot.config import load_settings
from bot.digests.delivery import (
    LEASE_MARGIN,
)
from bot.digests.rate_limits import RateLimits
from bot.services import build_delivery_worker
from db.database import Database
from db.models import OutboxStatus, TelegramAccount
from tests.conftest import services_for
from tests.doubles.clock import FakeClock
from tests.doubles.fake_time import FakeTime
from tests.doubles.recording_session import RecordingBot
from tests.test_delivery import BUTTONS, statuses, worker


async def accounts_with_pushes(
    database: Database, clock: FakeClock, chats: int, per_chat: int = 1
) -> list[int]:
    """``chats`` accounts with ``per_chat`` pushes each (with buttons: one message each),
    queued chat after chat; the outbox is written directly, as consent is not the worker's
    concern. Returns the chat ids."""
    chat_ids = [9_100_000 + number for number in range(chats)]
    async with database.unit_of_work() as uow:
        accounts = [
            TelegramAccount(
                telegram_user_id=chat_id,
                chat_id=chat_id,
                settings={},
                created_at=clock.now(),
                updated_at=clock.now(),
            )
            for chat_id in chat_ids
        ]
        uow.session.add_all(accounts)
        await uow.session.flush()
        for account in accounts:
            for number in range(per_chat):
                await uow.outbox.queue(
                    account_id=account.id,
                    school_id=None,
                    kind="grade",
                    key=f"grade:{number}:{account.id}",
                    text=f"Новая оценка {number}",
                    reply_markup=BUTTONS,
                    due_at=clock.now(),
                    urgent=False,
                    now=clock.now(),
                )
        await uow.commit()
    return chat_ids


async def test_one_chat_does_not_hold_up_another(
    bot: RecordingBot, database: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = await accounts_with_pushes(database, clock, chats=2, per_chat=2)
    answer = bot.session.make_request
    second_chat_served = asyncio.Event()
    fake = FakeTime()
    chats: list[int | str] = []  # in the order the requests went out
    sent_at: dict[int | str, list[float]] = {first: [], second: []}

    async def held(
        bot_: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        if isinstance(method, SendMessage):
            chats.append(method.chat_id)
            sent_at[method.chat_id].append(fake.now)
            if method.chat_id == second:
                second_chat_served.set()
            elif not second_chat_served.is_set():
                # The first chat's answer comes only once the second chat got its message:
                # one message at a time (waiting for this answer, then the first chat's
                # second), this would never happen.
                async with asyncio.timeout(5):
                    await second_chat_served.wait()
        return await answer(bot_, method, timeout)

    monkeypatch.setattr(bot.session, "make_request", held)
    assert (await worker(database, bot, clock, fake).deliver_due()).sent == 4
    # Due first, first, second, second; the second chat went while the first waited.
    assert chats[:2] == [first, second]
    assert sorted(chats) == [first, first, second, second]
    for times in sent_at.values():  # each chat still gets one message a second
        assert times[1] - times[0] >= 1.0


async def test_sends_overlap_up_to_the_bound_and_every_outcome_is_committed(
    bot: RecordingBot, database: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await accounts_with_pushes(database, clock, chats=30)
    answer = bot.session.make_request
    in_flight, most = 0, 0

    async def slow(
        bot_: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.005)  # Telegram takes a while to answer
        in_flight -= 1
        return await answer(bot_, method, timeout)

    monkeypatch.setattr(bot.session, "make_request", slow)
    delivery = worker(database, bot, clock, FakeTime())
    delivery.limits = RateLimits(per_second=1000, in_flight=8)
    report = await delivery.deliver_due()
    assert report.sent == 30
    assert 1 < most <= 8
    # Thirty lanes committing at once: on SQLite none fails with "database is locked".
    assert await statuses(database) == [OutboxStatus.SENT] * 30


async def test_retry_after_stops_every_chat_and_the_next_pass_waits_it_out(
    bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await accounts_with_pushes(database, clock, chats=2)
    bot.session.queue_error(SendMessage, 429, "Too Many Requests: retry after 7", retry_after=7)
    fake = FakeTime()
    delivery = worker(database, bot, clock, fake)
    report = await delivery.deliver_due()
    assert (report.sent, report.retried, report.rate_limited) == (0, 1, 1)
    assert len(bot.session.calls(SendMessage)) == 1  # the other chat's push was not started
    assert await statuses(database) == [OutboxStatus.PENDING, OutboxStatus.PENDING]
    assert delivery.paused_for() == pytest.approx(7)
    fake.slept.clear()
    assert (await delivery.deliver_due()).sent == 1  # the push given back, after the pause
    assert fake.slept[0] == pytest.approx(7)


async def test_paid_broadcasts_are_asked_for_only_when_allowed(
    bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await accounts_with_pushes(database, clock, chats=2)
    free = worker(database, bot, clock, FakeTime())
    free.batch = 1
    await free.deliver_due()
    paid = worker(database, bot, clock, FakeTime())
    paid.limits = RateLimits(per_second=300, paid_broadcast=True)
    await paid.deliver_due()
    flags = [m.allow_paid_broadcast for m in bot.session.calls(SendMessage)]
    assert flags == [None, True]  # None: not in the request at all


async def test_the_configured_rate_reaches_the_worker(
    bot: RecordingBot, database: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DELIVERY_RATE", "300")
    monkeypatch.setenv("ALLOW_PAID_BROADCAST", "true")
    services = services_for(database, clock, bot=bot)
    built = build_delivery_worker(dataclasses.replace(services, settings=load_settings(None)))
    assert (built.limits.per_second, built.limits.paid_broadcast) == (300, True)
    assert built.batch_size == 1200  # four seconds of sending per pass
    assert built.limits.max_in_flight() == 75


async def test_no_send_starts_when_the_lease_is_about_to_run_out(
    bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await accounts_with_pushes(database, clock, chats=1, per_chat=2)
    delivery = worker(database, bot, clock, FakeTime())
    # A lease a second longer than the margin: the chat's second message would go after it.
    delivery.lease = LEASE_MARGIN + timedelta(seconds=1)
    assert (await delivery.deliver_due()).sent == 1
    assert len(bot.session.calls(SendMessage)) == 1
    assert await statuses(database) == [OutboxStatus.SENT, OutboxStatus.PENDING]  # given back
