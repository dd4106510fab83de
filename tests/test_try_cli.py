"""``ediary run --try`` and ``--demo`` from the command line: the ways in, and one line when
it cannot start."""

from __future__ import annotations

import socket
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main


def test_run_without_a_token_points_to_the_try_mode(cli_runner: CliRunner) -> None:
    result = cli_runner.invoke(main, ["run"])
    assert result.exit_code == 2
    assert "ediary run --try" in result.stderr


def test_run_try_on_a_port_in_use_is_one_line(cli_runner: CliRunner, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        database = f"sqlite+aiosqlite:///{tmp_path / 'try.sqlite3'}"
        # --demo with no token is the try mode, as `make run` starts it.
        result = cli_runner.invoke(
            main, ["run", "--demo"], env={"HTTP_PORT": str(port), "DATABASE_URL": database}
        )
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"ediary: cannot listen on 127.0.0.1:{port}")
    assert "HTTP_PORT" in result.stderr
    assert "Traceback" not in result.output
