"""Risk alerts by e-mail for families whose form includes it, once per change of state per
guardian (the state is kept per guardian: a family on e-mail has no account); both databases."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from db.database import Database
from db.models import RiskAlertState
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot
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
    assert sorted((s.account_id is None, s.guardian_id is None) for s in states) == [
        (False, True), (True, False),
    ]  # fmt: skip
