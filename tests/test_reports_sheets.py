"""The summary sheet and the curriculum statistics (duty 7), from the hand-checked school:
XLSX cells read back, PDF text extracted, figures computed by hand."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.engine import URL

from bot.reports.curriculum import curriculum_statistics
from bot.reports.summary import summary_sheet
from db.database import Database
from db.models import LessonKind, Period
from tests.doubles.clock import FakeClock
from tests.reports_fixtures import report_school
from tests.test_linking_cli import ediary
from tests.test_reports_statements import class_named


def pdf_text(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def cells(xlsx: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(xlsx)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def first_period(database: Database) -> Period:
    async with database.unit_of_work() as uow:
        [period] = await uow.reports.periods(1)
        return period


async def test_the_summary_sheet_of_final_grades(
    database: Database, clock: FakeClock, i18n: I18n
) -> None:
    setup = await report_school(database, clock)
    five_a = await class_named(database, "5А")
    async with database.unit_of_work() as uow:
        sheet = await summary_sheet(
            uow, i18n, "ru", setup.school, five_a, await first_period(database)
        )
    rows = cells(sheet.xlsx)
    assert rows[0][0] == "Сводная ведомость итоговых оценок: 5А, I четверть"
    header = rows.index(["№", "Ученик", "Математика", "Русский язык", "«5»", "«4»", "«3»", "«2»",
                         "Отсрочка"])  # fmt: skip
    students = rows[header + 1 : header + 6]
    assert students == [
        [1, "Алексеев Антон", "5", "4", 1, 1, 0, 0, 0],
        [2, "Борисова Бэлла", "3", "4", 0, 1, 1, 0, 0],
        [3, "Васильев Виктор", "2", "3", 0, 0, 1, 1, 0],
        [4, "Григорьева Галина", "4", "отсрочка до 20.11.2026 (болезнь)", 0, 1, 0, 0, 1],
        [5, "Дмитриев Денис", "5", "5", 2, 0, 0, 0, 0],
    ]
    counts = {row[1]: row[2:4] for row in rows if row[1] and str(row[1]).startswith("Оценок")}
    assert counts == {
        "Оценок «5»": [2, 1],
        "Оценок «4»": [1, 2],
        "Оценок «3»": [1, 1],
        "Оценок «2»": [1, 0],
    }
    assert [None, "Отсрочка", 0, 1] in [row[:4] for row in rows]
    text = pdf_text(sheet.pdf)
    assert "Григорьева Галина 4 отсрочка до 20.11.2026 (болезнь)" in text
    assert "Сводная ведомость итоговых оценок: 5А, I четверть" in text


async def test_curriculum_figures_computed_by_hand(
    database: Database, clock: FakeClock, i18n: I18n
) -> None:
    setup = await report_school(database, clock)
    five_a = await class_named(database, "5А")
    async with database.unit_of_work() as uow:
        statistics = await curriculum_statistics(
            uow, i18n, "ru", setup.school, five_a, await first_period(database)
        )
    math, rus = statistics.subjects
    # Math: l1–l4 taught (l4 by a substitute, l2 a test), l5 cancelled, l6 moved, l7 ahead.
    assert (math.subject, math.planned, math.conducted, math.cancelled, math.moved) == (
        "Математика", 40, 4, 1, 1
    )  # fmt: skip
    assert math.by_kind[LessonKind.LESSON] == 3
    assert math.by_kind[LessonKind.TEST] == 1
    assert (rus.planned, rus.conducted, rus.cancelled, rus.moved) == (36, 2, 1, 0)
    assert rus.by_kind[LessonKind.PRACTICE] == 1
    # Finals in math 5, 3, 2, 4, 5: 4 of 5 with no failing mark, 3 of 5 only 4s and 5s.
    assert math.results.students == 5
    assert math.results.success_percent == pytest.approx(80.0)
    assert math.results.quality_percent == pytest.approx(60.0)
    assert math.average == pytest.approx(3.8)
    assert math.marks == {5: 2, 4: 1, 3: 1, 2: 1, 1: 0}
    # Russian 4, 4, 3, (deferred: not assessed), 5.
    assert rus.results.students == 4
    assert rus.results.success_percent == pytest.approx(100.0)
    assert rus.results.quality_percent == pytest.approx(75.0)
    # The class: Васильев has a 2 → 4 of 5 succeed; Борисова and Васильев have 3s → 3 of 5.
    total = statistics.total
    assert (total.students, total.passing, total.good) == (5, 4, 3)
    rows = cells(statistics.xlsx)
    assert ["Математика", 40, 4, 1, 1, 3, 1, 0, 0, 0] in rows
    results_rows = [row[:9] for row in rows]
    assert ["Математика", 5, 80, 60, 3.8, 2, 1, 1, 1] in results_rows
    assert ["Русский язык", 4, 100, 75, 4, 1, 2, 1, 0] in results_rows
    assert ["Класс в целом, все предметы", 5, 80, 60, None, None, None, None, None] in results_rows
    text = pdf_text(statistics.pdf)
    assert "Успеваемость, %" in text
    assert "Качество знаний, %" in text
    assert statistics.chart_png.startswith(b"\x89PNG")
    reader = PdfReader(io.BytesIO(statistics.pdf))
    assert sum(len(page.images) for page in reader.pages) == 1  # the bar chart


async def test_the_sheets_on_the_command_line(
    cli_runner: CliRunner, database_url: URL, database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await report_school(database, clock)
    out = tmp_path / "summary.xlsx"
    result = await ediary(
        cli_runner, database_url, "reports", "summary", "--school", "1", "--class", "5А",
        "--period", "q1", "--out", str(out), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"class": "5А", "out": str(out)}]
    assert cells(out.read_bytes())[0][0] == "Сводная ведомость итоговых оценок: 5А, I четверть"
    folder = tmp_path / "all"
    every = await ediary(
        cli_runner, database_url, "reports", "curriculum", "--school", "1",
        "--period", "I четверть", "--out", str(folder),
    )  # fmt: skip
    assert every.exit_code == 0, every.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "curriculum-5А-q1.pdf", "curriculum-5А-q1.xlsx",
        "curriculum-6Б-q1.pdf", "curriculum-6Б-q1.xlsx",
    ]  # fmt: skip
    unknown = await ediary(
        cli_runner, database_url, "reports", "summary", "--school", "1", "--class", "5А",
        "--period", "q9", "--out", str(out),
    )  # fmt: skip
    assert unknown.exit_code == 1
    assert "no period 'q9' in this school (periods: I четверть)" in unknown.stderr
