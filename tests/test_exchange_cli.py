"""``ediary school``, ``ediary import`` and ``ediary demo`` through the CLI runner."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from bot.cli import main
from bot.exchange.demo import load_demo
from bot.exchange.demo_school import DEMO_SCHOOL_NAME
from db.database import Database
from db.models import FinalGrade, FinalGradeStatus, Grade, Lesson, LessonStatus, School
from tests.doubles.clock import FakeClock
from tests.exchange_documents import small_school

SECRET = "c" * 40


@pytest.fixture
def runner(cli_runner: CliRunner) -> CliRunner:
    return cli_runner


async def ediary(runner: CliRunner, url: URL, *args: str) -> Result:
    env = {"DATABASE_URL": url.render_as_string(hide_password=False), "SECRET_KEY": SECRET}
    # The command runs its own event loop, so not on the test's.
    return await asyncio.to_thread(runner.invoke, main, list(args), env=env)


async def scalar(database: Database, statement: Any) -> Any:
    async with database.unit_of_work() as uow:
        return (await uow.session.execute(statement)).scalar_one()


async def test_school_add_list_and_token_rotation(runner: CliRunner, database_url: URL) -> None:
    added = await ediary(runner, database_url, "school", "add", "Лицей № 2", "--json")
    assert added.exit_code == 0, added.output
    school = json.loads(added.stdout)
    assert school["timezone"] == "Europe/Moscow"
    assert school["api_token"].startswith("edb_")

    listed = await ediary(runner, database_url, "school", "list", "--json")
    assert json.loads(listed.stdout) == [
        {"id": school["id"], "name": "Лицей № 2", "timezone": "Europe/Moscow"}
    ]
    rotated = await ediary(runner, database_url, "school", "token", "лицей № 2", "--json")
    assert rotated.exit_code == 0, rotated.output
    assert json.loads(rotated.stdout)["api_token"] != school["api_token"]

    database = Database(database_url)
    try:
        stored = await scalar(database, select(School.api_token_hash))
    finally:
        await database.dispose()
    assert school["api_token"] not in stored  # only a hash is kept


async def test_school_errors_are_one_line(runner: CliRunner, database_url: URL) -> None:
    bad_zone = await ediary(runner, database_url, "school", "add", "X", "--timezone", "Mars/Base")
    assert bad_zone.exit_code == 1
    assert bad_zone.stderr == "ediary: unknown time zone 'Mars/Base'; use e.g. Europe/Moscow\n"
    missing = await ediary(runner, database_url, "school", "token", "42")
    assert missing.exit_code == 1
    assert "no school with id 42" in missing.stderr


async def test_import_json_then_the_same_again(
    runner: CliRunner, database_url: URL, tmp_path: Path
) -> None:
    await ediary(runner, database_url, "school", "add", "Школа № 1")
    document = tmp_path / "school.json"
    document.write_text(json.dumps(small_school(), ensure_ascii=False), encoding="utf-8")
    first = await ediary(runner, database_url, "import", str(document), "--school", "1", "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["counts"]["grades"]["created"] == 2
    second = await ediary(runner, database_url, "import", str(document), "--school", "Школа № 1")
    assert second.exit_code == 0, second.output
    assert "grades           created       0  updated       0" in second.stdout


async def test_import_xlsx_reports_the_row_of_a_bad_item(
    runner: CliRunner, database_url: URL, tmp_path: Path
) -> None:
    await ediary(runner, database_url, "school", "add", "Школа № 1")
    workbook_path = tmp_path / "journal.xlsx"
    template = await ediary(runner, database_url, "import", "--template", str(workbook_path))
    assert template.exit_code == 0, template.output
    workbook = load_workbook(workbook_path)
    headers = [cell.value for cell in workbook["subjects"][1]]
    workbook["subjects"].append(["math" if h == "external_id" else "Математика" if h == "name"
                                 else None for h in headers])  # fmt: skip
    workbook["subjects"].append(["rus" if h == "external_id" else None for h in headers])
    workbook.save(workbook_path)

    result = await ediary(runner, database_url, "import", str(workbook_path), "--school", "1")
    assert result.exit_code == 1
    assert 'sheet "subjects", row 3, column "name"' in result.stderr
    assert result.stderr.startswith("ediary: nothing was imported; 1 problem(s):")


async def test_import_needs_a_file_and_a_school(runner: CliRunner, database_url: URL) -> None:
    result = await ediary(runner, database_url, "import", "x.json")
    assert result.exit_code == 2
    assert "give FILE and --school" in result.output


async def test_demo_loads_through_the_sync_path_and_again_changes_nothing(
    runner: CliRunner, database_url: URL
) -> None:
    first = await ediary(runner, database_url, "demo", "--json")
    assert first.exit_code == 0, first.output
    loaded = json.loads(first.stdout)
    assert loaded["created"] is True
    assert loaded["api_token"].startswith("edb_")
    assert loaded["counts"]["students"]["created"] >= 60

    again = await ediary(runner, database_url, "demo", "--json")
    repeated = json.loads(again.stdout)
    assert repeated["created"] is False
    assert repeated["api_token"] is None
    assert repeated["changes"] == 0
    assert all(c["created"] == c["updated"] == 0 for c in repeated["counts"].values())

    skipped = await ediary(runner, database_url, "demo", "--if-empty")
    assert "schools exist already" in skipped.stdout


async def test_demo_has_what_a_parent_should_see(database: Database, clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # mid-year: marks and a finished quarter
    async with database.unit_of_work() as uow:
        outcome = await load_demo(uow, clock, SECRET, actor="test")
    assert outcome.created
    grades = await scalar(database, select(func.count(Grade.id)))
    substituted = await scalar(
        database, select(func.count(Lesson.id)).where(Lesson.status == LessonStatus.SUBSTITUTED)
    )
    deferred = await scalar(
        database,
        select(func.count(FinalGrade.id)).where(FinalGrade.status == FinalGradeStatus.DEFERRED),
    )
    name = await scalar(database, select(School.name))
    assert grades > 500
    assert substituted > 0
    assert deferred >= 1
    assert name == DEMO_SCHOOL_NAME
