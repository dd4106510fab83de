"""Paper statements (duty 8): who gets paper, what the PDF says, the scheduled job and the
command line."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import I18n
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.engine import URL

from bot.reports.delivery import scheduled_statements
from bot.reports.statements import class_statements, paper_students
from bot.schools.service import create_school
from db.database import Database
from db.models import OutboxMessage, School, SchoolClass, StoredDocument
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot
from tests.finals_fixtures import deliver_all
from tests.reports_fixtures import FRIDAY, TEACHER_5A, TEACHER_6B, report_school, reports_school
from tests.test_change_pushes import sync
from tests.test_linking_cli import ediary

FIRST, LAST = dt.date(2026, 9, 5), dt.date(2026, 9, 11)


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


async def class_named(database: Database, name: str) -> SchoolClass:
    async with database.unit_of_work() as uow:
        found = await uow.session.execute(select(SchoolClass).where(SchoolClass.name == name))
        return found.scalar_one()


async def test_families_without_electronic_access_are_selected(
    database: Database, clock: FakeClock
) -> None:
    await report_school(database, clock)
    five_a, six_b = await class_named(database, "5А"), await class_named(database, "6Б")
    async with database.unit_of_work() as uow:
        selected = await paper_students(uow, [five_a.id, six_b.id])
    assert [(item.student.full_name, item.reason.value) for item in selected] == [
        ("Борисова Бэлла", "refused"),
        ("Васильев Виктор", "withdrawn"),
        ("Григорьева Галина", "not_linked"),  # never decided
        ("Дмитриев Денис", "not_linked"),  # consented on paper, never linked
        ("Егорова Елена", "refused"),
    ]  # Алексеев Антон and Жуков Женя read the diary in the bot


async def test_the_class_pdf_has_one_section_per_selected_student(
    database: Database, clock: FakeClock, i18n: I18n
) -> None:
    setup = await report_school(database, clock)
    five_a = await class_named(database, "5А")
    async with database.unit_of_work() as uow:
        statements = await class_statements(uow, i18n, "ru", setup.school, five_a, FIRST, LAST)
    texts = pages(statements.pdf)
    assert statements.filename == "statements-5А-2026-09-05-2026-09-11.pdf"
    starts = [t for t in texts if t.startswith("Выписка из электронного дневника")]
    assert len(starts) == 4  # each student's section starts on a page of its own
    everything = "\n".join(texts)
    assert "Алексеев Антон" not in everything
    assert "Не для выписки" not in everything
    borisova = next(t for t in starts if "Борисова Бэлла" in t)
    flat = " ".join(borisova.split())
    assert "Ученик: Борисова Бэлла, класс 5А" in flat
    assert "Даты: 05.09.2026 – 11.09.2026" in flat
    # The dates' marks with work types and weights; the period's average counts the 2 of
    # 02.09 too: (2 + 5 + 3·2) / 4 = 3.25 → forecast 3 (school default thresholds).
    assert "07.09 5 (ответ на уроке); 08.09 3 (контрольная работа, ×2)" in flat
    assert "02.09" not in flat
    assert "Математика" in flat
    assert "3.25" in flat
    assert "4.33" in flat  # rus: (4 + 4 + 5) / 3
    assert "14.09.2026 Русский язык Упражнение 12" in flat  # homework for the coming week
    assert "Старое задание" not in flat
    assert "отменён" in flat
    assert "замена: Кузнецов Игорь Васильевич" in flat
    assert "перенесён на 15.09.2026, урок 4" in flat
    assert "Больше читать вслух" in flat
    assert "Родитель (законный представитель): ____" in flat


async def test_english_statements(database: Database, clock: FakeClock, i18n: I18n) -> None:
    setup = await report_school(database, clock)
    six_b = await class_named(database, "6Б")
    async with database.unit_of_work() as uow:
        statements = await class_statements(uow, i18n, "en", setup.school, six_b, FIRST, LAST)
    [text] = pages(statements.pdf)
    assert text.startswith("Statement from the electronic diary")
    assert "Егорова Елена" in text
    assert "No marks in these dates." in text


async def outbox(database: Database) -> list[OutboxMessage]:
    async with database.unit_of_work() as uow:
        rows = await uow.session.execute(select(OutboxMessage).order_by(OutboxMessage.id))
        return list(rows.scalars())


async def test_the_weekly_job_queues_one_pdf_per_class_to_its_class_teacher(
    database: Database, clock: FakeClock, i18n: I18n
) -> None:
    setup = await report_school(database, clock)
    clock.set(FRIDAY - dt.timedelta(hours=2))  # 13:00 in Moscow: not yet
    async with database.unit_of_work() as uow:
        assert await scheduled_statements(uow, clock, i18n, setup.school) == 0
    clock.set(FRIDAY)
    async with database.unit_of_work() as uow:
        assert await scheduled_statements(uow, clock, i18n, setup.school) == 2
    rows = await outbox(database)
    assert [(r.account_id, r.kind) for r in rows] == [
        (setup.accounts[TEACHER_5A], "statements"),
        (setup.accounts[TEACHER_6B], "statements"),
    ]
    five_a = await class_named(database, "5А")
    assert rows[0].idempotency_key == (
        f"statements:{five_a.id}:2026-09-05:2026-09-11:{setup.accounts[TEACHER_5A]}"
    )
    assert rows[0].payload["text"] == (
        "Выписки для 5А, 05.09.2026 – 11.09.2026: учеников без электронного дневника — 4. "
        "Распечатайте их и передайте семьям."
    )
    async with database.unit_of_work() as uow:
        document = await uow.documents.get(rows[0].payload["document_id"])
        assert document is not None
        assert (document.kind, document.content_type) == ("statements", "application/pdf")
        assert "Борисова Бэлла" in "".join(pages(document.content))
        other = await uow.documents.get(rows[1].payload["document_id"])
        assert other is not None
        assert "Егорова Елена" in "".join(pages(other.content))

    # The delivery worker sends each class teacher their class's PDF as a document.
    bot = RecordingBot()
    documents = [r for r in await deliver_all(database, bot, clock) if isinstance(r, SendDocument)]
    assert sorted(d.chat_id for d in documents) == sorted([TEACHER_5A, TEACHER_6B])
    to_5a = next(d for d in documents if d.chat_id == TEACHER_5A)
    assert to_5a.caption == rows[0].payload["text"]
    assert isinstance(to_5a.document, BufferedInputFile)
    assert "Борисова Бэлла" in "".join(pages(to_5a.document.data))

    clock.advance(dt.timedelta(hours=1))  # the hourly re-run: nothing new, nothing re-stored
    async with database.unit_of_work() as uow:
        assert await scheduled_statements(uow, clock, i18n, setup.school) == 0
        stored = (await uow.session.execute(select(StoredDocument.id))).scalars().all()
    assert len(stored) == 2
    assert len(await outbox(database)) == 2


async def test_fortnightly_schools_get_statements_every_other_week(
    database: Database, clock: FakeClock, i18n: I18n
) -> None:
    setup = await report_school(database, clock, settings={"statements_every_weeks": 2})
    async with database.unit_of_work() as uow:
        school = await uow.schools.by_id(setup.school.id)
        assert school is not None
        assert await scheduled_statements(uow, clock, i18n, school) == 2
    rows = await outbox(database)
    assert ":2026-08-29:2026-09-11:" in rows[0].idempotency_key  # two weeks of marks
    clock.advance(dt.timedelta(days=7))
    async with database.unit_of_work() as uow:
        school = await uow.schools.by_id(setup.school.id)
        assert school is not None
        assert await scheduled_statements(uow, clock, i18n, school) == 0
    clock.advance(dt.timedelta(days=7))
    async with database.unit_of_work() as uow:
        school = await uow.schools.by_id(setup.school.id)
        assert school is not None
        assert await scheduled_statements(uow, clock, i18n, school) == 2


async def test_statements_on_the_command_line(
    cli_runner: CliRunner, database_url: URL, database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await report_school(database, clock)
    out = tmp_path / "5a.pdf"
    result = await ediary(
        cli_runner, database_url, "reports", "statements", "--school", "1", "--class", "5а",
        "--from", "2026-09-05", "--to", "2026-09-11", "--out", str(out), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["reason"] for s in data["students"]] == [
        "refused", "withdrawn", "not_linked", "not_linked"
    ]  # fmt: skip
    assert "Дмитриев Денис" in "".join(pages(out.read_bytes()))


async def test_the_command_refuses_another_schools_class_and_bad_dates(
    cli_runner: CliRunner, database_url: URL, database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await report_school(database, clock)
    async with database.unit_of_work() as uow:
        other, _ = await create_school(
            uow, clock, SECRET_KEY, name="Другая школа", timezone="Europe/Moscow", actor="test"
        )
        assert isinstance(other, School)
    out = tmp_path / "x.pdf"
    foreign = await ediary(
        cli_runner, database_url, "reports", "statements", "--school", str(other.id),
        "--class", "5А", "--from", "2026-09-05", "--to", "2026-09-11", "--out", str(out),
    )  # fmt: skip
    assert foreign.exit_code == 1
    assert "no class '5А' in school 'Другая школа'" in foreign.stderr
    backwards = await ediary(
        cli_runner, database_url, "reports", "statements", "--school", "1", "--class", "5А",
        "--from", "2026-09-11", "--to", "2026-09-05", "--out", str(out),
    )  # fmt: skip
    assert backwards.exit_code == 1
    assert "is after" in backwards.stderr
    assert not out.exists()


async def test_a_long_grades_table_repeats_its_heading_row_on_every_page(
    database: Database, clock: FakeClock, i18n: I18n
) -> None:
    setup = await report_school(database, clock)
    many = [
        {"external_id": f"x{i}", "student_id": "s2", "subject_id": "math" if i % 2 else "rus",
         "date": (FIRST + dt.timedelta(days=i % 7)).isoformat(), "value": "45"[i % 2],
         "work_type": "самостоятельная работа"}
        for i in range(300)
    ]  # fmt: skip
    await sync(database, clock, setup.school, {"grades": reports_school()["grades"] + many})
    five_a = await class_named(database, "5А")
    async with database.unit_of_work() as uow:
        statements = await class_statements(uow, i18n, "ru", setup.school, five_a, FIRST, LAST)
    texts = [" ".join(text.split()) for text in pages(statements.pdf)]
    starts = [i for i, text in enumerate(texts) if text.startswith("Выписка из электронного")]
    borisova = texts[starts[0] : starts[1]]
    assert "Борисова Бэлла" in borisova[0]
    heading = "Предмет Отметки (дата, вид работы) Средний балл за период Прогноз: I четверть"
    assert heading in borisova[0]
    # The marks run over several pages; each continuation starts with the heading row.
    grades_pages = [text for text in borisova if "(самостоятельная работа)" in text]
    assert len(grades_pages) >= 3
    assert all(text.startswith(heading) for text in grades_pages[1:])
    # Rows are never cut at a page break: every mark is there once.
    assert sum(text.count("(самостоятельная работа)") for text in borisova) == 300
