"""What a delivery pass asks of the database: a few set-based statements per batch, not a
few per message; outcomes of every kind written together; cancellations still honoured."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage, TelegramMethod
from sqlalchemy import event, select

from bot.digests.delivery_ledger import RECHECK
from bot.digests.rate_limits import RateLimits
from db.database import Database
from db.models import OutboxMessage, OutboxStatus, TelegramAccount
from tests.doubles.clock import FakeClock
from tests.doubles.fake_time import FakeTime
from tests.doubles.recording_session import RecordingBot
from tests.test_delivery import statuses, worker
from tests.test_delivery_concurrency import accounts_with_pushes


@contextmanager
def counting(database: Database) -> Iterator[list[str]]:
    """The SQL statements sent meanwhile (an executemany counts once)."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]).split(None, 1)[0].upper())

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)


async def rows(database: Database) -> list[Any]:
    async with database.unit_of_work() as uow:
        result = await uow.session.execute(
            select(
                OutboxMessage.status,
                OutboxMessage.attempts,
                OutboxMessage.telegram_message_id,
                OutboxMessage.sent_at,
                OutboxMessage.lease_expires_at,
                TelegramAccount.chat_id,
            )
            .join(TelegramAccount, TelegramAccount.id == OutboxMessage.account_id)
            .order_by(OutboxMessage.id)
        )
        return list(result.all())


@pytest.mark.parametrize("rate", [1000, 25])
async def test_a_batch_of_200_costs_at_most_a_tenth_of_a_statement_a_message(
    bot: RecordingBot, database: Database, clock: FakeClock, rate: int
) -> None:
    await accounts_with_pushes(database, clock, chats=200)
    delivery = worker(database, bot, clock, FakeTime())
    # 1000/s: every send at once; 25/s: eight seconds, so rows are checked again and
    # outcomes written several times on the way.
    delivery.limits = RateLimits(per_second=rate)
    delivery.batch = 200
    with counting(database) as statements:
        report = await delivery.deliver_due()
    assert report.sent == 200
    assert len(statements) <= 20, statements
    assert statements.count("UPDATE") >= 2  # the claim and the outcomes
    written = await rows(database)
    assert [row.status for row in written] == [OutboxStatus.SENT] * 200
    # Each row got its own message's id (a CASE over the ids), and its attempt and time.
    assert [row.telegram_message_id for row in written] == [
        bot.session.last_message_id(row.chat_id) for row in written
    ]
    assert {(row.attempts, row.sent_at, row.lease_expires_at) for row in written} == {
        (1, clock.now(), None)
    }


async def test_outcomes_of_every_kind_in_one_pass(
    bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    chats = await accounts_with_pushes(database, clock, chats=4)
    # The sends go in due order: a server error, a block, a refusal, then one that arrives.
    bot.session.queue_error(SendMessage, 502, "Bad Gateway")
    bot.session.queue_error(SendMessage, 403, "Forbidden: bot was blocked by the user")
    bot.session.queue_error(SendMessage, 400, "Bad Request: chat not found")
    report = await worker(database, bot, clock, FakeTime()).deliver_due()
    assert (report.retried, report.blocked, report.dead, report.sent) == (1, 1, 1, 1)
    async with database.unit_of_work() as uow:
        messages = (
            await uow.session.execute(select(OutboxMessage).order_by(OutboxMessage.id))
        ).scalars()
        found = [(m.status, m.attempts, m.last_error, m.due_at > clock.now()) for m in messages]
        active = (
            await uow.session.execute(
                select(TelegramAccount.is_active).order_by(TelegramAccount.id)
            )
        ).scalars()
        assert list(active) == [True, False, True, True]
    assert found == [
        (OutboxStatus.PENDING, 1, "Telegram server says - Bad Gateway", True),  # backed off
        (OutboxStatus.DEAD, 1, "blocked: Forbidden: bot was blocked by the user", False),
        (OutboxStatus.DEAD, 1, "bad request: Bad Request: chat not found", False),
        (OutboxStatus.SENT, 1, None, False),
    ]
    assert [m.chat_id for m in bot.session.calls(SendMessage)] == chats


async def test_a_push_cancelled_after_the_claim_is_not_sent_once_checked_again(
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await accounts_with_pushes(database, clock, chats=1, per_chat=2)
    fake = FakeTime()
    answer = bot.session.make_request

    async def slow_then_withdrawn(
        bot_: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        # The first answer takes a while, and meanwhile the family withdraws consent.
        async with database.unit_of_work() as uow:
            await uow.outbox.cancel_pending(1, clock.now())
            await uow.commit()
        fake.now += RECHECK
        return await answer(bot_, method, timeout)

    monkeypatch.setattr(bot.session, "make_request", slow_then_withdrawn)
    report = await worker(database, bot, clock, fake).deliver_due()
    assert report.sent == 1
    assert len(bot.session.calls(SendMessage)) == 1
    # The first went (its outcome is the truth), the second stays cancelled.
    assert await statuses(database) == [OutboxStatus.SENT, OutboxStatus.CANCELLED]


@pytest.fixture
async def second(database: Database) -> AsyncIterator[Database]:
    other = Database(database.engine.url)
    yield other
    await other.dispose()


async def test_rows_not_sent_in_a_pass_are_given_back_with_its_last_outcomes(
    bot: RecordingBot, database: Database, clock: FakeClock, second: Database
) -> None:
    await accounts_with_pushes(database, clock, chats=1, per_chat=3)
    delivery = worker(database, bot, clock, FakeTime())
    delivery.lease = timedelta(seconds=62)  # room for two sends a second apart, not three
    with counting(database) as statements:
        report = await delivery.deliver_due()
    assert report.sent == 2
    assert await statuses(second) == [OutboxStatus.SENT, OutboxStatus.SENT, OutboxStatus.PENDING]
    # The claim, the outcomes and the release (the last two in one transaction).
    assert statements == ["UPDATE", "UPDATE", "UPDATE"]
