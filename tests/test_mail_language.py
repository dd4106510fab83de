"""Letters in the family's language: the linked account's when it chose one, else Russian
(a family known only by its address chose none); on both databases."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n

from bot.handlers.language import LanguageChoice
from db.database import Database
from db.models import DeliveryChannel
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.mail_fixtures import RunningSink, address, grant, mail_worker, send_all, smtp_sink
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
