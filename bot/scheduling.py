"""The scheduler that runs periodic jobs (digests, statements, checks) in ``ediary run``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_PAUSED
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.digests.change_pushes import push_changes
from bot.digests.evening_brief import evening_briefs
from bot.digests.forecast_digest import forecast_digests
from bot.digests.risk_alerts import risk_alerts
from bot.finals.guarantee import report_undelivered
from bot.finals.publication import publish_final_grades
from bot.finals.reminders import remind_unacknowledged
from bot.finals.summary import refresh_summaries
from bot.health.failure_log import FailureLog
from bot.health.scheduler_presence import SchedulerPresence
from bot.linking.erasure import erase_withdrawn_accounts
from bot.reports.delivery import scheduled_statements
from bot.reports.monitoring import weekly_monitoring
from bot.services import Services
from db.database import Database
from db.locks import InstanceLock
from db.models import School
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

log = logging.getLogger(__name__)
LOCK_CHECK_TIMEOUT = 30.0


def build_scheduler() -> AsyncIOScheduler:
    """Jobs keep UTC internally; each job's trigger carries its school's own time zone.

    Missed runs are coalesced into one and run late rather than skipped, because a digest
    that comes an hour late is better than one that never comes.
    """
    return AsyncIOScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
    )


async def erase_withdrawn_job(services: Services) -> None:
    async with services.database.unit_of_work() as uow:
        await erase_withdrawn_accounts(uow, services.clock)


def add_housekeeping_jobs(scheduler: AsyncIOScheduler, services: Services) -> None:
    # Daily at night: the law allows 30 days; a daily pass keeps well within it.
    scheduler.add_job(
        erase_withdrawn_job,
        CronTrigger(hour=2, minute=30, timezone=UTC),
        args=(services,),
        id="erase-withdrawn-accounts",
        replace_existing=True,
    )


async def push_changes_job(services: Services) -> None:
    async with services.database.unit_of_work() as uow:
        await push_changes(uow, services.clock, services.i18n)


SchoolStep = Callable[[UnitOfWork, School], Awaitable[object]]


async def for_each_school(database: Database, *steps: SchoolStep) -> None:
    """Run each step for every school, each in its own transaction: one school's (or one
    step's) trouble is logged and does not hold back the others; the job runs again later."""
    async with database.unit_of_work() as uow:
        schools = await uow.schools.all()
    for school in schools:
        for step in steps:
            try:
                async with database.unit_of_work() as uow:
                    await step(uow, school)
            except Exception:
                log.exception("%s failed for school %s", getattr(step, "__name__", step), school.id)


def _with(
    job: Callable[[UnitOfWork, Clock, I18n, School], Awaitable[object]], services: Services
) -> SchoolStep:
    async def step(uow: UnitOfWork, school: School) -> object:
        return await job(uow, services.clock, services.i18n, school)

    step.__name__ = job.__name__
    return step


async def forecast_digest_job(services: Services) -> None:
    await for_each_school(services.database, _with(forecast_digests, services))


async def final_grades_job(services: Services) -> None:
    async with services.database.unit_of_work() as uow:
        await publish_final_grades(uow, services.clock, services.i18n)
    await for_each_school(services.database, _with(refresh_summaries, services))


async def final_checks_job(services: Services) -> None:
    await for_each_school(
        services.database,
        _with(remind_unacknowledged, services),
        _with(report_undelivered, services),
    )


async def statements_job(services: Services) -> None:
    await for_each_school(
        services.database, _with(scheduled_statements, services), _with(weekly_monitoring, services)
    )


async def family_alerts_job(services: Services) -> None:
    await for_each_school(
        services.database, _with(risk_alerts, services), _with(evening_briefs, services)
    )


def add_push_jobs(scheduler: AsyncIOScheduler, services: Services) -> None:
    for job_id, job, trigger in _push_jobs():
        scheduler.add_job(job, trigger, args=(services,), id=job_id, replace_existing=True)


