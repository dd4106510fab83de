"""Parent monitoring (duty 9): the weekly split twice / fewer / never / no access, the
weekly summary to the class teacher with its opt-out, and the period report with the
final-grade acknowledgements."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from aiogram.utils.i18n import I18n
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import URL

from bot.reports.monitoring import (
    class_reading,
    monitoring_report,
    set_monitoring_summary,
    week_split,
    weekly_monitoring,
)
from bot.reports.rules import ReadingCategory
from db.database import Database
from db.models import AccountRole, FinalGradeAck, FinalGradeNotice, OutboxMessage
from tests.doubles.clock import FakeClock
from tests.reports_fixtures import TEACHER_5A, ReportSchool, link_account, report_school
from tests.test_linking_cli import ediary
from tests.test_reports_sheets import first_period, pdf_text
from tests.test_reports_statements import class_named

MONDAY = dt.date(2026, 9, 7)
NEXT_MONDAY_9AM = dt.datetime(2026, 9, 14, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow


async def with_reading(database: Database, clock: FakeClock) -> ReportSchool:
    """Алексеев's parent looks twice in the week of 07.09 (and twice on one day, which counts
    once); Дмитриев's parent links and never looks; the rest have no electronic access."""
    setup = await report_school(database, clock)
    await link_account(database, clock, setup.school, 7005, AccountRole.GUARDIAN, "s5")
    async with database.unit_of_work() as uow:
        s1 = await uow.linking.student(setup.school.id, "s1")
        g1 = await uow.linking.guardian(setup.school.id, "g1")
        assert s1 is not None
        assert g1 is not None
        for read_on in (MONDAY, MONDAY, MONDAY + dt.timedelta(days=2), dt.date(2026, 9, 14)):
            await uow.diary.record_reading(
                school_id=setup.school.id, guardian_ids=[g1.id], student_id=s1.id,
                read_on=read_on, section="grades", at=clock.now(),
            )  # fmt: skip
        await uow.commit()
    return setup


async def test_the_weekly_split(database: Database, clock: FakeClock) -> None:
    await with_reading(database, clock)
    five_a = await class_named(database, "5А")
    async with database.unit_of_work() as uow:
        _weeks, rows = await class_reading(uow, five_a, MONDAY, MONDAY + dt.timedelta(days=6))
    split = {c: [r.student for r in items] for c, items in week_split(rows).items()}
    assert split == {
        ReadingCategory.ENOUGH: ["Алексеев Антон"],
        ReadingCategory.FEWER: [],
        ReadingCategory.NEVER: ["Дмитриев Денис"],
        ReadingCategory.NO_ACCESS: ["Борисова Бэлла", "Васильев Виктор", "Григорьева Галина"],
    }
    async with database.unit_of_work() as uow:
        _weeks, later = await class_reading(uow, five_a, MONDAY, MONDAY + dt.timedelta(days=7))
    alekseev = next(r for r in later if r.student == "Алексеев Антон")
    assert alekseev.days == (2, 1)  # Monday 14.09 opens the next week: one look so far
    assert alekseev.categories == (ReadingCategory.ENOUGH, ReadingCategory.FEWER)


