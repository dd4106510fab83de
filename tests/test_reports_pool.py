"""Reports render in worker processes (issue 15, item 5): the bot answers other updates while
a report renders; a rendering that fails, or a worker that dies, takes the error path every
failing handler and scheduled job takes; the pool stops with the services."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, SendDocument, SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy import func, select

from bot.handlers.reports import ReportChoice, ReportClass
from bot.reports import statements
from bot.reports.documents import Report, Section, render_pdf
from bot.reports.render_pool import in_render_pool, render_pool_running
from bot.scheduling import statements_job
from bot.services import Services
from db.database import Database
from db.models import AuditEvent, OutboxMessage, StoredDocument
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.rendering_faults import dying_pdf, failing_pdf, slow_pdf
from tests.reports_fixtures import FRIDAY, PARENT_S1, TEACHER_5A, report_school
from tests.test_reports_bot import chat, class_ids, documents, pdf_pages, report_menu


async def choose_statements(person: BotConversation, class_id: int) -> None:
    """/reports and the class: the menu of reports is shown, nothing chosen yet."""
    await person.send("/reports")
    await person.click(ReportClass(class_id=class_id))


async def count(database: Database, model: Any, *where: Any) -> int:
    async with database.unit_of_work() as uow:
        query = select(func.count()).select_from(model).where(*where)
        return (await uow.session.execute(query)).scalar_one()


async def test_the_bot_answers_another_update_while_a_report_renders(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    await report_school(database, clock)
    five_a = (await class_ids(database))["5А"]
    teacher, parent = chat(dispatcher, bot, TEACHER_5A), chat(dispatcher, bot, PARENT_S1)
    await choose_statements(teacher, five_a)
    started = tmp_path / "rendering-started"
    # The real PDF, two seconds late, in the worker: had rendering run on the event loop,
    # nothing else could be answered in those two seconds.
    monkeypatch.setattr(statements, "render_pdf", functools.partial(slow_pdf, started, 2.0))
    finished: list[str] = []

    async def download() -> list[Any]:
        calls = await teacher.click(ReportChoice(class_id=five_a, kind="statements"))
        finished.append("report")
        return calls

    async def ask_for_help_meanwhile() -> list[Any]:
        # The worker is another process: a file is what it can tell this one through.
        while not started.exists():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        calls = await parent.send("/help")
        finished.append("help")
        return calls

    report_calls, help_calls = await asyncio.wait_for(
        asyncio.gather(download(), ask_for_help_meanwhile()), timeout=60
    )
    assert finished == ["help", "report"]
    [help_answer] = [c for c in help_calls if isinstance(c, SendMessage)]
    assert help_answer.chat_id == PARENT_S1
    assert int(started.read_text()) != os.getpid()  # it rendered in another process
    [(filename, content, _caption)] = documents(report_calls)
    assert filename.startswith("statements-5А-")
    assert any("Ученик: Борисова Бэлла, класс 5А" in page for page in pdf_pages(content))


async def test_a_rendering_that_fails_in_the_worker_gets_the_usual_apology(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    await report_school(database, clock)
    five_a = (await class_ids(database))["5А"]
    teacher = chat(dispatcher, bot, TEACHER_5A)
    await choose_statements(teacher, five_a)
    monkeypatch.setattr(statements, "render_pdf", failing_pdf)
    calls = await teacher.click(ReportChoice(class_id=five_a, kind="statements"))
    assert isinstance(calls[0], AnswerCallbackQuery)  # the button stops spinning
    [apology] = [c for c in calls if isinstance(c, SendMessage)]
    assert apology.text.startswith("Что-то пошло не так, попробуйте ещё раз.")
    assert not [c for c in calls if isinstance(c, SendDocument)]
    reference = apology.text.rsplit(" ", 1)[-1]
    [logged] = [r for r in caplog.records if reference in r.getMessage()]
    assert logged.exc_info is not None
    error = logged.exc_info[1]
    assert isinstance(error, ValueError)
    assert "failed in worker" in str(error)
    assert f"in worker {os.getpid()}" not in str(error)  # not this process
    assert "failing_pdf" in str(error.__cause__)  # the worker's own traceback is kept
    downloaded = AuditEvent.action == "report.downloaded"
    assert await count(database, AuditEvent, downloaded) == 0  # nothing handed out
    # The pool survives an exception: the next request renders.
    monkeypatch.undo()
    calls = await teacher.click(
        ReportChoice(class_id=five_a, kind="statements"), message_id=report_menu(bot)
    )
    assert len(documents(calls)) == 1
    assert await count(database, AuditEvent, downloaded) == 1


async def test_a_worker_that_dies_breaks_one_request_and_the_next_gets_a_new_pool(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    await report_school(database, clock)
    five_a = (await class_ids(database))["5А"]
    teacher = chat(dispatcher, bot, TEACHER_5A)
    await choose_statements(teacher, five_a)
    monkeypatch.setattr(statements, "render_pdf", dying_pdf)
    calls = await teacher.click(ReportChoice(class_id=five_a, kind="statements"))
    [apology] = [c for c in calls if isinstance(c, SendMessage)]
    assert apology.text.startswith("Что-то пошло не так")
    assert not [c for c in calls if isinstance(c, SendDocument)]
    assert any("BrokenProcessPool" in r.exc_text for r in caplog.records if r.exc_text)
    monkeypatch.undo()
    calls = await teacher.click(
        ReportChoice(class_id=five_a, kind="statements"), message_id=report_menu(bot)
    )
    [(_filename, content, _caption)] = documents(calls)
    assert any("Борисова Бэлла" in page for page in pdf_pages(content))


async def test_a_failing_rendering_in_the_weekly_job_is_logged_and_nothing_is_queued(
    services: Services, database: Database, clock: FakeClock, i18n: I18n,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    await report_school(database, clock)
    clock.set(FRIDAY)
    monkeypatch.setattr(statements, "render_pdf", failing_pdf)
    with caplog.at_level(logging.ERROR):
        await statements_job(services)
    [failed] = [r for r in caplog.records if "scheduled_statements failed" in r.getMessage()]
    assert failed.exc_info is not None
    assert isinstance(failed.exc_info[1], ValueError)
    assert await count(database, OutboxMessage) == 0  # the school's run rolled back whole
    assert await count(database, StoredDocument) == 0
    monkeypatch.undo()
    await statements_job(services)  # the next hourly run sends them
    assert await count(database, OutboxMessage) == 2


async def test_the_pool_stops_with_the_services(services: Services) -> None:
    tiny = Report(title="tiny", sections=[Section(title="Проверка")])
    assert (await in_render_pool(render_pdf, tiny)).startswith(b"%PDF")
    worker = await in_render_pool(os.getpid)
    assert worker != os.getpid()
    assert render_pool_running()
    await services.close()
    assert not render_pool_running()
    with pytest.raises(ProcessLookupError):  # the worker has exited, and was reaped
        os.kill(worker, 0)
    # A later use (another command in the same process) starts a new pool.
    assert (await in_render_pool(render_pdf, tiny)).startswith(b"%PDF")
