"""Several worker processes, one bot: through the limiter they share in Redis they keep
together to the bot's rate and to one message a second per chat — no 429 from a Telegram
that enforces both — and a 429 one of them is given pauses them all. Nothing is sent twice
and nothing is lost.

PostgreSQL only: several processes sending for one bot is a PostgreSQL deployment.
"""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from bot.standin.flood_control import FloodControl, FloodLimits
from bot.standin.wire import RecordedCall
from db.database import Database
from db.models import OutboxMessage, OutboxStatus
from tests.doubles.clock import FakeClock
from tests.doubles.fake_bot_api import FakeBotApi
from tests.test_delivery import BUTTONS
from tests.test_run_end_to_end import process_environment, run_ediary
from tests.test_storage import redis_url  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.slow,
    pytest.mark.own_processes,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]
RATE, CHATS, PER_CHAT = 30, 90, 2
PAUSE = 3


@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotApi]:
    # A bot of its own (the limiter's keys are per bot), and Telegram's limits with a little
    # room for the network's jitter: a request admitted on time may arrive a bit early.
    token = f"{uuid.uuid4().int % 10**9 + 10**9}:TEST-TOKEN-shared-limiter"
    limits = FloodLimits(per_second=RATE, bot_burst=5, per_chat_per_second=1, chat_burst=1.1)
    async with FakeBotApi(token, latency=(0.02, 0.08), flood=FloodControl(limits)) as api:
        yield api


async def seed(database: Database, clock: FakeClock) -> None:
    """Two pushes for each of 90 chats; each carries buttons, so each goes as a message of
    its own and a chat's second one must wait its second."""
    now = clock.now()
    async with database.unit_of_work() as uow:
        for chat in range(CHATS):
            account = await uow.accounts.add(telegram_user_id=80_000 + chat, chat_id=80_000 + chat,
                                             now=now)  # fmt: skip
            for number in range(PER_CHAT):
                await uow.outbox.queue(
                    account_id=account.id, school_id=None, kind="announcement",
                    key=f"shared:{chat}:{number}", text=f"Объявление {number}",
                    reply_markup=BUTTONS, due_at=now, urgent=True, now=now,
                )  # fmt: skip
        await uow.commit()


async def count_sent(database: Database) -> int:
    async with database.unit_of_work() as uow:
        statement = select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT)
        return int((await uow.session.execute(statement)).scalar_one())


async def senders(database: Database) -> int:
    async with database.unit_of_work() as uow:
        statement = select(func.count(func.distinct(OutboxMessage.claimed_by)))
        return int((await uow.session.execute(statement)).scalar_one())


async def test_workers_share_the_bots_limits_and_its_pauses(
    database: Database, database_url: URL, clock: FakeClock, telegram: FakeBotApi,
    redis_url: str, tmp_path: Path,  # noqa: F811
) -> None:  # fmt: skip
    await seed(database, clock)
    env = process_environment(
        BOT_TOKEN=telegram.token, TELEGRAM_API_URL=telegram.base_url, REDIS_URL=redis_url,
        DATABASE_URL=database_url.render_as_string(hide_password=False), SECRET_KEY="k" * 40,
        DELIVERY_RATE=str(RATE),
    )  # fmt: skip
    workers = [await run_ediary("worker", env=env, cwd=tmp_path) for _ in range(2)]
    try:
        await until(lambda: len(telegram.calls("sendMessage")) >= 60, timeout=120)
        # Telegram tells one of them to wait: every process stops sending for that long.
        telegram.fail_next("sendMessage", 429, f"Too Many Requests: retry after {PAUSE}",
                           retry_after=PAUSE)  # fmt: skip
        await until_sent(database, CHATS * PER_CHAT, timeout=120)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [await asyncio.wait_for(w.communicate(), 60) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert await senders(database) == 2, "both workers sent"

    calls = telegram.calls("sendMessage")
    [forced] = telegram.failed_calls
    paused_at = next(i for i, call in enumerate(calls) if call is forced)
    after = [call.at - calls[paused_at].at for call in calls[paused_at + 1 :]]
    # Sends already on their way when the 429 came arrive within the network's latency;
    # after that nobody sends until the pause is over.
    assert [t for t in after if 0.3 < t < PAUSE - 0.2] == [], "a process sent during the pause"

    accepted = [call for i, call in enumerate(calls) if i != paused_at]
    assert telegram.flood_refusals == []  # within the bot's and every chat's limit
    sends = Counter((int(c.params["chat_id"]), str(c.params["text"])) for c in accepted)
    wanted = {(80_000 + chat, f"Объявление {n}") for chat in range(CHATS) for n in range(PER_CHAT)}
    assert set(sends) == wanted  # nothing lost
    assert max(sends.values()) == 1  # nothing twice
    assert min(per_chat_gaps(accepted)) >= 0.9
    rate = sending_rate([call.at for call in accepted])
    assert rate >= 0.95 * RATE, f"{rate:.1f} messages a second together"


def sending_rate(arrivals: list[float]) -> float:
    """Messages a second while sending: the spells between gaps of over a second (the
    start, the pause) are left out."""
    spells: list[list[float]] = [[arrivals[0]]]
    for before, at in pairwise(arrivals):
        if at - before > 1.0:
            spells.append([])
        spells[-1].append(at)
    spells = [spell for spell in spells if len(spell) > 1]
    return sum(len(s) - 1 for s in spells) / sum(s[-1] - s[0] for s in spells)


def per_chat_gaps(calls: list[RecordedCall]) -> list[float]:
    by_chat: dict[int, list[float]] = defaultdict(list)
    for call in calls:
        by_chat[int(call.params["chat_id"])].append(call.at)
    return [b - a for times in by_chat.values() for a, b in pairwise(times)]


async def until(condition: object, timeout: float) -> None:  # noqa: ASYNC109
    assert callable(condition)
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def until_sent(database: Database, count: int, timeout: float) -> None:  # noqa: ASYNC109
    deadline = asyncio.get_running_loop().time() + timeout
    while await count_sent(database) < count:
        assert asyncio.get_running_loop().time() < deadline, "not everything was sent"
        await asyncio.sleep(0.2)
