"""Scheduled reports to the school's staff: stored as documents and queued through the
outbox, one row per recipient and key, so a re-run neither repeats nor regenerates them."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.mail.recipients import mail_readers
from bot.presentation.reports import StatementsCaption, render_statements_caption
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import Translator, translator
from bot.reports.by_mail import mail_statements
from bot.reports.common import language_of
from bot.reports.render_pool import RenderBatch
from bot.reports.rules import statement_range, statement_schedule
from bot.reports.statements import PaperStudent, Statements, paper_students, statements_draft
from bot.schools.settings import SchoolSettings
from db.models import School, SchoolClass, TelegramAccount
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

log = logging.getLogger(__name__)


async def class_recipients(uow: UnitOfWork, school_class: SchoolClass) -> list[TelegramAccount]:
    """The linked class teacher; the school's admins when the class has none linked, so the
    paper is printed all the same."""
    accounts: list[TelegramAccount] = []
    if school_class.class_teacher_id is not None:
        accounts = await uow.finals.staff_accounts(
            school_class.school_id, teacher_id=school_class.class_teacher_id
        )
    return accounts or await uow.finals.staff_accounts(school_class.school_id, teacher_id=None)


async def scheduled_statements(uow: UnitOfWork, clock: Clock, i18n: I18n, school: School) -> int:
    """Queue the statements due now for one school; returns how many documents were queued."""
    now = clock.now()
    dates = statement_range(
        statement_schedule(SchoolSettings.of(school)), now.astimezone(ZoneInfo(school.timezone))
    )
    if dates is None:
        return 0
    classes = await uow.teachers.classes_of_school(school.id)
    selected: dict[int, list[PaperStudent]] = defaultdict(list)
    for item in await paper_students(uow, [c.id for c in classes]):
        selected[item.student.class_id].append(item)
    # Families on e-mail get the statement attached to a letter, not on paper (issue 17).
    mailed = await mail_readers(
        uow, {i.student.id for items in selected.values() for i in items}, now
    )
    queued = 0
    for school_class in classes:
        on_mail = [(i, mailed[i.student.id]) for i in selected[school_class.id]
                   if mailed.get(i.student.id)]  # fmt: skip
        queued += await mail_statements(uow, i18n, now, school, school_class, dates, on_mail)
        selected[school_class.id] = [
            i for i in selected[school_class.id] if not mailed.get(i.student.id)
        ]
    queued += await _paper_statements(uow, i18n, now, school, classes, dates, selected)
    await uow.commit()
    return queued


async def _paper_statements(
    uow: UnitOfWork,
    i18n: I18n,
    now: datetime,
    school: School,
    classes: list[SchoolClass],
    dates: tuple[dt.date, dt.date],
    selected: dict[int, list[PaperStudent]],
) -> int:
    """The class teachers' printouts: every class read first, its PDF rendering in the
    pool meanwhile; then stored and queued."""
    first, last = dates
    waiting_for: list[tuple[list[tuple[TelegramAccount, str]], str]] = []
    async with RenderBatch[Statements]() as batch:
        for school_class in classes:
            if not selected[school_class.id]:
                continue  # nobody in the class needs paper: no empty document to print
            waiting = await _waiting_recipients(uow, school_class, first, last)
            for locale, recipients in sorted(waiting.items()):
                draft = await statements_draft(
                    uow, i18n, locale, school, school_class, first, last, selected[school_class.id]
                )
                batch.start(draft.rendered())
                waiting_for.append((recipients, locale))
        rendered = await batch.results()
    queued = 0
    for statements, (recipients, locale) in zip(rendered, waiting_for, strict=True):
        caption = StatementsCaption(
            statements.school_class.name, first, last, len(statements.students)
        )
        queued += await _queue_statements(
            uow, now, school, statements, recipients, translator(i18n, locale), caption
        )
    return queued


async def _waiting_recipients(
    uow: UnitOfWork, school_class: SchoolClass, first: dt.date, last: dt.date
) -> dict[str, list[tuple[TelegramAccount, str]]]:
    """Who has not been sent these dates' statements yet, by language, with the key."""
    accounts = await class_recipients(uow, school_class)
    if not accounts:
        log.warning("statements for class %s: nobody linked to send them to", school_class.id)
    waiting: dict[str, list[tuple[TelegramAccount, str]]] = defaultdict(list)
    for account in accounts:
        key = f"statements:{school_class.id}:{first}:{last}:{account.id}"
        # Checked before rendering: an hourly re-run must not store the PDF again.
        if await uow.outbox.by_key(key) is None:
            waiting[language_of(account)].append((account, key))
    return waiting


async def _queue_statements(
    uow: UnitOfWork,
    now: datetime,
    school: School,
    statements: Statements,
    recipients: list[tuple[TelegramAccount, str]],
    _: Translator,
    caption: StatementsCaption,
) -> int:
    """The PDF stored once, and a message with it for each recipient."""
    document = await uow.documents.add(
        school_id=school.id,
        kind="statements",
        filename=statements.filename,
        content_type="application/pdf",
        content=statements.pdf,
        now=now,
    )
    text = telegram_html(render_statements_caption(caption, _))
    queued = 0
    for account, key in recipients:
        queued += await uow.outbox.queue(
            account_id=account.id,
            school_id=school.id,
            kind="statements",
            key=key,
            text=text,
            reply_markup=None,
            due_at=now,
            urgent=False,
            now=now,
            extra={"document_id": document.id},
        )
    return queued
