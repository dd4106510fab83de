"""Paper statements and summary sheets for a school of 1,000 students; prints the time and
the peak memory (max RSS of this process).

    .venv/bin/python benchmarks/reports_benchmark.py [--students 1000] [--grades 60000]
        [--database sqlite+aiosqlite:///tmp/reports-bench.sqlite3]
        [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]
        [--skip-sqlite] [--runs 3]

With --postgres the same runs in a fresh PostgreSQL database created on that server (and
dropped afterwards). Each back-end runs in its own process, so the peak memory is its own;
the times are the median of the runs, printed beside the load average.

Worst case for statements: nobody is linked, so every student gets a paper section. Every
student also has a final grade in every subject, for the summary sheets.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram.utils.i18n import I18n

from benchmarks.sync_benchmark import create_pg, district, drop_pg
from bot.exchange.service import sync_document
from bot.i18n import build_i18n
from bot.reports.statements import class_statements, paper_students
from bot.reports.summary import summary_sheet
from bot.schools.service import create_school
from db.database import Database
from db.models import School
from tests.doubles.clock import FakeClock


def with_finals(document: dict[str, Any]) -> dict[str, Any]:
    rng = random.Random(5)
    document["final_grades"] = [
        {"external_id": f"f{student['external_id']}-{subject['external_id']}",
         "student_id": student["external_id"], "subject_id": subject["external_id"],
         "period_id": "q2", "status": "final", "value": rng.choice("2345")}
        for student in document["students"] for subject in document["subjects"]
    ]  # fmt: skip
    return document


async def main(args: argparse.Namespace, url: str, name: str) -> None:
    database = Database(url)
    await database.migrate()
    clock = FakeClock(dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC))
    async with database.unit_of_work() as uow:
        school, _ = await create_school(
            uow, clock, "b" * 40, name="Bench", timezone="Europe/Moscow", actor="bench"
        )
        await sync_document(
            uow, clock, school, with_finals(district(args.students, args.grades)),
            source="bench", document_sha256="-", actor="bench",
        )  # fmt: skip
    i18n = build_i18n()
    print(f"\n{name}: load average {_load()}; {os.cpu_count()} cores; median of {args.runs} runs")
    timings = [await _render_all(database, i18n, school) for _ in range(args.runs)]
    statements_seconds = statistics.median(t[0] for t in timings)
    summary_seconds = statistics.median(t[1] for t in timings)
    classes, sections = timings[0][2], timings[0][3]
    await database.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{name}: students: {args.students}, grades: {args.grades}, classes: {classes}")
    print(f"statements: {sections} students in {classes} PDFs: {statements_seconds:.1f} s")
    print(f"summary sheets (XLSX + PDF) for {classes} classes: {summary_seconds:.1f} s")
    print(f"total: {statements_seconds + summary_seconds:.1f} s, peak memory {peak:.0f} MiB")
    print(f"load average now {_load()}")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


async def _render_all(
    database: Database, i18n: I18n, school: School
) -> tuple[float, float, int, int]:
    """Every class's statements, then every class's summary sheet: seconds for each, the
    number of classes and of students on paper."""
    first, last = dt.date(2026, 11, 16), dt.date(2026, 11, 29)
    started = time.perf_counter()
    sections = 0
    async with database.unit_of_work() as uow:
        classes = await uow.teachers.classes_of_school(school.id)
        selected = await paper_students(uow, [c.id for c in classes])
        for school_class in classes:
            own = [s for s in selected if s.student.class_id == school_class.id]
            statements = await class_statements(
                uow, i18n, "ru", school, school_class, first, last, own
            )
            sections += len(statements.students)
    statements_seconds = time.perf_counter() - started
    started = time.perf_counter()
    async with database.unit_of_work() as uow:
        period = await uow.reports.period(school.id, "q2")
        assert period is not None
        for school_class in classes:
            await summary_sheet(uow, i18n, "ru", school, school_class, period)
    return statements_seconds, time.perf_counter() - started, len(classes), sections


def run_backend(args: argparse.Namespace, url: str, name: str) -> None:
    asyncio.run(main(args, url, name))


def run_all(args: argparse.Namespace) -> None:
    backends: list[tuple[str, str]] = []
    if not args.skip_sqlite:
        backends.append(("SQLite", args.database))
    pg_url = asyncio.run(create_pg(args.postgres)) if args.postgres else None
    if pg_url is not None:
        backends.append(("PostgreSQL", pg_url))
    try:
        for name, url in backends:
            process = multiprocessing.Process(target=run_backend, args=(args, url, name))
            process.start()
            process.join()
            if process.exitcode != 0:
                raise SystemExit(f"{name}: the benchmark process failed ({process.exitcode})")
    finally:
        if pg_url is not None:
            asyncio.run(drop_pg(args.postgres, pg_url))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--grades", type=int, default=60000)
    default = Path(tempfile.mkdtemp()) / "reports-bench.sqlite3"
    parser.add_argument("--database", default=f"sqlite+aiosqlite:///{default}")
    parser.add_argument("--postgres", help="an admin URL of a PostgreSQL server to run on too")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    run_all(parser.parse_args())
