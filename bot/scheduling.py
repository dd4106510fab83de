"""The scheduler that runs periodic jobs (digests, statements, checks) in ``ediary run``."""

from __future__ import annotations

from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler


def build_scheduler() -> AsyncIOScheduler:
    """Jobs keep UTC internally; each job's trigger carries its school's own time zone.

    Missed runs are coalesced into one and run late rather than skipped, because a digest
    that comes an hour late is better than one that never comes.
    """
    return AsyncIOScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
    )
