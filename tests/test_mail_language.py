"""Letters in the family's language: the linked account's when it chose one, else Russian
(a family known only by its address chose none); the news, and the paper statement's letter
with its PDF; on both databases."""

from __future__ import annotations

import io
from datetime import timedelta

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from pypdf import PdfReader

from bot.handlers.language import LanguageChoice
from bot.reports.delivery import scheduled_statements
from db.database import Database
from db.models import DeliveryChannel, TelegramAccount
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.mail_fixtures import (
    Received,
    RunningSink,
    address,
    grant,
    mail_worker,
    send_all,
    smtp_sink,
)
from tests.reports_fixtures import PARENT_S1, report_school
from tests.test_change_pushes import FATHER, deliver, family, grade, run_job, sync

__all__ = ["smtp_sink"]  # the fixture, used by name
MOTHER = "maria@example.ru"
FATHER_MAIL = "sergey@example.ru"


async def test_each_family_reads_its_letter_in_its_own_language(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school = await family(dispatcher, bot, database, clock)  # the father g2 in Telegram
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send("/settings")
    await father.click(LanguageChoice(code="en"))
    await address(database, clock, school, "g2", FATHER_MAIL, DeliveryChannel.EMAIL)
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER)  # not in Telegram: Russian

    bot.session.clear()
    await sync(database, clock, school, {"grades": [grade("n1", "5")]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 2
    assert await deliver(database, bot, clock) == []  # the father chose e-mail only
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 2
    letters = {letter.recipients[0]: letter for letter in smtp_sink.sink.received}
    assert letters[FATHER_MAIL].header("Subject") == "New marks"
    assert letters[MOTHER].header("Subject") == "Новые оценки"
    english = letters[FATHER_MAIL].message.get_body(("html",))
    assert english is not None
    assert '<html lang="en">' in english.get_content()
    plain = letters[FATHER_MAIL].message.get_body(("plain",))
    assert plain is not None
    assert "New marks: " in plain.get_content()


def pdf_text(letter: Received) -> str:
    [pdf] = list(letter.message.iter_attachments())
    pages = PdfReader(io.BytesIO(pdf.get_content())).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


async def test_the_paper_statement_comes_in_the_familys_language(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    setup = await report_school(database, clock)  # s5's parent (g5) never linked: Russian
    # s1's parent chose English in the bot, then blocked it: s1 needs a statement again,
    # and the family gets it by e-mail.
    parent = BotConversation(dispatcher, bot, TelegramUser(id=PARENT_S1, first_name="Анна"))
    await parent.send("/settings")
    await parent.click(LanguageChoice(code="en"))
    async with database.unit_of_work() as uow:
        account = await uow.accounts.by_telegram_user(PARENT_S1)
        assert isinstance(account, TelegramAccount)
        account.is_active = False
        await uow.commit()
    await address(database, clock, setup.school, "g1", "anna@example.ru", DeliveryChannel.EMAIL)
    await address(database, clock, setup.school, "g5", MOTHER)
    async with database.unit_of_work() as uow:
        await scheduled_statements(uow, clock, i18n, setup.school)
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 2
    letters = {letter.recipients[0]: letter for letter in smtp_sink.sink.received}

    english = letters["anna@example.ru"]
    assert english.header("Subject").startswith("Statement of grades: Алексеев Антон, ")
    body = english.message.get_body(("plain",))
    assert body is not None
    assert "instead of the paper one handed out at school" in body.get_content()
    assert "Student: Алексеев Антон, class 5А" in pdf_text(english)
    russian = letters[MOTHER]
    assert russian.header("Subject").startswith("Выписка об успеваемости: Дмитриев Денис, ")
    assert "Ученик: Дмитриев Денис, класс 5А" in pdf_text(russian)
    # The hourly re-run neither repeats nor regenerates either.
    clock.advance(timedelta(hours=1))
    async with database.unit_of_work() as uow:
        assert await scheduled_statements(uow, clock, i18n, setup.school) == 0
