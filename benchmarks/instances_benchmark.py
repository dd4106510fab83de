"""Several processes, one bot: two ``ediary run`` instances (webhook mode) and two
``ediary worker`` processes on one PostgreSQL and one Redis, against the Telegram stand-in
enforcing the bot's limit and one message a second per chat; prints what they reached
together.

    .venv/bin/python benchmarks/instances_benchmark.py [--postgres URL] [--redis URL]
        [--repeat 3]

Two runs, each on a database of its own, repeated ``--repeat`` times (the median printed):

- 30 a second (Telegram's limit), ``DELIVERY_RATE=30``: 600 chats, 2 pushes each (each with
  a button, so a chat's second push waits its second);
- 300 a second with paid broadcasts (``ALLOW_PAID_BROADCAST=true``): 3,000 chats, 1 each.

Every process sends: the run instances' delivery workers too. The stand-in answers in
20–80 ms and refuses (429) past either limit, with a little room for the network's jitter.
Counted: the combined rate while sending (goal ≥ 0.95 of the limit), 429s (goal 0),
duplicates and losses (goal 0). The machine's load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.delivery_benchmark import outbox_statuses, seed
from benchmarks.sync_benchmark import create_pg, drop_pg
from bot.standin.flood_control import FloodControl, FloodLimits
from bot.standin.server import TelegramStandIn
from bot.standin.wire import RecordedCall

HOOK = "https://bot.example.org/telegram/hook"


@dataclass(frozen=True)
class Run:
    rate: int
    chats: int
    per_chat: int
    paid: bool


RUNS = (Run(30, 600, 2, paid=False), Run(300, 3000, 1, paid=True))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def sending_rate(arrivals: list[float]) -> float:
    """Messages a second while sending (the start-up and any gap over a second left out)."""
    spells: list[list[float]] = [[arrivals[0]]]
    for before, at in pairwise(arrivals):
        if at - before > 1.0:
            spells.append([])
        spells[-1].append(at)
    spells = [spell for spell in spells if len(spell) > 1]
    return sum(len(s) - 1 for s in spells) / sum(s[-1] - s[0] for s in spells)


async def start(kind: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", kind, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def run_once(args: argparse.Namespace, run: Run) -> dict[str, Any]:
    url = await create_pg(args.postgres)
    token = f"{uuid.uuid4().int % 10**9 + 10**9}:BENCH-instances"
    limits = FloodLimits(per_second=run.rate, bot_burst=5, per_chat_per_second=1,
                         chat_burst=1.1, paid_per_second=run.rate)  # fmt: skip
    api = TelegramStandIn(token, username="bench_bot", first_name="Bench",
                          now=lambda: datetime.now(UTC), latency=(0.02, 0.08),
                          flood=FloodControl(limits))  # fmt: skip
    processes: list[asyncio.subprocess.Process] = []
    try:
        expected = await seed(url, run.chats, run.per_chat)
        base = await api.start()
        env = {**os.environ, "BOT_TOKEN": token, "TELEGRAM_API_URL": base, "DATABASE_URL": url,
               "REDIS_URL": args.redis, "SECRET_KEY": "b" * 40, "DELIVERY_RATE": str(run.rate),
               "ALLOW_PAID_BROADCAST": "true" if run.paid else "false", "LOG_LEVEL": "WARNING",
               "WEBHOOK_URL": HOOK, "WEBHOOK_SECRET": "bench-secret-0123456789"}  # fmt: skip
        for kind in ("worker", "worker", "run", "run"):
            processes.append(await start(kind, {**env, "HTTP_PORT": str(free_port())}))
        deadline = time.monotonic() + 60 + len(expected) / run.rate * 3
        while len(accepted(api)) < len(expected) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # anything sent twice would come now
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            await process.wait()
        await api.stop()
    calls = accepted(api)
    texts = Counter(str(call.params["text"]) for call in calls)
    statuses = await outbox_statuses(url)
    await drop_pg(args.postgres, url)
    return {
        "rate": sending_rate([call.at for call in calls]),
        "refused": len(api.flood_refusals),
        "duplicates": sum(n - 1 for n in texts.values()),
        "losses": len(set(expected) - set(texts)),
        "statuses": statuses,
    }


def accepted(api: TelegramStandIn) -> list[RecordedCall]:
    """The messages Telegram took: every call but those the limits refused."""
    refused = {id(call) for call in api.flood_refusals}
    return [call for call in api.calls("sendMessage") if id(call) not in refused]


async def benchmark(args: argparse.Namespace) -> None:
    print(load_average())
    for run in RUNS:
        results = [await run_once(args, run) for _ in range(args.repeat)]
        rate = statistics.median(r["rate"] for r in results)
        kind = "paid broadcasts" if run.paid else "Telegram's limit"
        print(
            f"{run.rate}/s ({kind}), 2 run instances + 2 workers, {run.chats * run.per_chat} "
            f"pushes: {rate:.1f}/s together = {rate / run.rate:.3f} of the limit (goal ≥ 0.95); "
            f"429s {max(r['refused'] for r in results)}, duplicates "
            f"{max(r['duplicates'] for r in results)}, losses {max(r['losses'] for r in results)} "
            f"(goal 0 each); {load_average()}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--repeat", type=int, default=3)
    asyncio.run(benchmark(parser.parse_args()))


if __name__ == "__main__":
    main()
