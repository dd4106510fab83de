"""Paper statements and summary sheets for a school of 1,000 students, rendered serially in
this process and in the report pool (``bot/reports/render_pool.py``, one worker a core);
prints the times beside the goal (< 30 s for both) and the peak memory (max RSS of this
process; the workers' own is not counted).

    .venv/bin/python benchmarks/reports_benchmark.py [--students 1000] [--grades 60000]
        [--database sqlite+aiosqlite:///tmp/reports-bench.sqlite3]
        [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]
        [--skip-sqlite] [--runs 3]

With --postgres the same runs in a fresh PostgreSQL database created on that server (and
dropped afterwards). Each back-end runs in its own process, so the peak memory is its own;
the times are the median of the runs, printed beside the load average. The pool is started
before the runs are timed (as a bot's is, once); its start is printed on its own. In both
modes the database is read the same way, in this process, in one session.

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
from bot.reports.documents import Report, Section, render_pdf, render_xlsx
from bot.reports.files import render_files
from bot.reports.render_pool import (
    RenderBatch,
    in_render_pool,
    shutdown_render_pool,
    worker_count,
)
from bot.reports.statements import paper_students, statements_draft
from bot.reports.summary import summary_draft
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
    started = time.perf_counter()
    await _start_pool()
    print(f"pool of {worker_count()} workers started in {time.perf_counter() - started:.1f} s")
    figures = {}
    for pooled in (False, True):
        timings = [await _render_all(database, i18n, school, pooled) for _ in range(args.runs)]
        figures[pooled] = (
            statistics.median(t[0] for t in timings),
            statistics.median(t[1] for t in timings),
        )
        classes, sections = timings[0][2], timings[0][3]
        print(f"  {'pool' if pooled else 'serial'}: load average after {_load()}")
    await database.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{name}: students: {args.students}, grades: {args.grades}, classes: {classes}")
    print(f"{'':<8}{'statements':>12}{'summary':>10}{'total':>8}   goal: total < 30 s")
    for pooled, (statements_seconds, summary_seconds) in figures.items():
        total = statements_seconds + summary_seconds
        verdict = "met" if total < 30 else "NOT met"
        print(f"{'pool' if pooled else 'serial':<8}{statements_seconds:>10.1f} s"
              f"{summary_seconds:>8.1f} s{total:>6.1f} s   {verdict}")  # fmt: skip
    print(f"statements: {sections} students in {classes} PDFs; summary sheets: XLSX + PDF")
    print(f"peak memory {peak:.0f} MiB; load average now {_load()}")


async def _start_pool() -> None:
    """One small PDF per worker, so every worker is up and has parsed its fonts."""
    tiny = Report(title="warm-up", sections=[Section(title="warm-up")])
    await asyncio.gather(*(in_render_pool(render_pdf, tiny) for _ in range(worker_count())))


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


async def _render_all(
    database: Database, i18n: I18n, school: School, pooled: bool
) -> tuple[float, float, int, int]:
    """Every class's statements, then every class's summary sheet, serially or in the pool:
    seconds for each, the number of classes and of students on paper."""
    first, last = dt.date(2026, 11, 16), dt.date(2026, 11, 29)
    started = time.perf_counter()
    sections = 0
    async with database.unit_of_work() as uow, RenderBatch[object]() as batch:
        classes = await uow.teachers.classes_of_school(school.id)
        selected = await paper_students(uow, [c.id for c in classes])
        for school_class in classes:
            own = [s for s in selected if s.student.class_id == school_class.id]
            draft = await statements_draft(uow, i18n, "ru", school, school_class, first, last, own)
            sections += len(draft.students)
            if pooled:
                batch.start(draft.rendered())
            else:
                render_pdf(draft.report)
        await batch.results()
    statements_seconds = time.perf_counter() - started
    started = time.perf_counter()
    async with database.unit_of_work() as uow, RenderBatch[object]() as batch:
        period = await uow.reports.period(school.id, "q2")
        assert period is not None
        for school_class in classes:
            sheet = await summary_draft(uow, i18n, "ru", school, school_class, period)
            if pooled:
                batch.start(render_files(sheet.files))
            else:
                render_pdf(sheet.files.report)
                render_xlsx(list(sheet.files.sheets))
        await batch.results()
    return statements_seconds, time.perf_counter() - started, len(classes), sections


def run_backend(args: argparse.Namespace, url: str, name: str) -> None:
    asyncio.run(_main_then_stop_pool(args, url, name))


async def _main_then_stop_pool(args: argparse.Namespace, url: str, name: str) -> None:
    try:
        await main(args, url, name)
    finally:
        await shutdown_render_pool()


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
