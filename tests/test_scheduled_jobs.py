"""The scheduler's jobs, called directly with a fake clock (APScheduler is never started)."""

from __future__ import annotations

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import func, select

from bot.scheduling import (
    family_alerts_job,
    final_checks_job,
    final_grades_job,
    for_each_school,
    forecast_digest_job,
    push_changes_job,
    statements_job,
)
from bot.schools.service import create_school
from db.database import Database
from db.models import OutboxMessage, School
from db.unit_of_work import UnitOfWork
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock


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
        await job(database, clock, i18n)
    async with database.unit_of_work() as uow:
        queued = (await uow.session.execute(select(func.count(OutboxMessage.id)))).scalar_one()
    assert queued == 0  # nobody is linked: nothing to tell anyone