async def test_the_weekly_summary_goes_to_the_class_teacher_unless_opted_out(
    database: Database, clock: FakeClock, i18n: I18n
) -> None:
    setup = await with_reading(database, clock)
    clock.set(NEXT_MONDAY_9AM)
    async with database.unit_of_work() as uow:
        assert await weekly_monitoring(uow, clock, i18n, setup.school) == 2  # 5А and 6Б
    async with database.unit_of_work() as uow:
        rows = (
            (await uow.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)))
            .scalars()
            .all()
        )
        assert await weekly_monitoring(uow, clock, i18n, setup.school) == 0  # keyed per week
    summary = next(r for r in rows if r.account_id == setup.accounts[TEACHER_5A])
    assert summary.payload["text"] == (
        "<b>Просмотр дневника родителями, 5А, 07.09.2026 – 13.09.2026</b>\n\n"
        "<b>Не реже двух раз в неделю: 1</b>\n• Родитель: Алексеев Антон (Алексеев Антон)\n\n"
        "<b>Реже двух раз: 0</b>\n\n"
        "<b>Ни разу: 1</b>\n• Родитель: Дмитриев Денис (Дмитриев Денис)\n\n"
        "<b>Нет электронного доступа (бумажные выписки): 3</b>\n"
        "• Родитель: Борисова Бэлла (Борисова Бэлла)\n"
        "• Родитель: Васильев Виктор (Васильев Виктор)\n"
        "• Родитель: Григорьева Галина (Григорьева Галина)"
    )
    clock.advance(dt.timedelta(days=7))
    async with database.unit_of_work() as uow:
        assert await set_monitoring_summary(uow, TEACHER_5A, False)
    async with database.unit_of_work() as uow:
        assert await weekly_monitoring(uow, clock, i18n, setup.school) == 1  # only 6Б's
        account = await uow.accounts.by_telegram_user(TEACHER_5A)
        assert account is not None
        assert account.settings["monitoring_summary"] is False
        assert not await set_monitoring_summary(uow, 123456, True)  # unknown account


async def test_the_period_report_lists_reading_and_acknowledgements(
    database: Database, clock: FakeClock, i18n: I18n
) -> None:
    setup = await with_reading(database, clock)
    five_a = await class_named(database, "5А")
    period = await first_period(database)
    async with database.unit_of_work() as uow:
        s1 = await uow.linking.student(setup.school.id, "s1")
        g1 = await uow.linking.guardian(setup.school.id, "g1")
        assert s1 is not None
        assert g1 is not None
        notice = FinalGradeNotice(
            school_id=setup.school.id, account_id=setup.accounts[7001], student_id=s1.id,
            period_id=period.id, guardian_id=g1.id, content={}, version=1,
            acknowledged_version=1, acknowledged_at=clock.now(), created_at=clock.now(),
            updated_at=clock.now(),
        )  # fmt: skip
        uow.session.add(notice)
        await uow.session.flush()
        uow.session.add(
            FinalGradeAck(
                notice_id=notice.id,
                version=1,
                acknowledged_at=clock.now(),
                via="text",
                text="Ознакомлены, спасибо",
            )
        )
        await uow.commit()
    async with database.unit_of_work() as uow:
        report = await monitoring_report(
            uow, i18n, "ru", setup.school, five_a, period, dt.date(2026, 9, 16)
        )
    sheet = load_workbook(io.BytesIO(report.xlsx)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = values.index(
        [
            "Ученик",
            "Родитель",
            "01.09–06.09",
            "07.09–13.09",
            "14.09–16.09",
            "Недель с двумя и более",
        ]
    )
    assert values[header + 1] == ["Алексеев Антон", "Родитель: Алексеев Антон", 0, 2, 1, 1]
    assert values[header + 2] == ["Борисова Бэлла", "Родитель: Борисова Бэлла", "—", "—", "—", 0]
    text = pdf_text(report.pdf)
    assert "Подтверждения ознакомления с итоговыми оценками" in text
    assert "Алексеев Антон Родитель: Алексеев Антон 11.09.2026 15:00 Ознакомлены, спасибо" in text


async def test_monitoring_on_the_command_line(
    cli_runner: CliRunner, database_url: URL, database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await with_reading(database, clock)
    out = tmp_path / "monitoring.pdf"
    result = await ediary(
        cli_runner, database_url, "reports", "monitoring", "--school", "1", "--class", "5А",
        "--period", "q1", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Контроль просмотра дневника родителями: 5А, I четверть" in text
    assert "Итоговые оценки этого периода ещё никто не подтвердил." in text
    wrong = await ediary(
        cli_runner, database_url, "reports", "monitoring", "--school", "1", "--class", "5А",
        "--period", "q1", "--out", str(tmp_path / "x.doc"),
    )  # fmt: skip
    assert wrong.exit_code == 2
    assert "must end in .pdf or .xlsx" in wrong.output
