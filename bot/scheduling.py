"""The scheduler that runs periodic jobs (digests, statements, checks) in ``ediary run``."""

from __future__ import annotations

from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.linking.erasure import erase_withdrawn_accounts
from db.database import Database


def build_scheduler() -> AsyncIOScheduler:
    """Jobs keep UTC internally; each job's trigger carries its school's own time zone.

    Missed runs are coalesced into one and run late rather than skipped, because a digest
    that comes an hour late is better than one that never comes.
    """
    return AsyncIOScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
    )


async def erase_withdrawn_job(database: Database, clock: Clock) -> None:
    async with database.unit_of_work() as uow:
        await erase_withdrawn_accounts(uow, clock)


def add_housekeeping_jobs(scheduler: AsyncIOScheduler, database: Database, clock: Clock) -> None:
    # Daily at night: the law allows 30 days; a daily pass keeps well within it.
    scheduler.add_job(
        erase_withdrawn_job,
        CronTrigger(hour=2, minute=30, timezone=UTC),
        args=(database, clock),
        id="erase-withdrawn-accounts",
        replace_existing=True,
    )
