"""The delivery worker against a rate-limited fake Bot API over HTTP; prints the rate reached.

    .venv/bin/python benchmarks/delivery_benchmark.py [--chats 1000] [--pushes-per-chat 3]
        [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/postgres] [--run 285:300]
        [--repeat 3]

Two runs, each repeated ``--repeat`` times (the median is printed) on a fresh database
(SQLite in a temporary directory, or with ``--postgres`` a database of its own on that
server, dropped afterwards):

- ``DELIVERY_RATE=25`` against a fake that allows 30 messages a second per bot;
- ``DELIVERY_RATE=285`` with ``ALLOW_PAID_BROADCAST=true`` against a fake that allows 300
  (5 % under the limit: at the limit itself the network's jitter overfills a second now and
  then, and each 429 pauses the bot for a second).

Paid broadcasts at 1,000 a second (the goal: at least 0.9 of them from one worker, with no
429) are ``--chats 6000 --pushes-per-chat 1 --run 950:1000``. Each median is printed beside
its goals: no 429, no duplicate, no loss, and at 1,000 a second 0.9 of what the fake allows.

The fake (in this process, which does not collect garbage while it serves: Telegram's
servers do not pause for this process's collections) also allows one message a second per
chat, answers 429 with ``parameters.retry_after`` past either limit, and takes 20–80 ms per
request: half of it on the way in, before the limits are judged (so arrivals jitter as over
a real network), half on the way back. The accounts are linked guardians with a granted
consent, seeded directly; the pushes go through ``queue_push``, all due at once, each chat's
pushes together. Every push carries a button, so each is a message of its own: the per-chat
limit is exercised (a chat's pushes go one a second) and duplicates and losses are counted
per push; plain pushes due together for a chat would be merged into one message instead.

The worker is a separate process (``ediary worker``'s code: the settings, the real aiogram
Bot with its HTTP session, ``run_delivery``) so that its CPU time and peak memory are its own.
Duplicates and losses are checked from the fake's log of accepted messages against the outbox.
The worker process also counts the SQL statements it sends (an ``executemany`` counts as one)
and its CPU time, both per push. The machine's load average is printed beside every run: the
figures of a loaded machine are not those of an idle one.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web
from sqlalchemy import event, func, select

from benchmarks.diary_benchmark import link_everyone
from benchmarks.sync_benchmark import create_pg, district, drop_pg
from bot.clock import SystemClock
from bot.config import load_settings
from bot.digests.delivery_loop import run_delivery
from bot.digests.outbox import queue_push
from bot.exchange.service import sync_document
from bot.runtime import freeze_start_up_objects
from bot.schools.service import create_school
from bot.services import build_delivery_worker, build_services
from bot.standin.wire import telegram_error
from db.database import Database
from db.models import OutboxMessage, OutboxStatus, TelegramAccount
from tests.doubles.fake_bot_api import FakeBotApi
from tests.doubles.telegram_updates import TEST_TOKEN

BUTTONS = {"inline_keyboard": [[{"text": "Открыть дневник", "callback_data": "diary"}]]}


@dataclass(frozen=True)
class Run:
    rate: int  # DELIVERY_RATE
    paid: bool  # ALLOW_PAID_BROADCAST
    allowed: int  # what the fake accepts per second per bot


RUNS = [Run(rate=25, paid=False, allowed=30), Run(rate=285, paid=True, allowed=300)]
THOUSAND_GOAL = 0.9  # of the 1,000 a second the fake allows, from one worker


def parse_run(spec: str) -> Run:
    """``RATE:ALLOWED``, e.g. ``285:300``; above 30 messages a second is a paid broadcast."""
    rate, allowed = (int(part) for part in spec.split(":"))
    return Run(rate=rate, paid=rate > 30, allowed=allowed)


class RateLimitedBotApi(FakeBotApi):
    """The fake Bot API with Telegram's limits on sendMessage and a network's latency."""

    def __init__(self, per_second: int, latency: tuple[float, float] = (0.02, 0.08)) -> None:
        super().__init__(TEST_TOKEN)
        self.per_second = per_second
        self.latency_range = latency
        self.accepted: list[tuple[int, str, float]] = []  # chat, text, arrival (monotonic)
        self.too_many = 0
        self.too_many_in_chat = 0  # of them, for the per-chat limit
        self._window: collections.deque[float] = collections.deque()  # the last second
        self._last_in_chat: dict[int, float] = {}
        self._rng = random.Random(1)

    async def _handle(self, request: web.Request) -> web.Response:
        latency = self._rng.uniform(*self.latency_range)
        await asyncio.sleep(latency / 2)
        if request.match_info["method"].lower() == "sendmessage":
            form = await request.post()
            chat_id, text = int(str(form["chat_id"])), str(form["text"])
            if not self._admit(chat_id, time.monotonic()):
                self.too_many += 1
                await asyncio.sleep(latency / 2)
                return telegram_error(429, "Too Many Requests: retry after 1", retry_after=1)
            self.accepted.append((chat_id, text, time.monotonic()))
        response = await super()._handle(request)
        await asyncio.sleep(latency / 2)
        return response

    def _admit(self, chat_id: int, now: float) -> bool:
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= self.per_second:
            return False
        if now - self._last_in_chat.get(chat_id, float("-inf")) < 1.0:
            self.too_many_in_chat += 1
            return False
        self._window.append(now)
        self._last_in_chat[chat_id] = now
        return True


async def seed(url: str, chats: int, per_chat: int) -> dict[str, int]:
    """A school with ``chats`` linked guardians and their pushes; push text → chat id."""
    database = Database(url)
    clock = SystemClock()
    try:
        await database.migrate()
        document = district(chats, 0)
        document["guardians"] = [
            {
                "external_id": f"g{s['external_id']}",
                "full_name": f"Родитель {s['full_name']}",
                "student_ids": [s["external_id"]],
            }
            for s in document["students"]
        ]
        async with database.unit_of_work() as uow:
            school, _ = await create_school(
                uow, clock, "b" * 40, name="Bench", timezone="Europe/Moscow", actor="bench"
            )
            await sync_document(
                uow, clock, school, document, source="bench", document_sha256="-", actor="bench"
            )
        users = await link_everyone(database, school.id)
        expected: dict[str, int] = {}
        async with database.unit_of_work() as uow:
            for user in users:
                account = await uow.accounts.by_telegram_user(user)
                assert account is not None
                for number in range(per_chat):
                    text = f"Новая оценка №{number + 1} для {user}"
                    queued = await queue_push(
                        uow,
                        clock,
                        telegram_user_id=user,
                        school_id=school.id,
                        kind="grade",
                        key=f"bench:{number}:{user}",
                        text=text,
                        reply_markup=BUTTONS,
                    )
                    assert queued, "a linked, consenting account gets its push"
                    expected[text] = account.chat_id
            await uow.commit()
        return expected
    finally:
        await database.dispose()


async def outbox_statuses(url: str) -> dict[str, int]:
    database = Database(url)
    try:
        async with database.unit_of_work() as uow:
            rows = await uow.session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            )
            return {str(status): int(count) for status, count in rows.all()}
    finally:
        await database.dispose()


async def run_once(url: str, run: Run, chats: int, per_chat: int) -> dict[str, Any]:
    expected = await seed(url, chats, per_chat)
    api = RateLimitedBotApi(run.allowed)
    base = await api.start()
    fake_cpu = time.process_time()
    # The fake stands in for Telegram's servers, which do not stop for a collection: a
    # full collection in this process (0.3 s, over what the seeding left) would hold the
    # requests of that time and judge them together, a burst that is not the worker's.
    gc.collect()
    gc.disable()
    try:
        worker = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--worker",
            "--database-url",
            url,
            "--api-url",
            base,
            "--rate",
            str(run.rate),
            *(["--paid"] if run.paid else []),
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await worker.communicate()
        if worker.returncode != 0:
            raise SystemExit(f"the worker process failed ({worker.returncode})")
        measured = json.loads(out.decode().strip().splitlines()[-1])
        measured["fake_cpu"] = time.process_time() - fake_cpu
    finally:
        gc.enable()
        await api.stop()
    texts = [text for _, text, _ in api.accepted]
    times = [at for _, _, at in api.accepted]
    achieved = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    wrong_chat = sum(1 for chat, text, _ in api.accepted if expected.get(text) != chat)
    return {
        "messages": len(texts),
        "seconds": times[-1] - times[0] if times else 0.0,
        "achieved": achieved,
        "fraction": achieved / run.rate,
        "too_many": api.too_many,
        "too_many_in_chat": api.too_many_in_chat,
        "duplicates": len(texts) - len(set(texts)) + wrong_chat,
        "losses": len(set(expected) - set(texts)),
        "statuses": await outbox_statuses(url),
        **measured,
    }


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


async def run_fresh(args: argparse.Namespace, run: Run) -> dict[str, Any]:
    """One run on a database of its own."""
    workdir = tempfile.TemporaryDirectory()
    if args.postgres:
        url = await create_pg(args.postgres)
    else:
        url = f"sqlite+aiosqlite:///{workdir.name}/bench.sqlite3"
    try:
        return await run_once(url, run, args.chats, args.pushes_per_chat)
    finally:
        if args.postgres:
            await drop_pg(args.postgres, url)
        workdir.cleanup()


def print_run(figures: dict[str, Any], pushes: int) -> None:
    print(
        f"    {figures['messages']} messages in {figures['seconds']:.1f} s: "
        f"{figures['achieved']:.1f} msg/s = {figures['fraction']:.3f} of the rate; "
        f"429s {figures['too_many']} ({figures['too_many_in_chat']} for a chat); "
        f"duplicates {figures['duplicates']}, losses {figures['losses']}"
    )
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(figures["by_kind"].items()))
    print(
        f"    worker: CPU {figures['cpu']:.1f} s in {figures['wall']:.1f} s "
        f"({100 * figures['cpu'] / figures['wall']:.0f}% of a core; the fake Bot API "
        f"{100 * figures['fake_cpu'] / figures['wall']:.0f}%) = "
        f"{1000 * figures['cpu'] / pushes:.2f} ms a push; "
        f"{figures['statements']} statements ({kinds}) = "
        f"{figures['statements'] / pushes:.3f} a push; peak RSS {figures['peak_mb']:.0f} MB; "
        f"outbox {figures['statuses']}"
    )
    print(f"    {load_average()}")


async def benchmark(args: argparse.Namespace) -> None:
    backend = "PostgreSQL" if args.postgres else "SQLite"
    pushes = args.chats * args.pushes_per_chat
    print(f"{backend}: {pushes} pushes (with a button each) to {args.chats} chats")
    print(f"{load_average()} before the first run")
    for run in args.run or RUNS:
        paid = ", paid broadcast" if run.paid else ""
        print(
            f"\n  DELIVERY_RATE={run.rate}{paid}; the fake allows {run.allowed}/s per bot, "
            "1/s per chat, 20-80 ms a request"
        )
        runs = []
        for number in range(args.repeat):
            print(f"  run {number + 1} of {args.repeat}:")
            runs.append(await run_fresh(args, run))
            print_run(runs[-1], pushes)

        def median(key: str, runs: list[dict[str, Any]] = runs) -> float:
            return statistics.median(float(figures[key]) for figures in runs)

        of_allowed = median("achieved") / run.allowed
        goal = f" (goal ≥ {THOUSAND_GOAL})" if run.allowed >= 1000 else ""
        print(
            f"  median of {len(runs)}: {median('achieved'):.1f} msg/s = "
            f"{median('fraction'):.3f} of the rate = {of_allowed:.3f} of the {run.allowed}/s "
            f"allowed{goal}; 429s {median('too_many'):.0f} (goal 0); "
            f"duplicates {max(f['duplicates'] for f in runs)}, "
            f"losses {max(f['losses'] for f in runs)} (the most of any run; goal 0 each); "
            f"CPU {1000 * median('cpu') / pushes:.2f} ms a push "
            f"({100 * median('cpu') / median('wall'):.0f}% of a core); "
            f"{median('statements') / pushes:.3f} statements a push; "
            f"peak RSS {median('peak_mb'):.0f} MB"
        )


async def remaining(database: Database) -> int:
    async with database.unit_of_work() as uow:
        count = await uow.session.execute(
            select(func.count()).where(
                OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED])
            )
        )
        return int(count.scalar_one())


async def work(args: argparse.Namespace) -> None:
    """The worker process: deliver until the outbox is empty, then print what it cost."""
    settings = load_settings(
        None,
        bot_token=TEST_TOKEN,
        database_url=args.database_url,
        telegram_api_url=args.api_url,
        delivery_rate=args.rate,
        allow_paid_broadcast=args.paid,
    )
    services = build_services(settings)
    database = services.database
    stop = asyncio.Event()
    by_kind: collections.Counter[str] = collections.Counter()
    counting = False

    def count(*args: Any) -> None:
        # (conn, cursor, statement, parameters, context, executemany)
        if counting:
            by_kind[args[2].split(None, 1)[0].upper()] += 1

    # The watcher has an engine of its own: its polls are not the worker's statements.
    watching = Database(args.database_url)

    async def stop_when_empty() -> None:
        # The outbox is in the database: there is nothing to wait on but a poll.
        while await remaining(watching):  # noqa: ASYNC110
            await asyncio.sleep(0.25)
        stop.set()

    try:
        async with database.unit_of_work() as uow:  # connect before the clock starts
            await uow.session.execute(select(func.count()).select_from(TelegramAccount))
        event.listen(database.engine.sync_engine, "before_cursor_execute", count)
        counting = True
        freeze_start_up_objects()  # as ``ediary worker`` does
        began, cpu = time.perf_counter(), time.process_time()
        watcher = asyncio.create_task(stop_when_empty())
        await run_delivery(build_delivery_worker(services), stop)
        await watcher
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        counting = False
    finally:
        await services.close()
        await watching.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {"cpu": cpu, "wall": wall, "peak_mb": peak_mb}
    print(json.dumps({**figures, "statements": sum(by_kind.values()), "by_kind": by_kind}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--pushes-per-chat", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL instead of SQLite")
    parser.add_argument(
        "--run",
        type=parse_run,
        action="append",
        metavar="RATE:ALLOWED",
        help="DELIVERY_RATE against a fake allowing ALLOWED a second, instead of 25:30 and "
        "300:300 (repeatable)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (the median)")
    # The worker process's own arguments.
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--paid", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    asyncio.run(work(args) if args.worker else benchmark(args))


if __name__ == "__main__":
    main()
