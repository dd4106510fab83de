"""Sync a district-sized document into PostgreSQL and SQLite; print rows/s and peak memory.

    .venv/bin/python benchmarks/sync_benchmark.py [--students 1000] [--grades 200000]
        [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/postgres] [--skip-sqlite]
        [--sizes 10000,50000,200000,400000]

Each back-end runs in its own process so that the peak memory (max RSS) is its own. Three
runs per back-end: the first load (everything created), the same document again (nothing
changes) and a document with 10% of the grades changed.

``--sizes``: instead, per size and back-end (a fresh database each, its own process), the
per-row time of an unchanged re-sync, the median of 3 re-syncs, split into validation and
database work; a linear sync keeps the per-row time flat as the document grows.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg

from bot.exchange.service import CheckedDocument, apply_checked, sync_document
from bot.exchange.validation import parse_document
from bot.schools.service import create_school
from db.database import Database
from db.engine import normalize_database_url

SUBJECTS = ["Математика", "Русский язык", "Литература", "История", "Физика", "Химия",
            "Биология", "География", "Английский язык", "Информатика"]  # fmt: skip
VALUES = ["5", "5", "4", "4", "4", "3", "3", "2", "4-", "5+"]


class Clock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


def district(students: int, grades: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    classes = max(1, students // 25)
    document: dict[str, Any] = {
        "periods": [{"external_id": "q2", "name": "II четверть", "kind": "quarter",
                     "starts_on": "2026-11-05", "ends_on": "2026-12-28"}],
        "subjects": [{"external_id": f"subj{i}", "name": name} for i, name in enumerate(SUBJECTS)],
        "teachers": [{"external_id": f"t{i}", "full_name": f"Учитель {i}"} for i in range(40)],
        "classes": [{"external_id": f"c{i}", "name": f"{5 + i % 7}{'АБВГ'[i % 4]}-{i}",
                     "level": "basic", "class_teacher_id": f"t{i % 40}"} for i in range(classes)],
        "students": [{"external_id": f"s{i}", "full_name": f"Ученик {i}",
                      "class_id": f"c{i % classes}"} for i in range(students)],
        "grades": [],
    }  # fmt: skip
    start = dt.date(2026, 11, 5)
    for i in range(grades):
        document["grades"].append(
            {"external_id": f"g{i}", "student_id": f"s{i % students}",
             "subject_id": f"subj{rng.randrange(len(SUBJECTS))}",
             "date": (start + dt.timedelta(days=rng.randrange(50))).isoformat(),
             "value": rng.choice(VALUES), "work_type": "ответ на уроке",
             "weight": rng.choice([1, 1, 1, 2, 3])}
        )  # fmt: skip
    return document


def changed(document: dict[str, Any], share: float, seed: int = 11) -> dict[str, Any]:
    rng = random.Random(seed)
    grades = [dict(grade) for grade in document["grades"]]
    for grade in rng.sample(grades, int(len(grades) * share)):
        grade["value"] = "3" if grade["value"] != "3" else "4"
    return {"grades": grades}


async def one_backend(
    url: str, document: dict[str, Any]
) -> list[tuple[str, float, dict[str, Any]]]:
    database = Database(url)
    await database.migrate()
    clock = Clock()
    async with database.unit_of_work() as uow:
        school, _ = await create_school(uow, clock, "b" * 40, name=f"Bench {uuid.uuid4().hex[:6]}",
                                        timezone="Europe/Moscow", actor="bench")  # fmt: skip
    results = []
    for label, doc in (("first load", document), ("same again", document),
                       ("10% changed", changed(document, 0.1))):  # fmt: skip
        started = time.perf_counter()
        async with database.unit_of_work() as uow:
            result = await sync_document(uow, clock, school, doc, source="bench",
                                         document_sha256="-", actor="bench")  # fmt: skip
        elapsed = time.perf_counter() - started
        results.append((label, elapsed, result.as_dict()["counts"]["grades"]))
    await database.dispose()
    return results


def run_backend(name: str, url: str, students: int, grades: int, queue: Any) -> None:
    document = district(students, grades)
    results = asyncio.run(one_backend(url, document))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((name, results, peak_mb, len(json.dumps(document)) / 1024**2))


async def resyncs(url: str, document: dict[str, Any], runs: int) -> dict[str, Any]:
    """First load, then ``runs`` unchanged re-syncs: seconds validating and applying each."""
    database = Database(url)
    await database.migrate()
    clock = Clock()
    async with database.unit_of_work() as uow:
        school, _ = await create_school(uow, clock, "b" * 40, name="Bench",
                                        timezone="Europe/Moscow", actor="bench")  # fmt: skip
    timings: list[tuple[float, float]] = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        checked = CheckedDocument(parse_document(document), "-")
        parsed = time.perf_counter()
        async with database.unit_of_work() as uow:
            result = await apply_checked(uow, clock, school, checked, source="bench", actor="bench")
        timings.append((parsed - started, time.perf_counter() - parsed))
        assert result.counts["grades"].unchanged == (len(timings) > 1) * len(document["grades"])
    await database.dispose()
    return {"first": sum(timings[0]), "resyncs": timings[1:]}


def run_sizes(url: str, students: int, grades: int, queue: Any) -> None:
    outcome = asyncio.run(resyncs(url, district(students, grades), runs=3))
    outcome["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(outcome)


def load_average() -> str:
    return "load average " + " ".join(f"{load:.2f}" for load in os.getloadavg())


def in_process(target: Any, *args: Any) -> Any:
    """Run ``target(*args, queue)`` in its own process (its own peak RSS); its answer."""
    queue: Any = multiprocessing.Queue()
    process = multiprocessing.Process(target=target, args=(*args, queue))
    process.start()
    answer = queue.get()  # before join: a large answer blocks the child until it is read
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"the benchmark process failed ({process.exitcode})")
    return answer


def scaling(args: argparse.Namespace) -> None:
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"unchanged re-sync, {args.students} students; median of 3 re-syncs; µs per grade row")
    print(f"{'back-end':<11} {'grades':>8} {'first load':>11} {'validate':>9} {'database':>9}"
          f" {'total':>9}  {'peak RSS':>8}  {'runs (total s)':<22} load average")  # fmt: skip
    for size in sizes:
        for name in ("PostgreSQL", "SQLite"):
            if name == "SQLite" and args.skip_sqlite:
                continue
            workdir = tempfile.TemporaryDirectory()
            url = (asyncio.run(create_pg(args.postgres)) if name == "PostgreSQL"
                   else f"sqlite+aiosqlite:///{workdir.name}/bench.sqlite3")  # fmt: skip
            try:
                outcome = in_process(run_sizes, url, args.students, size)
            finally:
                if name == "PostgreSQL":
                    asyncio.run(drop_pg(args.postgres, url))
                workdir.cleanup()
            runs = outcome["resyncs"]
            validate = statistics.median(v for v, _ in runs) / size * 1e6
            database = statistics.median(d for _, d in runs) / size * 1e6
            total = statistics.median(v + d for v, d in runs) / size * 1e6
            each = ", ".join(f"{v + d:.2f}" for v, d in runs)
            print(f"{name:<11} {size:>8,} {outcome['first']:>9.1f} s {validate:>9.1f} "
                  f"{database:>9.1f} {total:>9.1f}  {outcome['peak_mb']:>5.0f} MB  "
                  f"{each:<22} {load_average()}", flush=True)  # fmt: skip


async def create_pg(admin: str) -> str:
    url = normalize_database_url(admin)
    name = f"ediary_bench_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()
    return url.set(database=name).render_as_string(hide_password=False)


async def drop_pg(admin: str, url: str) -> None:
    parsed = normalize_database_url(admin)
    connection = await asyncpg.connect(parsed.set(drivername="postgresql").render_as_string(False))
    await connection.execute(
        f'DROP DATABASE IF EXISTS "{normalize_database_url(url).database}" WITH (FORCE)'
    )
    await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--grades", type=int, default=200_000)
    parser.add_argument(
        "--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--sizes", help="comma-separated grade counts: per-row re-sync time")
    args = parser.parse_args()
    if args.sizes:
        scaling(args)
        return
    backends: list[tuple[str, str]] = []
    pg_url = asyncio.run(create_pg(args.postgres))
    backends.append(("PostgreSQL", pg_url))
    workdir = tempfile.TemporaryDirectory()
    if not args.skip_sqlite:
        backends.append(("SQLite", f"sqlite+aiosqlite:///{workdir.name}/bench.sqlite3"))
    print(f"district: {args.students} students, {args.grades} grades")
    try:
        for name, url in backends:
            queue: Any = multiprocessing.Queue()
            process = multiprocessing.Process(
                target=run_backend, args=(name, url, args.students, args.grades, queue)
            )
            process.start()
            process.join()
            if process.exitcode != 0:
                raise SystemExit(f"{name}: the benchmark process failed ({process.exitcode})")
            backend, results, peak_mb, size_mb = queue.get()
            print(f"\n{backend} (document {size_mb:.1f} MB, peak RSS {peak_mb:.0f} MB)")
            for label, elapsed, counts in results:
                rate = args.grades / elapsed
                print(f"  {label:<12} {elapsed:7.2f} s  {rate:9,.0f} grade rows/s  {counts}")
    finally:
        asyncio.run(drop_pg(args.postgres, pg_url))
        workdir.cleanup()


if __name__ == "__main__":
    main()
