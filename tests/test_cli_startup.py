"""The commands an office runs often start without the Telegram client, the handlers or the
chart and PDF libraries, and ``status`` without Alembic and the models: each runs here in a
fresh interpreter, which then reports what it imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import COMMANDS, main

HEAVY = {"aiogram", "matplotlib", "fpdf", "segno", "openpyxl", "aiohttp"}
PROBE = """
import json, sys
from bot.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def run_probe(args: list[str], cwd: Path) -> tuple[str, set[str]]:
    """What the command printed, and every module the interpreter had loaded after it."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{cwd / 'ediary.sqlite3'}",
        "SECRET_KEY": "k" * 40,
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    env.pop("BOT_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    return done.stdout, set(json.loads(done.stderr.strip().splitlines()[-1]))


def imported_by(args: list[str], cwd: Path) -> set[str]:
    """The top-level packages the command loaded."""
    return {name.split(".")[0] for name in run_probe(args, cwd)[1]}


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["status"],
        ["school", "list"],
        ["consent", "list", "--school", "1"],
        ["contacts", "list", "--school", "1"],
        ["codes", "issue", "--school", "1", "--teacher", "t1"],
        ["admin", "list", "--school", "1"],
        ["periods", "list", "--school", "1"],
    ],
    ids=" ".join,
)
def test_office_commands_load_no_telegram_client_and_no_document_libraries(
    args: list[str], tmp_path: Path
) -> None:
    loaded = imported_by(args, tmp_path)
    assert "bot" in loaded  # the probe ran the command
    assert loaded & HEAVY == set()


def test_help_lists_every_command_without_importing_it() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line]
    assert listed == list(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_listed_command_resolves_with_its_own_help(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: main {name}" in result.output or f"Usage: ediary {name}" in result.output


def test_status_on_a_migrated_database_loads_no_alembic_no_models_no_catalogs(
    tmp_path: Path,
) -> None:
    migrated, _ = run_probe(["migrate"], tmp_path)
    assert "database is up to date" in migrated
    printed, loaded = run_probe(["status"], tmp_path)
    assert printed.startswith("queue: 0 pending, 0 being sent")  # the probe ran the command
    packages = {name.split(".")[0] for name in loaded}
    # Alembic is for a database that is behind; the metrics library is for GET /metrics;
    # the catalogs (babel) are for what the bot says.
    assert packages & (HEAVY | {"alembic", "prometheus_client", "babel"}) == set()
    # The figures come through a lean view of the outbox table, not the ORM models.
    assert {name for name in loaded if name.startswith(("db.models", "db.repositories."))} == {
        "db.repositories.outbox_figures"
    }
    assert not {"db.migrate", "bot.i18n", "bot.digests.status_metrics"} & loaded
