"""/reports in the bot (issue 8, items 2 and 3): the class teacher gets their class's
statements, summary sheet and monitoring; an admin also the curriculum statistics; forged
and foreign buttons, and families, get a refusal and no document — through the real
Dispatcher with the recording Bot session."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendChatAction,
    SendDocument,
    SendMessage,
)
from aiogram.types import BufferedInputFile
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from bot.exchange.service import sync_document
from bot.handlers.reports import ReportChoice, ReportClass
from bot.schools.service import create_school
from db.database import Database
from db.models import AccountRole, AuditEvent, ConsentState, SchoolClass
from tests.conftest import SECRET_KEY
from tests.diary_fixtures import button_texts
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.reports_fixtures import (
    ADMIN,
    PARENT_S1,
    TEACHER_5A,
    consent,
    link_account,
    report_school,
)


def chat(dispatcher: Dispatcher, bot: RecordingBot, telegram_id: int) -> BotConversation:
    return BotConversation(dispatcher, bot, TelegramUser(id=telegram_id))


async def class_ids(database: Database) -> dict[str, int]:
    async with database.unit_of_work() as uow:
        rows = await uow.session.execute(select(SchoolClass.name, SchoolClass.id))
        return {name: class_id for name, class_id in rows.all()}


def only(calls: Sequence[object], kind: type[Any]) -> Any:
    [found] = [c for c in calls if isinstance(c, kind)]
    return found


def documents(calls: Sequence[object]) -> list[tuple[str, bytes, str | None]]:
    """(file name, content, caption) of each document sent."""
    sent = []
    for call in calls:
        if isinstance(call, SendDocument):
            assert isinstance(call.document, BufferedInputFile)
            sent.append((call.document.filename or "", call.document.data, call.caption))
    return sent


def pdf_pages(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def xlsx_rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def ask(person: BotConversation, class_id: int, kind: str) -> list[Any]:
    """/reports, the class, the report: the calls made for the last click."""
    await person.send("/reports")
    await person.click(ReportClass(class_id=class_id))
    return await person.click(ReportChoice(class_id=class_id, kind=kind))


def report_menu(bot: RecordingBot) -> int:
    """The message the class step turned into the menu of reports (the last one edited): it
    stays above the documents sent, so its other buttons can still be pressed."""
    message_id = bot.session.last(EditMessageText).message_id
    assert message_id is not None
    return message_id


async def test_the_class_teacher_gets_the_statements_of_their_class(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await report_school(database, clock)
    ids = await class_ids(database)
    teacher = chat(dispatcher, bot, TEACHER_5A)
    choose = only(await teacher.send("/reports"), SendMessage)
    assert choose.text == "Для какого класса отчёт?"
    assert button_texts(choose) == ["5А"]  # not 6Б: only their own class
    menu = only(await teacher.click(ReportClass(class_id=ids["5А"])), EditMessageText)
    assert menu.text == "5А: какой отчёт?"
    assert button_texts(menu) == [
        "📝 Бумажные выписки",
        "📋 Сводная ведомость итоговых оценок",
        "👀 Контроль просмотра дневника",
    ]  # curriculum statistics are the admins'
    calls = await teacher.click(ReportChoice(class_id=ids["5А"], kind="statements"))
    assert only(calls, AnswerCallbackQuery).show_alert is not True
    assert only(calls, SendChatAction).action == "upload_document"
    [(filename, content, caption)] = documents(calls)
    # Friday 11.09.2026: the last week, as the weekly job covers.
    assert filename == "statements-5А-2026-09-05-2026-09-11.pdf"
    assert caption == (
        "Выписки для 5А, 05.09.2026 – 11.09.2026: учеников без электронного дневника — 4. "
        "Распечатайте их и передайте семьям."
    )
    assert only(calls, SendDocument).chat_id == TEACHER_5A
    pages = pdf_pages(content)
    borisova = next(page for page in pages if "Борисова Бэлла" in page)
    assert "Ученик: Борисова Бэлла, класс 5А" in borisova
    assert "Родитель (законный представитель): ____" in borisova  # the signature line
    assert "Алексеев Антон" not in " ".join(pages)  # his parent reads the diary in the bot
    # Handing out children's data is on the record.
    async with database.unit_of_work() as uow:
        event = (
            await uow.session.execute(
                select(AuditEvent).where(AuditEvent.action == "report.downloaded")
            )
        ).scalar_one()
    assert event.subject_id == ids["5А"]
    assert event.details["report"] == "statements"


async def test_fortnightly_schools_get_two_weeks_of_statements(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await report_school(database, clock, settings={"statements_every_weeks": 2})
    ids = await class_ids(database)
    calls = await ask(chat(dispatcher, bot, TEACHER_5A), ids["5А"], "statements")
    [(filename, _content, _caption)] = documents(calls)
    assert filename == "statements-5А-2026-08-29-2026-09-11.pdf"


async def test_the_class_teacher_gets_the_summary_sheet_and_monitoring(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await report_school(database, clock)
    ids = await class_ids(database)
    teacher = chat(dispatcher, bot, TEACHER_5A)
    calls = await ask(teacher, ids["5А"], "summary")
    [(pdf_name, pdf, caption), (xlsx_name, xlsx, no_caption)] = documents(calls)
    assert (pdf_name, xlsx_name) == ("summary-5А-q1.pdf", "summary-5А-q1.xlsx")
    assert caption == "Сводная ведомость итоговых оценок: 5А, I четверть"
    assert no_caption is None
    rows = xlsx_rows(xlsx)
    assert rows[0][0] == "Сводная ведомость итоговых оценок: 5А, I четверть"
    assert [4, "Григорьева Галина", "4", "отсрочка до 20.11.2026 (болезнь)", 0, 1, 0, 0, 1] in rows
    assert "Григорьева Галина 4 отсрочка до 20.11.2026 (болезнь)" in " ".join(pdf_pages(pdf))

    calls = await teacher.click(
        ReportChoice(class_id=ids["5А"], kind="monitoring"), message_id=report_menu(bot)
    )
    [(pdf_name, pdf, caption), (xlsx_name, _xlsx, _none)] = documents(calls)
    assert (pdf_name, xlsx_name) == ("monitoring-5А-q1.pdf", "monitoring-5А-q1.xlsx")
    assert caption == "Контроль просмотра дневника родителями: 5А, I четверть"
    assert "Подтверждения ознакомления с итоговыми оценками" in " ".join(pdf_pages(pdf))


async def test_an_admin_gets_any_class_and_the_curriculum_statistics(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await report_school(database, clock)
    ids = await class_ids(database)
    admin = chat(dispatcher, bot, ADMIN)
    assert button_texts(only(await admin.send("/reports"), SendMessage)) == ["5А", "6Б"]
    menu = only(await admin.click(ReportClass(class_id=ids["5А"])), EditMessageText)
    assert button_texts(menu)[-1] == "📊 Выполнение учебного плана"
    calls = await admin.click(ReportChoice(class_id=ids["5А"], kind="curriculum"))
    [(pdf_name, pdf, caption), (xlsx_name, xlsx, _none)] = documents(calls)
    assert (pdf_name, xlsx_name) == ("curriculum-5А-q1.pdf", "curriculum-5А-q1.xlsx")
    assert caption == "Проведение занятий по учебному плану: 5А, I четверть"
    assert ["Математика", 40, 4, 1, 1, 3, 1, 0, 0, 0] in xlsx_rows(xlsx)
    assert "Успеваемость, %" in " ".join(pdf_pages(pdf))
    # Another class of the school, not the admin's own: statements of 6Б.
    calls = await ask(admin, ids["6Б"], "statements")
    [(filename, content, _caption)] = documents(calls)
    assert filename.startswith("statements-6Б-")
    assert "Егорова Елена" in " ".join(pdf_pages(content))


async def other_schools_class(database: Database, clock: FakeClock) -> int:
    async with database.unit_of_work() as uow:
        other, _ = await create_school(
            uow, clock, SECRET_KEY, name="Другая школа", timezone="Europe/Moscow", actor="test"
        )
        document = {
            "teachers": [{"external_id": "x1", "full_name": "Чужой Учитель"}],
            "classes": [
                {"external_id": "9v", "name": "9В", "level": "basic", "class_teacher_id": "x1"}
            ],
        }
        await sync_document(
            uow, clock, other, document, source="test", document_sha256="-", actor="test"
        )
    return (await class_ids(database))["9В"]


def refused(calls: Sequence[object]) -> str | None:
    """The alert of a refusal; and nothing else happened: no message, no document."""
    assert [type(c) for c in calls] == [AnswerCallbackQuery]
    answer: AnswerCallbackQuery = only(calls, AnswerCallbackQuery)
    assert answer.show_alert is True
    return answer.text


@pytest.mark.parametrize(
    ("who", "class_name", "kind"),
    [
        (TEACHER_5A, "6Б", "statements"),  # another teacher's class
        (TEACHER_5A, "9В", "summary"),  # another school's class
        (TEACHER_5A, "5А", "curriculum"),  # admins only
        (TEACHER_5A, "5А", "grades"),  # no such report
        (ADMIN, "9В", "statements"),  # an admin of another school
        (PARENT_S1, "5А", "statements"),  # a family
    ],
)
async def test_forged_and_foreign_report_buttons_are_refused(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    who: int,
    class_name: str,
    kind: str,
) -> None:
    await report_school(database, clock)
    ids = {**await class_ids(database), "9В": await other_schools_class(database, clock)}
    person = chat(dispatcher, bot, who)
    await person.send("/reports")  # a message of the bot's for the forged press to name
    calls = await person.forge(ReportChoice(class_id=ids[class_name], kind=kind))
    assert refused(calls) == "Этот отчёт вам недоступен."
    if kind in ("statements", "summary"):
        # The class step is refused alike (the curriculum/unknown cases use a class of theirs).
        calls = await person.forge(ReportClass(class_id=ids[class_name]))
        assert refused(calls) == "Этот отчёт вам недоступен."


async def test_a_family_is_told_reports_are_for_staff(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await report_school(database, clock)
    calls = await chat(dispatcher, bot, PARENT_S1).send("/reports")
    assert only(calls, SendMessage).text == (
        "Отчёты доступны классным руководителям и администрации школы. Сам дневник — в /help."
    )
    assert documents(calls) == []
    assert only(calls, SendMessage).reply_markup is None


async def test_reports_are_in_the_staff_help_only(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await report_school(database, clock)
    line = "/reports — Отчёты: выписки, сводная ведомость, мониторинг"
    assert line in only(await chat(dispatcher, bot, TEACHER_5A).send("/help"), SendMessage).text
    assert line not in only(await chat(dispatcher, bot, PARENT_S1).send("/help"), SendMessage).text


async def test_statements_of_a_class_where_everyone_reads_the_bot_are_a_message(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    setup = await report_school(database, clock)
    # Егорова Елена's family (6Б) changes its mind and links: nobody in 6Б needs paper.
    await consent(database, clock, setup.school, "g6", ConsentState.GRANTED)
    await link_account(database, clock, setup.school, 7006, AccountRole.GUARDIAN, "s6")
    calls = await ask(chat(dispatcher, bot, ADMIN), (await class_ids(database))["6Б"], "statements")
    assert documents(calls) == []
    assert only(calls, SendMessage).text == (
        "Выписки для 6Б, 05.09.2026 – 11.09.2026: все семьи класса читают дневник в боте, "
        "печатать нечего."
    )


async def test_a_class_without_any_period_is_told_so(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await report_school(database, clock)
    clock.set(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))  # after I четверть, nothing next
    six_b = (await class_ids(database))["6Б"]  # and no final grades in 6Б
    admin = chat(dispatcher, bot, ADMIN)
    await admin.send("/reports")
    await admin.click(ReportClass(class_id=six_b))
    for kind in ("summary", "monitoring", "curriculum"):
        calls = await admin.click(ReportChoice(class_id=six_b, kind=kind))
        assert refused(calls) == "В журнале пока нет учебного периода для этого класса."
    # 5А has final grades of I четверть: its summary sheet is still there after the period.
    calls = await ask(admin, (await class_ids(database))["5А"], "summary")
    assert [name for name, _content, _caption in documents(calls)] == [
        "summary-5А-q1.pdf",
        "summary-5А-q1.xlsx",
    ]
