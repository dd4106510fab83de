"""Paper statements by e-mail (issue 17): a family on e-mail gets its child's statement as a
PDF attached to a letter instead of a sheet handed over at school; the class teacher's
printout leaves the child out. The letter and its PDF are in the family's language (as
every letter: :attr:`MailRecipient.language`): one PDF per child and language, stored once,
and a letter part per guardian on e-mail, keyed so that an hourly re-run neither repeats
nor regenerates it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from bot.mail.letter_parts import queue_part
from bot.mail.recipients import MailRecipient, Recipient
from bot.presentation.mail import render_statement_letter, statement_subject
from bot.presentation.translation import translator
from bot.reports.render_pool import RenderBatch
from bot.reports.statements import PaperStudent, Statements, statements_draft
from db.models import School, SchoolClass
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n


async def mail_statements(
    uow: UnitOfWork,
    i18n: I18n,
    now: datetime,
    school: School,
    school_class: SchoolClass,
    dates: tuple[dt.date, dt.date],
    on_mail: list[tuple[PaperStudent, list[MailRecipient]]],
) -> int:
    """Queue the statements of these children to their families; how many parts."""
    first, last = dates
    waiting_for: list[tuple[PaperStudent, str, list[MailRecipient], dict[Recipient, str]]] = []
    async with RenderBatch[Statements]() as batch:
        for item, recipients in on_mail:
            keys = {
                r.key: f"statements-mail:{item.student.id}:{first}:{last}:{r.key[0]}{r.key[1]}"
                for r in recipients
            }
            waiting: dict[str, list[MailRecipient]] = defaultdict(list)
            for recipient in recipients:
                if await uow.outbox.by_key(keys[recipient.key]) is None:
                    waiting[recipient.language].append(recipient)
            for locale, readers in sorted(waiting.items()):
                draft = await statements_draft(
                    uow, i18n, locale, school, school_class, first, last, [item]
                )
                batch.start(draft.rendered())  # each PDF in the pool while the next is read
                waiting_for.append((item, locale, readers, keys))
        rendered = await batch.results()
    queued = 0
    for statements, (item, locale, readers, keys) in zip(rendered, waiting_for, strict=True):
        document = await uow.documents.add(
            school_id=school.id, kind="statement", filename=statements.filename,
            content_type="application/pdf", content=statements.pdf, now=now,
        )  # fmt: skip
        child, _ = item.student.full_name, translator(i18n, locale)
        for recipient in readers:
            queued += await queue_part(
                uow, recipient.key, school_id=school.id, kind="statements",
                key=keys[recipient.key], subject=statement_subject(_, child, first, last),
                rendered=render_statement_letter(_, child, first, last), locale=locale,
                due_at=now, now=now, student_id=item.student.id, document_id=document.id,
            )  # fmt: skip
    return queued
