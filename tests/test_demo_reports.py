"""Every report for every class and period of the demo school, through the command line as
an office runs them, in both formats: the demo's class of many subjects once stopped a
whole-school run with an fpdf layout error."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.engine import URL

from bot.exchange.demo import load_demo
from bot.reports.documents import Table, column_parts, fitted_widths
from db.database import Database
from tests.conftest import SECRET_KEY
from tests.databases import fresh_sqlite
from tests.doubles.clock import FakeClock
from tests.test_linking_cli import ediary

SHEETS = ("summary", "curriculum", "monitoring")


@pytest.fixture
def database_url(sqlite_template_file: Path, tmp_path: Path) -> URL:
    """SQLite only: what failed here was document layout, the same on either database, and the
    whole demo school takes minutes to render; every report's queries run on both databases in
    the reports tests."""
    return fresh_sqlite(sqlite_template_file, tmp_path)


async def test_every_report_of_the_demo_school_in_both_formats(
    cli_runner: CliRunner, database_url: URL, database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(datetime(2027, 5, 20, 9, 0, tzinfo=UTC))  # late in the year: every period has data
    async with database.unit_of_work() as uow:
        outcome = await load_demo(uow, clock, SECRET_KEY, actor="test")
        periods = await uow.reports.periods(outcome.school_id)
        classes = [c.name for c in await uow.teachers.classes_of_school(outcome.school_id)]
    school = str(outcome.school_id)
    assert len(classes) >= 3
    assert len(periods) >= 4

    for period in periods:
        for sheet in SHEETS:
            out = tmp_path / sheet / period.external_id
            result = await ediary(
                cli_runner, database_url, "reports", sheet, "--school", school,
                "--period", period.external_id, "--out", str(out), "--json",
            )  # fmt: skip
            assert result.exit_code == 0, (sheet, period.name, result.output)
            written = json.loads(result.stdout)
            assert sorted({item["class"] for item in written}) == sorted(classes)
            for item in written:
                assert_readable(Path(item["out"]))

    first, last = periods[0].starts_on, periods[-1].ends_on
    for class_name in classes:
        out = tmp_path / f"statements-{class_name}.pdf"
        result = await ediary(
            cli_runner, database_url, "reports", "statements", "--school", school,
            "--class", class_name, "--from", first.isoformat(), "--to", last.isoformat(),
            "--out", str(out),
        )  # fmt: skip
        assert result.exit_code == 0, (class_name, result.output)
        assert_readable(out)


def assert_readable(path: Path) -> None:
    content = path.read_bytes()
    if path.suffix == ".pdf":
        assert len(PdfReader(io.BytesIO(content)).pages) >= 1
    else:
        assert load_workbook(io.BytesIO(content)).active.max_row >= 3


def test_a_table_too_wide_for_the_page_is_split_with_its_key_columns_repeated() -> None:
    headings = ("№", "Student", *(f"S{n}" for n in range(40)), "«5»")
    table = Table(
        headings=headings,
        rows=[[1, "Ann", *range(40), 2]],
        widths=(0.8, 5, *(2.2,) * 40, 0.9),
        align_right_from=2,
        key_columns=2,
    )
    parts = column_parts(table, width=273.0, minimum=8.0)
    assert len(parts) == 2
    assert all(part.headings[:2] == ("№", "Student") for part in parts)
    assert [h for part in parts for h in part.headings[2:]] == list(headings[2:])
    assert all(len(part.headings) * 8.0 <= 273.0 for part in parts)
    assert all(part.align_right_from == 2 for part in parts)
    second = parts[1]
    assert second.rows[0][:3] == [1, "Ann", int(second.headings[2][1:])]


def test_fitted_widths_raise_narrow_columns_and_keep_the_total() -> None:
    widths = fitted_widths((0.8, 5, 2.2, 2.2, 0.5), width=60.0, minimum=8.0)
    assert round(sum(widths), 6) == 60.0
    assert min(widths) >= 8.0
    assert widths[1] > widths[2]
    assert fitted_widths((1, 1), width=10.0, minimum=2.0) == (5.0, 5.0)