async def run_push_jobs_now(services: Services) -> None:
    """Every push job once, now (the try mode after its clock moves on): each does what is
    due at the clock's instant, and sends nothing twice, as when the scheduler runs it."""
    for _job_id, job, _trigger in _push_jobs():
        await job(services)


def _push_jobs() -> tuple[tuple[str, Callable[[Services], Awaitable[Any]], BaseTrigger], ...]:
    return (
        # Every minute: grade pushes wait out their 10-minute merge window anyway, and a
        # lesson change for today should not wait longer than that.
        ("push-changes", push_changes_job, IntervalTrigger(minutes=1, timezone=UTC)),
        # Every minute: final grades are due within 24 hours; we aim for minutes. The
        # teachers' summaries are edited at most once a minute, however many acknowledge.
        ("final-grades", final_grades_job, IntervalTrigger(minutes=1, timezone=UTC)),
        # Hourly: reminders after the school's delay, and the 24-hour delivery check.
        ("final-grade-checks", final_checks_job, CronTrigger(minute=20, timezone=UTC)),
        # Hourly, on the hour: risk alerts, and the evening briefs at each account's hour.
        ("family-alerts", family_alerts_job, CronTrigger(minute=0, timezone=UTC)),
        # Hourly: each school's digest goes out at its own local day and hour.
        ("forecast-digests", forecast_digest_job, CronTrigger(minute=5, timezone=UTC)),
        # Hourly: each school's paper statements and the parents' reading summary at its own
        # local day and hour, keyed per class, dates and teacher: later runs add nothing.
        ("paper-statements", statements_job, CronTrigger(minute=35, timezone=UTC)),
    )


async def run_scheduler_when_holding(
    scheduler: AsyncIOScheduler,
    lock: InstanceLock,
    stop: asyncio.Event,
    *,
    retry: float = 5.0,
    presence: SchedulerPresence | None = None,
) -> None:
    """Run the scheduler only while this instance holds the lock; stand by otherwise.

    APScheduler's job store must not be shared by several processes, so exactly one
    instance schedules; the jobs themselves are idempotent, so a hand-over is harmless.
    While the database cannot be reached the loop stands by and tries again, sooner at first
    (1, 2, 4 … seconds, at most ``retry``), for as long as the process runs; it never
    ends on an error, and its clean-up runs whatever happened.
    """
    failures = FailureLog(log, "the scheduler lock (database)")
    failed_in_a_row = 0
    try:
        while not stop.is_set():
            try:
                # A database that stalls instead of refusing must not stall the loop.
                held = await asyncio.wait_for(_hold(lock), timeout=LOCK_CHECK_TIMEOUT)
            except Exception as error:
                failures.failed(error)
                await lock.forget()
                held = False
                delay = min(retry, 2.0**failed_in_a_row)
                failed_in_a_row += 1
            else:
                failures.succeeded()
                delay, failed_in_a_row = retry, 0
            _follow_the_lock(scheduler, held)
            if presence is not None:
                presence.mark_held_here(held)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        if presence is not None:
            presence.mark_held_here(False)
        try:
            await lock.release()
        except Exception as error:  # the database is away: its end of the lock went too
            log.warning("could not release the scheduler lock: %s", error)


async def _hold(lock: InstanceLock) -> bool:
    if not await lock.try_acquire():
        return False  # another instance holds it
    if await lock.still_held():
        return True
    # The lock's connection was lost (the database went away and came back): try for the
    # lock again at once rather than a whole period later; another instance may have it.
    return await lock.try_acquire()


def _follow_the_lock(scheduler: AsyncIOScheduler, held: bool) -> None:
    if held:
        if not scheduler.running:
            log.info("this instance runs the scheduler")
            scheduler.start()
        elif scheduler.state == STATE_PAUSED:
            log.info("this instance runs the scheduler again")
            scheduler.resume()
    elif scheduler.running and scheduler.state != STATE_PAUSED:
        log.warning("lost the scheduler lock; standing by")
        scheduler.pause()
