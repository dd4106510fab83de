"""Which pushes go by e-mail, by the family's effective form (bot/contacts/channels.py),
on both databases: the daily news of marks to a family on e-mail, none in Telegram when a
linked family chose e-mail, both when both were chosen, and nothing after a withdrawal."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n

from db.database import Database
from db.models import ConsentState, DeliveryChannel, OutboxStatus
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot
from tests.mail_fixtures import (
    RunningSink,
    address,
    grant,
    letter_rows,
    mail_worker,
    send_all,
    smtp_sink,
)
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
