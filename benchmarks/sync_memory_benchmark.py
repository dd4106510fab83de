"""Peak memory of syncing a district document (200,000 grades, about 40 MB of JSON).

    .venv/bin/python benchmarks/sync_memory_benchmark.py [--grades 200000] [--runs 3]
        [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/postgres] [--skip-sqlite]
        [--mode stream|body] [--code DIR]

Each run is its own process with a fresh database (so its max RSS is its own): the document
is read from a file and applied in one transaction, the first load (everything created)
then the same document again (nothing changes). ``stream`` reads the file as the exchange
API reads a body (``bot.exchange.reading``); ``body`` holds the whole body in memory first
and calls ``check_document(body)`` — the only way before the streaming reader, so
``--mode body --code ../main`` (an older checkout first on the path) measures the old code.
Prints the median of the runs beside the goal and the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

GOAL_MB = 300


class Clock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def load_twice(url: str, path: str, mode: str) -> dict[str, float]:
    from bot.exchange import service
    from bot.schools.service import create_school
    from db.database import Database

    database = Database(url)
    await database.migrate()
    clock = Clock()
    async with database.unit_of_work() as uow:
        school, _ = await create_school(uow, clock, "b" * 40, name=f"Bench {uuid.uuid4().hex[:6]}",
                                        timezone="Europe/Moscow", actor="bench")  # fmt: skip
    figures = {"ready_mb": peak_mb()}
    for label in ("first", "again"):
        started = time.perf_counter()
        if mode == "stream":
            from bot.exchange.reading import read_file

            document = service.checked(*read_file(path))
        else:
            body = Path(path).read_bytes()  # noqa: ASYNC240 - the old way, measured
            document = service.check_document(body)
            del body
        async with database.unit_of_work() as uow:
            result = await service.apply_checked(
                uow, clock, school, document, source="bench", actor="bench"
            )
        assert result.counts["grades"].created + result.counts["grades"].unchanged > 0
        figures[f"{label}_s"] = time.perf_counter() - started
        figures[f"{label}_mb"] = peak_mb()
    await database.dispose()
    return figures


def one_run(code: str, url: str, path: str, mode: str, queue: Any) -> None:
    sys.path.insert(0, code)
    queue.put(asyncio.run(load_twice(url, path, mode)))


def in_process(*args: Any) -> dict[str, float]:
    # Spawned, not forked: a fresh interpreter whose max RSS owes nothing to this one.
    context = multiprocessing.get_context("spawn")
    queue: Any = context.Queue()
    process = context.Process(target=one_run, args=(*args, queue))
    process.start()
    answer: dict[str, float] = queue.get()
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"the benchmark process failed ({process.exitcode})")
    return answer


def write_district(root: str, path: str, students: int, grades: int) -> None:
    sys.path.insert(0, root)
    from benchmarks.sync_benchmark import district

    Path(path).write_text(json.dumps(district(students, grades)))


def main() -> None:
    root = str(Path(__file__).resolve().parent.parent)
    sys.path.insert(0, root)
    from benchmarks.sync_benchmark import create_pg, drop_pg, load_average

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--grades", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--mode", choices=["stream", "body"], default="stream")
    parser.add_argument("--code", default=root, help="the checkout whose bot/ is measured")
    args = parser.parse_args()
    code = str(Path(args.code).resolve())
    with tempfile.TemporaryDirectory() as workdir:
        path = f"{workdir}/district.json"
        # Written by a process of its own: a child's max RSS starts from its parent's RSS
        # when it is started (fork, then exec keeps the high-water mark), so this process
        # must never hold the document.
        writer = multiprocessing.get_context("spawn").Process(
            target=write_district, args=(root, path, args.students, args.grades)
        )
        writer.start()
        writer.join()
        size = os.path.getsize(path) / 1024**2
        print(
            f"{args.grades:,} grades, {args.students:,} students ({size:.1f} MB of JSON); "
            f"mode {args.mode}, code {code}"
        )
        print(f"median of {args.runs} runs, each its own process; peak RSS after each step")
        print(f"{'back-end':<11} {'ready':>7} {'first load':>17} {'same again':>17}  "
              f"{'goal':>8}  load average")  # fmt: skip
        for name in ("PostgreSQL", "SQLite"):
            if name == "SQLite" and args.skip_sqlite:
                continue
            runs = []
            for _ in range(args.runs):
                sqlite = f"sqlite+aiosqlite:///{workdir}/bench-{uuid.uuid4().hex[:6]}.sqlite3"
                url = asyncio.run(create_pg(args.postgres)) if name == "PostgreSQL" else sqlite
                try:
                    runs.append(in_process(code, url, path, args.mode))
                finally:
                    if name == "PostgreSQL":
                        asyncio.run(drop_pg(args.postgres, url))

            def median(key: str, runs: list[dict[str, float]] = runs) -> float:
                return statistics.median(run[key] for run in runs)

            peak = max(median("first_mb"), median("again_mb"))
            verdict = "met" if peak < GOAL_MB else "NOT met"
            print(f"{name:<11} {median('ready_mb'):>4.0f} MB "
                  f"{median('first_mb'):>5.0f} MB {median('first_s'):>6.1f} s "
                  f"{median('again_mb'):>5.0f} MB {median('again_s'):>6.1f} s  "
                  f"< {GOAL_MB} MB {verdict:<7}  {load_average()}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
