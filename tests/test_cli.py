"""The ``ediary`` command: one clear line and exit 2 for bad settings; migrate."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import URL

from bot.cli import main
from db.database import Database
from db.migrate import current_revisions, head_revisions


@pytest.fixture
def runner(cli_runner: CliRunner) -> CliRunner:
    return cli_runner


def test_run_without_a_token_says_how_to_get_one(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["run"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("ediary: BOT_TOKEN is not set")
    assert "@BotFather" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "ediary.sqlite3").exists()  # nothing was created


def test_worker_without_a_token_says_how_to_get_one(runner: CliRunner) -> None:
    result = runner.invoke(main, ["worker"])
    assert result.exit_code == 2
    assert result.stderr.startswith("ediary: BOT_TOKEN is not set")


def test_run_with_a_malformed_database_url(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["run"], env={"BOT_TOKEN": "123:abc", "DATABASE_URL": "mysql://root@db/ediary"}
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("ediary: DATABASE_URL: unsupported database 'mysql'")


def test_settings_come_from_the_env_file_option(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "prod.env").write_text("HTTP_PORT=not-a-port\n")
    result = runner.invoke(main, ["--env-file", "prod.env", "migrate"])
    assert result.exit_code == 2
    assert result.stderr.startswith("ediary: HTTP_PORT:")


def test_a_named_env_file_that_is_missing_is_an_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--env-file", "prod.env", "migrate"])
    assert result.exit_code == 2
    assert "prod.env does not exist" in result.stderr
    assert not Path("data").exists()  # nothing was created from defaults


def test_the_template_must_be_an_xlsx_workbook(runner: CliRunner) -> None:
    result = runner.invoke(main, ["import", "--template", "school.xls"])
    assert result.exit_code == 2
    assert "name it FILE.xlsx" in result.stderr
    assert not Path("school.xls").exists()


async def test_migrate_creates_the_schema(runner: CliRunner, empty_database_url: URL) -> None:
    url = empty_database_url.render_as_string(hide_password=False)
    # The command runs its own event loop, so it cannot run on the test's.
    result = await asyncio.to_thread(runner.invoke, main, ["migrate"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "database is up to date" in result.stdout
    database = Database(empty_database_url)
    try:
        assert await current_revisions(database.engine) == head_revisions()
    finally:
        await database.dispose()


def test_migrate_creates_the_sqlite_directory(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        main, ["migrate"], env={"DATABASE_URL": "sqlite:///data/school/ediary.sqlite3"}
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "school" / "ediary.sqlite3").stat().st_size > 0


def test_migrate_against_an_unreachable_server_is_one_line(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["migrate"], env={"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/ediary"}
    )
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("ediary: DATABASE_URL: cannot reach or migrate the database")


def test_python_dash_m_bot_is_the_same_command() -> None:
    import runpy
    import sys

    argv = sys.argv
    sys.argv = ["python -m bot", "--help"]
    try:
        with pytest.raises(SystemExit) as exited:
            runpy.run_module("bot", run_name="__main__")
    finally:
        sys.argv = argv
    assert exited.value.code == 0


async def test_status_on_an_empty_queue(runner: CliRunner, database_url: URL) -> None:
    url = database_url.render_as_string(hide_password=False)
    result = await asyncio.to_thread(
        runner.invoke, main, ["status", "--json"], env={"DATABASE_URL": url}
    )
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert status["pending"] == 0
    assert status["oldest_pending_seconds"] is None
    text = await asyncio.to_thread(runner.invoke, main, ["status"], env={"DATABASE_URL": url})
    assert text.stdout.startswith("queue: 0 pending, 0 being sent")
    expected = (
        "scheduler: no instance holds it"
        if database_url.get_backend_name() == "postgresql"
        else "scheduler: the ediary process (SQLite)"
    )
    assert expected in text.stdout
    assert "scheduler_holder" in status


async def test_status_on_a_database_never_migrated_migrates_it_first(
    runner: CliRunner, empty_database_url: URL
) -> None:
    url = empty_database_url.render_as_string(hide_password=False)
    result = await asyncio.to_thread(runner.invoke, main, ["status"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("queue: 0 pending, 0 being sent")
    database = Database(empty_database_url)
    try:
        assert await current_revisions(database.engine) == head_revisions()
    finally:
        await database.dispose()


def test_status_against_an_unreachable_server_is_one_line(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["status"], env={"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/ediary"}
    )
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("ediary: DATABASE_URL: cannot reach or migrate the database")
    assert result.stdout == ""
