"""Which pushes go by e-mail, by the family's effective form (bot/contacts/channels.py),
on both databases: the daily news of marks to a family on e-mail, none in Telegram when a
linked family chose e-mail, both when both were chosen, and nothing after a withdrawal."""

from __future__ import annotations

import io
from datetime import timedelta

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from pypdf import PdfReader
from sqlalchemy import select

from bot.reports.delivery import scheduled_statements
from bot.teachers.audience import Audience
from bot.teachers.broadcasts import recent_broadcasts, send_broadcast, sender_of
from db.database import Database
from db.models import ConsentState, DeliveryChannel, OutboxMessage, OutboxStatus
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot
from tests.finals_fixtures import TEACHER, school_with_teacher
from tests.mail_fixtures import (
    RunningSink,
    address,
    grant,
    letter_rows,
    mail_worker,
    send_all,
    smtp_sink,
)
from tests.reports_fixtures import FRIDAY, report_school
from tests.test_change_pushes import deliver, family, grade, run_job, sync

__all__ = ["smtp_sink"]
MOTHER = "maria@example.ru"
FATHER = "sergey@example.ru"


async def test_marks_reach_each_family_in_its_own_form(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school = await family(dispatcher, bot, database, clock)  # the father g2 in Telegram
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER)  # the mother: no Telegram, e-mail

    await sync(database, clock, school, {"grades": [grade("n1", "5", work_type="диктант")]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 2
    assert await deliver(database, bot, clock) == [
        "<b>Новые оценки: Иванов Пётр Сергеевич</b>\n• Математика: <b>5</b> (диктант)"
    ]
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    [letter] = smtp_sink.sink.received
    assert letter.recipients == [MOTHER]
    assert letter.header("Subject") == "Новые оценки"
    plain = letter.message.get_body(("plain",))
    assert plain is not None
    content = plain.get_content().replace("\r\n", "\n")
    assert "Новые оценки: Иванов Пётр Сергеевич\n• Математика: 5 (диктант)" in content

    # The father chooses e-mail: his news goes by letter, no longer in Telegram.
    await address(database, clock, school, "g2", FATHER, DeliveryChannel.EMAIL)
    bot.session.clear()
    await sync(database, clock, school, {"grades": [grade("n2", "4")]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 2
    assert await deliver(database, bot, clock) == []
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 2
    assert sorted(r.recipients[0] for r in smtp_sink.sink.received[1:]) == [MOTHER, FATHER]

    # Both: Telegram and a letter.
    await address(database, clock, school, "g2", FATHER, DeliveryChannel.BOTH)
    await sync(database, clock, school, {"grades": [grade("n3", "3")]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 3
    assert len(await deliver(database, bot, clock)) == 1
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 2


async def test_a_withdrawal_stops_the_letters_queued_and_to_come(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school = await family(dispatcher, bot, database, clock)
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER)
    await sync(database, clock, school, {"grades": [grade("n1", "5")]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 2
    await grant(database, clock, school, "g1", ConsentState.WITHDRAWN)
    report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
    assert (report.sent, report.cancelled) == (0, 1)
    await sync(database, clock, school, {"grades": [grade("n2", "4")]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 1  # the father's Telegram push only
    assert smtp_sink.sink.received == []
    assert [row.status for row in await letter_rows(database)] == [OutboxStatus.CANCELLED]


async def test_a_class_teachers_announcement_reaches_the_family_on_e_mail(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER)
    async with database.unit_of_work() as uow:
        sender = await sender_of(uow, TEACHER.id)
        assert sender is not None
        broadcast = await send_broadcast(
            uow, clock, i18n, sender, class_id=sender.classes[0].id,
            audience=Audience.GUARDIANS, text="Собрание в четверг в 18:00 <b>каб. 204</b>",
        )  # fmt: skip
    assert broadcast.recipients == 2  # the father in Telegram, the mother by letter
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    [letter] = smtp_sink.sink.received
    assert letter.recipients == [MOTHER]
    assert letter.header("Subject") == "Объявление: Смирнова Ольга Петровна"
    html = letter.message.get_body(("html",))
    assert html is not None
    assert "Собрание в четверг в 18:00 &lt;b&gt;каб. 204&lt;/b&gt;" in html.get_content()
    async with database.unit_of_work() as uow:
        sender = await sender_of(uow, TEACHER.id)
        assert sender is not None
        [figures] = await recent_broadcasts(uow, sender)
    assert (figures.recipients, figures.delivered, figures.waiting) == (2, 1, 1)


async def test_a_family_on_e_mail_gets_its_statement_as_a_pdf_instead_of_paper(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink
) -> None:
    setup = await report_school(database, clock)  # s5's parent consented, never linked
    await address(database, clock, setup.school, "g5", MOTHER)
    clock.set(FRIDAY)
    async with database.unit_of_work() as uow:
        assert await scheduled_statements(uow, clock, i18n, setup.school) == 3
        captions = (
            (
                await uow.session.execute(
                    select(OutboxMessage.payload).where(OutboxMessage.kind == "statements")
                )
            )
            .scalars()
            .all()
        )
    printed = " ".join(str(c.get("text", "")) for c in captions)
    assert "учеников без электронного дневника — 3" in printed  # 4 before: s5 is mailed
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    [letter] = smtp_sink.sink.received
    assert letter.recipients == [MOTHER]
    assert letter.header("Subject").startswith("Выписка об успеваемости: ")
    [pdf] = list(letter.message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    pages = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert "Ученик: Дмитриев Денис, класс 5А" in " ".join(pages.split())
    assert "Алексеев Антон" not in pages
    # The hourly re-run neither repeats nor regenerates it.
    clock.advance(timedelta(hours=1))
    async with database.unit_of_work() as uow:
        assert await scheduled_statements(uow, clock, i18n, setup.school) == 0
