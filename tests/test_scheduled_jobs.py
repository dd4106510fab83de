"""The scheduler's jobs. Called directly, and as registered for ``ediary run``: the real
scheduler with every job added as production adds them, each job then run the way
APScheduler runs it, with the fake clock it was registered with (the scheduler is never
started)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import func, select

from bot.handlers.linking import WithdrawStep
from bot.scheduling import (
    add_housekeeping_jobs,
    add_push_jobs,
    build_scheduler,
    family_alerts_job,
    final_checks_job,
    final_grades_job,
    for_each_school,
    forecast_digest_job,
    push_changes_job,
    statements_job,
)
from bot.schools.service import create_school
from bot.services import Services
from db.database import Database
from db.models import OutboxMessage, School, StoredDocument, TelegramAccount
from db.unit_of_work import UnitOfWork
from tests.conftest import SECRET_KEY, services_for
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.finals_fixtures import MOTHER, TEACHER, deliver_all, final, link, publish
from tests.finals_fixtures import school_with_teacher as school_with_class_teacher
from tests.linking_fixtures import school_with_families
from tests.reports_fixtures import FRIDAY, TEACHER_5A, TEACHER_6B, report_school
from tests.test_change_pushes import FATHER, family, grade, sync
from tests.test_evening_brief import EVENING, WEEK
from tests.test_forecast_digest import FRIDAY_EVENING
from tests.test_reports_monitoring import NEXT_MONDAY_9AM
from tests.test_risk_alerts import marks


async def two_schools(database: Database, clock: FakeClock) -> None:
    for name in ("Школа № 1", "Школа № 2"):
        async with database.unit_of_work() as uow:
            await create_school(
                uow, clock, SECRET_KEY, name=name, timezone="Europe/Moscow", actor="test"
            )


async def test_one_schools_failure_does_not_hold_back_the_others(
    database: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await two_schools(database, clock)
    done: list[str] = []

    async def fails_for_the_first(uow: UnitOfWork, school: School) -> None:
        if school.name == "Школа № 1":
            raise RuntimeError("broken journal")
        done.append(school.name)

    async def records(uow: UnitOfWork, school: School) -> None:
        done.append(f"second step: {school.name}")

    await for_each_school(database, fails_for_the_first, records)
    assert done == ["second step: Школа № 1", "Школа № 2", "second step: Школа № 2"]
    assert "fails_for_the_first failed for school" in caplog.text


async def test_every_job_runs_on_a_quiet_database(
    database: Database, clock: FakeClock, i18n: I18n
) -> None:
    await two_schools(database, clock)
    for job in (
        push_changes_job,
        final_grades_job,
        final_checks_job,
        forecast_digest_job,
        statements_job,
        family_alerts_job,
    ):
        await job(services_for(database, clock, i18n=i18n))
    async with database.unit_of_work() as uow:
        queued = (await uow.session.execute(select(func.count(OutboxMessage.id)))).scalar_one()
    assert queued == 0  # nobody is linked: nothing to tell anyone


# The registered jobs -------------------------------------------------------------------------

AsyncTest = TypeVar("AsyncTest", bound=Callable[..., Awaitable[None]])
TESTED_JOBS: dict[str, str] = {}  # job id → the test below that runs it


def runs_job(job_id: str) -> Callable[[AsyncTest], AsyncTest]:
    """Marks the test of one registered job, so a job without a test fails the suite."""

    def register(test: AsyncTest) -> AsyncTest:
        assert job_id not in TESTED_JOBS, f"{job_id} has two tests"
        TESTED_JOBS[job_id] = test.__name__
        return test

    return register


@pytest.fixture
def scheduler(services: Services) -> AsyncIOScheduler:
    """Built and filled exactly as ``ediary run`` does it, and never started."""
    scheduler = build_scheduler()
    add_housekeeping_jobs(scheduler, services)
    add_push_jobs(scheduler, services)
    return scheduler


async def run(scheduler: AsyncIOScheduler, job_id: str) -> None:
    """Run the registered job as APScheduler would when its trigger fires."""
    [job] = [job for job in scheduler.get_jobs() if job.id == job_id]
    await job.func(*job.args, **job.kwargs)
    assert not scheduler.running


async def outbox(database: Database) -> list[tuple[int, str]]:
    """(Telegram user, kind) of every queued message, in the order queued."""
    async with database.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(TelegramAccount.telegram_user_id, OutboxMessage.kind)
            .join(TelegramAccount, TelegramAccount.id == OutboxMessage.account_id)
            .order_by(OutboxMessage.id)
        )
        return [(user, kind) for user, kind in rows.all()]


async def due_at(database: Database, user: TelegramUser, kind: str) -> datetime:
    async with database.unit_of_work() as uow:
        found = await uow.session.execute(
            select(OutboxMessage.due_at)
            .join(TelegramAccount, TelegramAccount.id == OutboxMessage.account_id)
            .where(TelegramAccount.telegram_user_id == user.id, OutboxMessage.kind == kind)
        )
        return found.scalar_one()


async def test_production_registers_exactly_the_tested_jobs(scheduler: AsyncIOScheduler) -> None:
    assert {job.id for job in scheduler.get_jobs()} == set(TESTED_JOBS)
    assert not scheduler.running


@runs_job("erase-withdrawn-accounts")
async def test_erase_withdrawn_accounts_30_days_after_withdrawal(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    scheduler: AsyncIOScheduler,
) -> None:
    school = await school_with_families(database, clock)
    await link(dispatcher, bot, database, clock, school, MOTHER, "guardian", "g1")
    father = await link(dispatcher, bot, database, clock, school, FATHER, "guardian", "g2")
    await father.send("/privacy")
    await father.click(WithdrawStep(step="ask"))
    await father.click(WithdrawStep(step="confirm"))

    async def accounts() -> list[int]:
        async with database.unit_of_work() as uow:
            found = await uow.session.execute(
                select(TelegramAccount.telegram_user_id).order_by(TelegramAccount.id)
            )
            return list(found.scalars())

    clock.advance(timedelta(days=29))
    await run(scheduler, "erase-withdrawn-accounts")
    assert await accounts() == [MOTHER.id, FATHER.id]  # not 30 days yet
    clock.advance(timedelta(days=2))
    await run(scheduler, "erase-withdrawn-accounts")
    assert await accounts() == [MOTHER.id]  # only the one who withdrew


@runs_job("push-changes")
async def test_push_changes_after_the_merge_window(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    scheduler: AsyncIOScheduler,
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await sync(database, clock, school, {"grades": [grade("n1", "5")]})
    clock.advance(timedelta(minutes=9))
    await run(scheduler, "push-changes")
    assert await outbox(database) == []  # the 10-minute window is still open
    clock.advance(timedelta(minutes=2))
    await run(scheduler, "push-changes")
    assert await outbox(database) == [(FATHER.id, "grades")]


@runs_job("final-grades")
async def test_final_grades_published_at_night_wait_for_the_morning(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    scheduler: AsyncIOScheduler,
) -> None:
    school, _father, _teacher = await school_with_class_teacher(dispatcher, bot, database, clock)
    clock.set(datetime(2026, 9, 1, 19, 0, tzinfo=UTC))  # 22:00 in Moscow
    await sync(database, clock, school, {"final_grades": [final("f1", "math", "5")]})
    await run(scheduler, "final-grades")
    # The father's message, and the class teacher's summary of acknowledgements.
    assert await outbox(database) == [(FATHER.id, "final_grades"), (TEACHER.id, "teacher_summary")]
    assert await due_at(database, FATHER, "final_grades") == datetime(2026, 9, 2, 5, 0, tzinfo=UTC)
    # The class teacher's new summary waits for the morning too.
    assert await due_at(database, TEACHER, "teacher_summary") == datetime(
        2026, 9, 2, 5, 0, tzinfo=UTC
    )


@runs_job("final-grade-checks")
async def test_final_grade_checks_remind_and_report_after_their_delays(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    i18n: I18n,
    scheduler: AsyncIOScheduler,
) -> None:
    school, _father, _teacher = await school_with_class_teacher(dispatcher, bot, database, clock)
    await publish(database, clock, i18n, school, [final("f1", "math", "5")])
    await deliver_all(database, bot, clock)  # the mother never consented: not delivered
    published = [(FATHER.id, "final_grades")]
    clock.advance(timedelta(hours=23))
    await run(scheduler, "final-grade-checks")
    assert await outbox(database) == published  # within 24 hours: nothing to check yet
    clock.advance(timedelta(days=2, hours=2))  # 3 days and an hour after the delivery
    await run(scheduler, "final-grade-checks")
    assert await outbox(database) == [
        *published,
        (FATHER.id, "final_reminder"),  # unacknowledged after the school's 3 days
        (TEACHER.id, "finals_undelivered"),  # the 24-hour report names the mother
    ]


@runs_job("family-alerts")
async def test_family_alerts_risk_at_once_and_the_brief_at_its_hour(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    scheduler: AsyncIOScheduler,
) -> None:
    school = await family(dispatcher, bot, database, clock)
    await sync(database, clock, school, {**marks("a", "2", "2", "3"), **WEEK})
    clock.set(EVENING - timedelta(hours=1))  # 18:00 in Moscow
    await run(scheduler, "family-alerts")
    assert await outbox(database) == [(FATHER.id, "risk")]  # the brief waits for 19:00
    clock.set(EVENING)
    await run(scheduler, "family-alerts")
    assert await outbox(database) == [(FATHER.id, "risk"), (FATHER.id, "evening_brief")]


@runs_job("forecast-digests")
async def test_forecast_digests_on_the_schools_day_and_hour(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    scheduler: AsyncIOScheduler,
) -> None:
    await family(dispatcher, bot, database, clock)
    clock.set(FRIDAY_EVENING - timedelta(days=1))  # Thursday: not the day
    await run(scheduler, "forecast-digests")
    assert await outbox(database) == []
    clock.set(FRIDAY_EVENING)
    await run(scheduler, "forecast-digests")
    assert await outbox(database) == [(FATHER.id, "forecast_digest")]


@runs_job("paper-statements")
async def test_paper_statements_on_friday_and_the_reading_summary_on_monday(
    database: Database, clock: FakeClock, scheduler: AsyncIOScheduler
) -> None:
    await report_school(database, clock)
    clock.set(FRIDAY - timedelta(hours=2))  # 13:00 in Moscow: not yet
    await run(scheduler, "paper-statements")
    assert await outbox(database) == []
    clock.set(FRIDAY)
    await run(scheduler, "paper-statements")
    statements = [(TEACHER_5A, "statements"), (TEACHER_6B, "statements")]
    assert await outbox(database) == statements
    async with database.unit_of_work() as uow:
        stored = await uow.session.execute(select(StoredDocument.kind, StoredDocument.content))
        documents = stored.all()
    assert [kind for kind, _pdf in documents] == ["statements", "statements"]
    assert all(pdf.startswith(b"%PDF") for _kind, pdf in documents)
    clock.set(NEXT_MONDAY_9AM)
    await run(scheduler, "paper-statements")
    monitoring = [(TEACHER_5A, "monitoring"), (TEACHER_6B, "monitoring")]
    assert await outbox(database) == statements + monitoring
