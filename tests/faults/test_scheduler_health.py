"""The scheduler's lock loop stands by through database errors and never ends on one; the
outage is logged without flooding; /healthz says who runs the scheduler."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from bot.app import build_web_app
from bot.health.failure_log import FailureLog
from bot.health.scheduler_presence import SchedulerPresence
from bot.scheduling import run_scheduler_when_holding
from db.database import Database
from db.locks import InstanceLock
from tests.conftest import ClientFactory, services_for
from tests.doubles.clock import FakeClock
from tests.test_scheduler_lock import FakeScheduler


class FlakyLock:
    """An instance lock whose database is away for the first ``failures`` attempts."""

    def __init__(self, failures: int, *, release_fails: bool = False) -> None:
        self.failures = failures
        self.release_fails = release_fails
        self.attempts = 0
        self.forgotten = 0

    async def try_acquire(self) -> bool:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise OSError("[Errno 111] Connection refused")
        return True

    async def still_held(self) -> bool:
        return True

    async def forget(self) -> None:
        self.forgotten += 1

    async def release(self) -> None:
        if self.release_fails:
            raise OSError("connection is closed")


async def test_the_lock_loop_stands_by_through_errors_and_then_runs_the_scheduler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scheduler, lock, stop = FakeScheduler(), FlakyLock(failures=4), asyncio.Event()
    presence = SchedulerPresence(FakeClock(), "here")
    loop = asyncio.create_task(
        run_scheduler_when_holding(scheduler, lock, stop, retry=0.02, presence=presence)  # type: ignore[arg-type]
    )
    for _ in range(200):
        if scheduler.calls:
            break
        await asyncio.sleep(0.01)
    assert scheduler.calls == ["start"]
    assert lock.attempts >= 5
    assert lock.forgotten == 4
    assert presence.held_here
    stop.set()
    await asyncio.wait_for(loop, 5)
    assert scheduler.calls == ["start", "shutdown"]
    assert not presence.held_here
    messages = [record.getMessage() for record in caplog.records]
    assert sum("the scheduler lock (database) failed" in m for m in messages) == 1
    assert sum("recovered after" in m for m in messages) == 1


async def test_a_stop_during_an_outage_cleans_up_and_raises_nothing() -> None:
    scheduler, stop = FakeScheduler(), asyncio.Event()
    scheduler.start()  # it ran before the database went away
    lock = FlakyLock(failures=10**6, release_fails=True)
    loop = asyncio.create_task(run_scheduler_when_holding(scheduler, lock, stop, retry=0.02))  # type: ignore[arg-type]
    await asyncio.sleep(0.1)
    assert scheduler.calls == ["start", "pause"]  # lost with its database: stands by
    stop.set()
    await asyncio.wait_for(loop, 5)  # no error comes out of it
    assert scheduler.calls[-1] == "shutdown"


def test_a_repeating_failure_is_logged_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    failures = FailureLog(logging.getLogger("test"), "delivery pass", monotonic=lambda: now[0])
    for second in range(0, 150):  # a failure a second for two and a half minutes
        now[0] = float(second)
        failures.failed(ConnectionRefusedError("[Errno 111] Connection refused"))
    now[0] = 151.0
    failures.succeeded()
    failures.succeeded()  # nothing more to say while it works
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        "delivery pass failed; retrying",
        "delivery pass still failing for 60 s (60 more failed attempts, last: "
        "ConnectionRefusedError: [Errno 111] Connection refused)",
        "delivery pass still failing for 120 s (60 more failed attempts, last: "
        "ConnectionRefusedError: [Errno 111] Connection refused)",
        "delivery pass recovered after 151 s",
    ]
    assert caplog.records[0].exc_info is not None  # the first one with its traceback
    assert all(record.exc_info is None for record in caplog.records[1:])


async def test_healthz_tells_where_the_scheduler_runs(
    database: Database, client_for: ClientFactory
) -> None:
    clock = FakeClock()
    presence = SchedulerPresence(clock, "school7-a:1")
    client = await client_for(
        build_web_app(services_for(database, clock), scheduler_presence=presence)
    )

    clock.advance(timedelta(seconds=90))
    response = await client.get("/healthz")
    assert response.status == 200  # a fresh instance gets the same grace as a hand-over
    assert (await response.json())["scheduler"] == "none for 90 s"

    clock.advance(timedelta(seconds=31))
    response = await client.get("/healthz")
    assert response.status == 503
    assert await response.json() == {
        "status": "unavailable", "database": "ok", "scheduler": "none for 121 s"
    }  # fmt: skip

    other = Database(database.engine.url)
    lock = InstanceLock(other.engine, holder="school7-b:2")
    try:
        assert await lock.try_acquire()
        if database.dialect == "postgresql":  # another instance holds it
            response = await client.get("/healthz")
            assert response.status == 200
            assert (await response.json())["scheduler"] == "held elsewhere"
        presence.mark_held_here(True)  # SQLite: this process runs it
        if database.dialect == "sqlite":
            response = await client.get("/healthz")
            assert (await response.json())["scheduler"] == "held here"
    finally:
        await lock.release()
        await other.dispose()


# SQLite has no lock to lose: its one process holds it while it runs.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_healthz_says_held_here_from_the_database_not_from_memory(
    database: Database, client_for: ClientFactory
) -> None:
    clock = FakeClock()
    lock = InstanceLock(database.engine, holder="school7-a:1")
    presence = SchedulerPresence(clock, lock.holder)
    client = await client_for(
        build_web_app(services_for(database, clock), scheduler_presence=presence)
    )
    assert await lock.try_acquire()
    presence.mark_held_here(True)
    assert (await (await client.get("/healthz")).json())["scheduler"] == "held here"
    await lock.forget()  # its connection is gone: so is the lock, whatever memory says
    clock.advance(timedelta(minutes=3))
    response = await client.get("/healthz")
    assert response.status == 503
    assert (await response.json())["scheduler"] == "none for 180 s"
