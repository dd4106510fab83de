"""The final-grade reminder by letter: once, after the school's delay, with the signed
acknowledgement link; on both databases."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n

from bot.finals.reminders import remind_unacknowledged
from db.database import Database
from db.models import School
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot
from tests.mail_fixtures import RunningSink, mail_worker, send_all, smtp_sink
from tests.test_mail_finals import ack_path, mailed_grades

__all__ = ["smtp_sink"]  # the fixture, used by name


async def remind(database: Database, clock: FakeClock, i18n: I18n, school: School) -> int:
    async with database.unit_of_work() as uow:
        fresh = await uow.session.get(School, school.id)
        assert fresh is not None
        return await remind_unacknowledged(uow, clock, i18n, fresh)


async def test_a_family_on_e_mail_is_reminded_once_by_letter_with_the_link(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school, letter = await mailed_grades(dispatcher, bot, database, clock, i18n, smtp_sink)
    first_link = ack_path(letter)
    clock.advance(timedelta(days=1))
    await remind(database, clock, i18n, school)
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 0  # early
    clock.advance(timedelta(days=3))
    await remind(database, clock, i18n, school)
    await remind(database, clock, i18n, school)  # once only
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    reminder = smtp_sink.sink.received[-1]
    assert reminder.recipients == ["maria@example.ru"]
    assert reminder.header("Subject").startswith("Итоговые оценки: ")
    plain = reminder.message.get_body(("plain",))
    assert plain is not None
    assert "Напоминание: итоговые оценки" in plain.get_content()
    assert ack_path(reminder).split(".")[:2] == first_link.split(".")[:2]  # the same notice
