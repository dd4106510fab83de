"""E-mails per second to a local SMTP sink at MAIL_RATE (goal: at least 0.95 of the rate).

    .venv/bin/python benchmarks/mail_benchmark.py [--rate 50] [--families 300] [--runs 3]
        [--database sqlite+aiosqlite:///tmp/mail-bench.sqlite3]
        [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/postgres] [--skip-sqlite]

A school with ``--families`` guardians, each with a granted consent and an address, gets
one letter part each; the production mail worker (``MailWorker`` over ``MailRelay``) sends
them through aiosmtpd listening on 127.0.0.1 in the same process, over one SMTP
connection, paced at ``--rate``. Each run queues a new part per family and times the
passes until nothing is due: the rate is letters sent over that time. The figure is the
median of the runs, printed beside the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.smtp import SMTP, Envelope, Session

from benchmarks.sync_benchmark import create_pg, drop_pg
from bot.contacts.register import record_contact
from bot.exchange.service import sync_document
from bot.i18n import build_i18n
from bot.linking.issuing import record_consent
from bot.mail.letter_parts import queue_part
from bot.mail.relay import MailRelay, parse_sender, parse_smtp_url
from bot.mail.worker import MailWorker
from bot.presentation.rendered import Bold, Rendered, paragraph
from bot.schools.service import create_school
from db.database import Database
from db.migrate import upgrade
from db.models import ConsentForm, ConsentState, ContactForm, School
from tests.doubles.clock import FakeClock

SECRET = "mail-benchmark-secret-" + "k" * 32


class Sink:
    """Counts what arrives and keeps nothing."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received += 1
        return "250 OK"


def school_document(families: int) -> dict[str, Any]:
    return {
        "periods": [{"external_id": "q1", "name": "I четверть", "kind": "quarter",
                     "starts_on": "2026-09-01", "ends_on": "2026-10-24"}],
        "subjects": [{"external_id": "math", "name": "Математика"}],
        "teachers": [{"external_id": "t1", "full_name": "Смирнова Ольга Петровна"}],
        "classes": [{"external_id": "c1", "name": "5А", "level": "basic",
                     "class_teacher_id": "t1"}],
        "students": [{"external_id": f"s{i}", "full_name": f"Ученик {i}", "class_id": "c1"}
                     for i in range(families)],
        "guardians": [{"external_id": f"g{i}", "full_name": f"Родитель Номер {i}",
                       "student_ids": [f"s{i}"]} for i in range(families)],
    }  # fmt: skip


async def prepare(database: Database, clock: FakeClock, families: int) -> tuple[School, list[int]]:
    await upgrade(database.engine)
    async with database.unit_of_work() as uow:
        school, _ = await create_school(
            uow, clock, SECRET, name="МБОУ СОШ № 7", timezone="Europe/Moscow", actor="bench"
        )
        await sync_document(uow, clock, school, school_document(families), source="bench",
                            document_sha256="-", actor="bench")  # fmt: skip
    for i in range(families):
        async with database.unit_of_work() as uow:
            await record_consent(uow, clock, school, guardian_ref=f"g{i}", student_ref=None,
                                 state=ConsentState.GRANTED, form=ConsentForm.PAPER,
                                 document_ref=None, actor="bench")  # fmt: skip
        async with database.unit_of_work() as uow:
            await record_contact(
                uow, clock, school, guardian_ref=f"g{i}", student_ref=None,
                email=f"parent{i}@example.ru", channel=None, form=ContactForm.PAPER,
                document_ref=None, actor="bench",
            )  # fmt: skip
    async with database.unit_of_work() as uow:
        pairs = await uow.linking.guardian_pairs(school_id=school.id)
        ids = sorted({guardian.id for guardian, _, _ in pairs})
    return school, ids


async def queue_round(
    database: Database, clock: FakeClock, school: School, guardians: list[int], run: int
) -> None:
    rendered = Rendered((paragraph("Математика: ", Bold("5")),))
    async with database.unit_of_work() as uow:
        for guardian_id in guardians:
            await queue_part(
                uow, ("g", guardian_id), school_id=school.id, kind="grades",
                key=f"bench:{run}:{guardian_id}", subject="Оценки", rendered=rendered,
                locale="ru", due_at=clock.now(), now=clock.now(),
            )  # fmt: skip
        await uow.commit()


async def main(args: argparse.Namespace, url: str, name: str) -> None:
    database = Database(url)
    clock = FakeClock()
    sink = Sink()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, loop=loop), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        school, guardians = await prepare(database, clock, args.families)
        worker = MailWorker(
            database=database, relay=MailRelay(parse_smtp_url(f"smtp://127.0.0.1:{port}")),
            clock=clock, i18n=build_i18n(), secret_key=SECRET,
            sender=parse_sender("Школа <diary@school.example.ru>"),
            public_url="https://diary.example.org", rate=args.rate,
        )  # fmt: skip
        rates = []
        for run in range(args.runs):
            await queue_round(database, clock, school, guardians, run)
            started, sent = time.perf_counter(), 0
            while (report := await worker.deliver_due()).sent or report.retried:
                sent += report.sent
            rates.append(sent / (time.perf_counter() - started))
            assert sent == len(guardians), (sent, len(guardians))
        await worker.relay.close()
    finally:
        server.close()
        await database.dispose()
    rate = statistics.median(rates)
    print(f"\n{name}: load average {_load()}; {os.cpu_count()} cores; median of {args.runs} runs")
    print(
        f"{args.families} letters at MAIL_RATE={args.rate:g}: {rate:.1f} letters/s "
        f"({rate / args.rate:.3f} of the rate; runs {', '.join(f'{r:.1f}' for r in rates)})"
    )
    print(f"received by the sink: {sink.received}; load average now {_load()}")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


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
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--families", type=int, default=300)
    default = Path(tempfile.mkdtemp()) / "mail-bench.sqlite3"
    parser.add_argument("--database", default=f"sqlite+aiosqlite:///{default}")
    parser.add_argument("--postgres", help="an admin URL of a PostgreSQL server to run on too")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    run_all(parser.parse_args())
