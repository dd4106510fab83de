"""Only one instance runs the scheduler; a standby takes over when the holder goes."""

from __future__ import annotations

import asyncio

from apscheduler.schedulers.base import STATE_PAUSED, STATE_RUNNING, STATE_STOPPED

from bot.scheduling import run_scheduler_when_holding
from db.database import Database
from db.locks import InstanceLock, lock_holder


class FakeScheduler:
    """Records what the runner asks of it; nothing is scheduled for real in tests."""

    def __init__(self) -> None:
        self.state = STATE_STOPPED
        self.calls: list[str] = []

    @property
    def running(self) -> bool:
        return bool(self.state != STATE_STOPPED)

    def start(self) -> None:
        self.state = STATE_RUNNING
        self.calls.append("start")

    def pause(self) -> None:
        self.state = STATE_PAUSED
        self.calls.append("pause")

    def resume(self) -> None:
        self.state = STATE_RUNNING
        self.calls.append("resume")

    def shutdown(self, wait: bool = True) -> None:
        self.state = STATE_STOPPED
        self.calls.append("shutdown")


async def test_one_holder_and_a_hand_over(database: Database) -> None:
    other = Database(database.engine.url)
    first, second = InstanceLock(database.engine), InstanceLock(other.engine)
    try:
        assert await first.try_acquire()
        if database.dialect == "postgresql":
            assert not await second.try_acquire()
            await first.release()
            assert await second.try_acquire()
        else:  # one process on SQLite: it always holds the lock
            assert await second.try_acquire()
        assert await second.still_held()
    finally:
        await first.release()
        await second.release()
        await other.dispose()


async def test_the_scheduler_runs_only_while_holding(database: Database) -> None:
    other = Database(database.engine.url)
    holder, standby = FakeScheduler(), FakeScheduler()
    stop_holder, stop_standby = asyncio.Event(), asyncio.Event()
    holding = asyncio.create_task(
        run_scheduler_when_holding(holder, InstanceLock(database.engine), stop_holder, retry=0.05)
    )
    await asyncio.sleep(0.2)
    waiting = asyncio.create_task(
        run_scheduler_when_holding(standby, InstanceLock(other.engine), stop_standby, retry=0.05)
    )
    try:
        await asyncio.sleep(0.3)
        assert holder.calls == ["start"]
        if database.dialect == "postgresql":
            assert standby.calls == []  # stands by
            stop_holder.set()  # the holder stops: its lock is released
            await asyncio.wait_for(holding, 5)
            for _ in range(100):
                if standby.calls:
                    break
                await asyncio.sleep(0.05)
            assert standby.calls == ["start"]
    finally:
        stop_holder.set()
        stop_standby.set()
        await asyncio.wait_for(asyncio.gather(holding, waiting), 5)
        await other.dispose()
    assert holder.calls[-1] == "shutdown"
    assert standby.calls[-1:] in (["shutdown"], [])


async def test_status_names_the_scheduler_holder(database: Database) -> None:
    lock = InstanceLock(database.engine, holder="school7-a:4242")
    try:
        if database.dialect == "postgresql":
            async with database.unit_of_work() as uow:
                assert await lock_holder(uow.session) is None
        assert await lock.try_acquire()
        async with database.unit_of_work() as uow:
            holder = await lock_holder(uow.session)
        assert holder is not None
        if database.dialect == "postgresql":
            assert holder.startswith("school7-a:4242 since ")
        await lock.release()
        if database.dialect == "postgresql":
            async with database.unit_of_work() as uow:
                assert await lock_holder(uow.session) is None
    finally:
        await lock.release()
