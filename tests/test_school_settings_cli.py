"""``ediary school settings``: show, set (all or nothing, audited), JSON, bad values."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.engine import URL

from bot.schools.service import create_school
from db.database import Database
from db.models import AuditEvent, School
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock
from tests.test_linking_cli import ediary


@pytest.fixture
def runner(cli_runner: CliRunner) -> CliRunner:
    return cli_runner


async def new_school(database: Database, clock: FakeClock, settings: dict[str, Any]) -> int:
    async with database.unit_of_work() as uow:
        school, _token = await create_school(
            uow, clock, SECRET_KEY, name="Школа № 5", timezone="Europe/Moscow", actor="test"
        )
        school.settings = settings
        await uow.commit()
        return school.id


async def stored(database: Database) -> tuple[dict[str, Any], list[AuditEvent]]:
    async with database.unit_of_work() as uow:
        school = (await uow.session.execute(select(School))).scalar_one()
        events = await uow.session.execute(
            select(AuditEvent).where(AuditEvent.action == "school.settings_changed")
        )
        return school.settings, list(events.scalars())


def row(output: str, key: str) -> list[str]:
    """The printed line of one key: key, value, default, then the meaning's words."""
    return next(line.split() for line in output.splitlines() if line.startswith(key + " "))


async def test_show_the_settings_with_their_defaults_and_meanings(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await new_school(database, clock, {"digest_hour": 20, "legacy": 1, "daily_push_cap": "x"})
    shown = await ediary(runner, database_url, "school", "settings", "Школа № 5")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[0] == "settings of school 1 (Школа № 5):"
    assert row(shown.stdout, "digest_hour")[:3] == ["digest_hour", "20", "18"]
    assert row(shown.stdout, "forecast_thresholds")[:7] == (
        ["forecast_thresholds"] + ["[4.5,", "3.5,", "2.5]"] * 2
    )
    assert " ".join(row(shown.stdout, "digest_weekly")[3:]).startswith("Send the forecast digest")
    assert 'daily_push_cap: the stored "x" is not valid; the default is used' in shown.stdout
    assert "not a setting, kept as stored: legacy = 1" in shown.stdout
    as_json = await ediary(runner, database_url, "school", "settings", "1", "--json")
    assert as_json.exit_code == 0, as_json.output
    values = json.loads(as_json.stdout)
    assert values["digest_hour"] == 20
    assert values["daily_push_cap"] == 10
    assert values["forecast_thresholds"] == [4.5, 3.5, 2.5]
    assert "legacy" not in values


async def test_set_several_at_once_with_an_audit_event(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await new_school(database, clock, {"legacy": {"kept": True}, "digest_hour": 20})
    clock.set(datetime(2026, 9, 3, 10, 0, tzinfo=UTC))
    changed = await ediary(
        runner, database_url, "school", "settings", "1",
        "digest_hour=19", "digest_weekly=false", "forecast_thresholds=[4.6,3.6,2.6]",
        "final_ack_reminder_days=1.5", "statements_hour=14",
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert changed.stdout.splitlines() == [
        "school 1: digest_hour 20 → 19",
        "school 1: digest_weekly unset (the default) → false",
        "school 1: forecast_thresholds unset (the default) → [4.6, 3.6, 2.6]",
        "school 1: final_ack_reminder_days unset (the default) → 1.5",
        "school 1: statements_hour unset (the default) → 14",
    ]
    settings, events = await stored(database)
    assert settings == {
        "legacy": {"kept": True},  # not a setting: kept as it was
        "digest_hour": 19,
        "digest_weekly": False,
        "forecast_thresholds": [4.6, 3.6, 2.6],
        "final_ack_reminder_days": 1.5,
        "statements_hour": 14,
    }
    [event] = events
    assert (event.school_id, event.subject_id, event.occurred_at) == (1, 1, clock.now())
    assert event.actor.startswith("cli:")
    assert event.details["before"] == {
        "digest_hour": 20, "digest_weekly": None, "forecast_thresholds": None,
        "final_ack_reminder_days": None, "statements_hour": None,
    }  # fmt: skip
    assert event.details["after"]["forecast_thresholds"] == [4.6, 3.6, 2.6]
    again = await ediary(runner, database_url, "school", "settings", "1", "digest_hour=19")
    assert again.stdout == "school 1: nothing changed\n"
    as_json = await ediary(
        runner, database_url, "school", "settings", "1", "monitoring_hour=9", "--json"
    )
    assert json.loads(as_json.stdout)["monitoring_hour"] == 9
    assert len((await stored(database))[1]) == 2  # "nothing changed" is no event


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["digest_hour=24"], "digest_hour: must be an integer from 0 to 23"),
        (["digest_hour=20", "digest_weekday=7"],
         "digest_weekday: must be an integer from 0 (Monday) to 6 (Sunday)"),
        (["digest_weekly=yes"], "digest_weekly: must be true or false"),
        (["forecast_thresholds=[2.5,3.5,4.5]"],
         "forecast_thresholds: must be three numbers from 1 to 5, each lower than the one before"),
        (["statements_every_weeks=3"],
         "statements_every_weeks: must be 1 (weekly) or 2 (fortnightly)"),
        (["digest_hour"], "digest_hour: give KEY=VALUE, e.g. digest_hour=18"),
        (["digest_hour=1", "digest_hour=2"], "digest_hour: given twice"),
    ],
)  # fmt: skip
async def test_a_bad_value_is_one_line_exit_2_and_changes_nothing(
    runner: CliRunner,
    database_url: URL,
    database: Database,
    clock: FakeClock,
    arguments: list[str],
    message: str,
) -> None:
    await new_school(database, clock, {"digest_hour": 9})
    result = await ediary(runner, database_url, "school", "settings", "1", *arguments)
    assert result.exit_code == 2
    assert result.stderr == f"ediary: {message}\n"
    assert result.stdout == ""
    assert await stored(database) == ({"digest_hour": 9}, [])


async def test_an_unknown_key_or_school(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await new_school(database, clock, {})
    unknown = await ediary(runner, database_url, "school", "settings", "1", "colour=red")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("ediary: colour: no such setting; the settings are ")
    assert "digest_hour" in unknown.stderr
    missing = await ediary(runner, database_url, "school", "settings", "42", "digest_hour=9")
    assert missing.exit_code == 1
    assert missing.stderr == "ediary: no school with id 42; see `ediary school list`\n"
    assert await stored(database) == ({}, [])
