"""Risk alerts by e-mail for families whose form includes it, once per change of state per
guardian (the state is kept per guardian: a family on e-mail has no account); both databases."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from db.database import Database
from db.models import ConsentState, DeliveryChannel, RiskAlertState
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot
from tests.linking_fixtures import school_with_families
from tests.mail_fixtures import RunningSink, address, grant, mail_worker, send_all, smtp_sink
from tests.test_change_pushes import deliver, family, sync
from tests.test_risk_alerts import alerts, marks

__all__ = ["smtp_sink"]  # the fixture, used by name
MOTHER = "maria@example.ru"


async def test_a_family_on_e_mail_gets_the_risk_alert_once_by_letter(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school = await family(dispatcher, bot, database, clock)  # the father in Telegram
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER)  # the mother: e-mail only
    await sync(database, clock, school, marks("a", "2", "2", "3"))
    assert await alerts(database, clock, i18n, school) == 2  # the father's and the mother's
    assert await alerts(database, clock, i18n, school) == 0  # the same state: quiet for both
    [text] = await deliver(database, bot, clock)
    assert text.startswith("⚠️ <b>Математика: Иванов Пётр Сергеевич — есть риск</b>")
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    [letter] = smtp_sink.sink.received
    assert letter.recipients == [MOTHER]
    assert letter.header("Subject") == "Предмет требует внимания"
    plain = letter.message.get_body(("plain",))
    assert plain is not None
    content = plain.get_content()
    assert "Математика: Иванов Пётр Сергеевич — есть риск" in content
    assert "Оценки: 2, 2, 3" in content
    async with database.unit_of_work() as uow:
        states = list((await uow.session.execute(select(RiskAlertState))).scalars())
        s2 = await uow.linking.student(school.id, "s2")
    assert s2 is not None
    # The mother's other child (s2, no link of its own) is followed for her too.
    assert sorted((s.account_id is None, s.guardian_id is None, s.student_id == s2.id)
                  for s in states) == [(False, True, False), (True, False, False),
                                       (True, False, True)]  # fmt: skip


async def test_a_family_entirely_on_e_mail_gets_risk_alerts_without_any_link(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school = await school_with_families(database, clock)  # nobody linked in Telegram
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER)
    await sync(database, clock, school, marks("a", "2", "2", "3"))
    assert await alerts(database, clock, i18n, school) == 1
    assert await alerts(database, clock, i18n, school) == 0  # the same state: quiet
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    [letter] = smtp_sink.sink.received
    assert letter.recipients == [MOTHER]
    plain = letter.message.get_body(("plain",))
    assert plain is not None
    assert "Математика: Иванов Пётр Сергеевич — есть риск" in plain.get_content()
    async with database.unit_of_work() as uow:
        states = list((await uow.session.execute(select(RiskAlertState))).scalars())
        g1 = await uow.linking.guardian(school.id, "g1")
        s1 = await uow.linking.student(school.id, "s1")
    assert g1 is not None
    assert s1 is not None
    [state] = [s for s in states if s.student_id == s1.id]
    assert (state.account_id, state.guardian_id, state.state) == (None, g1.id, "failing")
    # Recovered, then slipping again: a letter each time the state turns bad.
    clock.advance(timedelta(hours=1))
    await sync(database, clock, school, marks("b", "5", "5", "5"))
    assert await alerts(database, clock, i18n, school) == 0  # a recovery is not alerted
    clock.advance(timedelta(hours=1))
    await sync(database, clock, school, marks("c", *["2"] * 15))
    assert await alerts(database, clock, i18n, school) == 1


async def test_an_address_alone_is_not_enough_for_a_risk_alert(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school = await school_with_families(database, clock)  # s1's guardians: g1 and g2
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER, DeliveryChannel.PAPER)  # paper agreed
    await grant(database, clock, school, "g2")
    await address(database, clock, school, "g2", "sergey@example.ru")
    await grant(database, clock, school, "g2", ConsentState.WITHDRAWN)
    await sync(database, clock, school, marks("a", "2", "2", "3"))
    assert await alerts(database, clock, i18n, school) == 0
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 0
    assert smtp_sink.sink.received == []
    async with database.unit_of_work() as uow:
        assert list((await uow.session.execute(select(RiskAlertState))).scalars()) == []
