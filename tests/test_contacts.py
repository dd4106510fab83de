"""The contact register on both databases: append-only history under a granted consent,
refusals that change nothing, /privacy, and erasure 30 days after a withdrawal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage
from sqlalchemy import func, select

from bot.contacts.register import ContactError, record_contact, remove_contact
from bot.handlers.linking import ConsentChoice, WithdrawStep
from bot.linking.erasure import erase_withdrawn_accounts
from bot.linking.issuing import record_consent
from db.database import Database
from db.models import (
    AuditEvent,
    ConsentForm,
    ConsentState,
    ContactForm,
    ContactRecord,
    DeliveryChannel,
    School,
)
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.linking_fixtures import issue, school_with_families

FATHER = TelegramUser(id=5002, first_name="Сергей")


async def consent(
    database: Database, clock: FakeClock, school: School, state: ConsentState, **person: str
) -> None:
    async with database.unit_of_work() as uow:
        await record_consent(
            uow, clock, school, guardian_ref=person.get("guardian"),
            student_ref=person.get("student"), state=state, form=ConsentForm.PAPER,
            document_ref=None, actor="test",
        )  # fmt: skip


async def set_contact(
    database: Database,
    clock: FakeClock,
    school: School,
    *,
    guardian: str | None = "g2",
    student: str | None = None,
    email: str | None = None,
    channel: DeliveryChannel | None = None,
    document: str | None = None,
) -> None:
    async with database.unit_of_work() as uow:
        await record_contact(
            uow, clock, school, guardian_ref=guardian, student_ref=student, email=email,
            channel=channel, form=ContactForm.PAPER, document_ref=document, actor="cli:secretary",
        )  # fmt: skip


async def history(database: Database) -> list[tuple[str | None, str | None, str | None]]:
    async with database.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(ContactRecord.email, ContactRecord.channel, ContactRecord.document_ref)
            .order_by(ContactRecord.id)
        )  # fmt: skip
        return [(email, channel.value if channel else None, document) for email, channel,
                document in rows.all()]  # fmt: skip


async def audit_count(database: Database) -> int:
    async with database.unit_of_work() as uow:
        return int((await uow.session.execute(select(func.count(AuditEvent.id)))).scalar_one())


async def test_the_history_is_appended_and_the_newest_entry_is_current(
    database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    await consent(database, clock, school, ConsentState.GRANTED, guardian="g2")
    await set_contact(database, clock, school, email="Sergey@Mail.RU", document="№ 14")
    clock.advance(timedelta(days=1))
    await set_contact(database, clock, school, channel=DeliveryChannel.BOTH, document="№ 15")
    clock.advance(timedelta(days=1))
    await set_contact(database, clock, school, email="s.ivanov@почта.рф")
    async with database.unit_of_work() as uow:
        guardian = await uow.linking.guardian(school.id, "g2")
        assert guardian is not None
        current = await uow.contacts.current(guardian_id=guardian.id)
        actions = list(
            (await uow.session.execute(
                select(AuditEvent.details).where(AuditEvent.action.like("contact.%"))
            )).scalars()
        )  # fmt: skip
    assert await history(database) == [
        ("Sergey@mail.ru", None, "№ 14"),
        ("Sergey@mail.ru", "both", "№ 15"),  # the address stays when only the form changes
        ("s.ivanov@почта.рф", "both", None),  # and the form when only the address does
    ]
    assert current is not None
    assert (current.email, current.recorded_by) == ("s.ivanov@почта.рф", "cli:secretary")
    assert len(actions) == 3
    assert all("@" not in str(details) for details in actions)  # never in the audit trail


async def test_removal_is_an_entry_and_cannot_be_repeated(
    database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    await consent(database, clock, school, ConsentState.GRANTED, guardian="g2")
    await set_contact(
        database, clock, school, email="sergey@mail.ru", channel=DeliveryChannel.EMAIL
    )
    async with database.unit_of_work() as uow:
        removed = await remove_contact(uow, clock, school, guardian_ref="g2", student_ref=None,
                                       document_ref="№ 20", actor="test")  # fmt: skip
    assert (removed.email, removed.channel) == (None, DeliveryChannel.EMAIL)
    before = await audit_count(database)
    async with database.unit_of_work() as uow:
        with pytest.raises(ContactError, match="no e-mail address on record"):
            await remove_contact(uow, clock, school, guardian_ref="g2", student_ref=None,
                                 document_ref=None, actor="test")  # fmt: skip
    assert await history(database) == [("sergey@mail.ru", "email", None), (None, "email", "№ 20")]
    assert await audit_count(database) == before


@pytest.mark.parametrize(
    ("state", "expected"),
    [(None, "no consent on record"), (ConsentState.REFUSED, "refused"),
     (ConsentState.WITHDRAWN, "withdrawn")],
)  # fmt: skip
async def test_no_address_without_a_granted_consent(
    database: Database, clock: FakeClock, state: ConsentState | None, expected: str
) -> None:
    school = await school_with_families(database, clock)
    if state is not None:
        await consent(database, clock, school, ConsentState.GRANTED, guardian="g2")
        await consent(database, clock, school, state, guardian="g2")
    before = await audit_count(database)
    with pytest.raises(ContactError, match=expected):
        await set_contact(database, clock, school, email="sergey@mail.ru")
    assert await history(database) == []
    assert await audit_count(database) == before


@pytest.mark.parametrize(
    ("person", "values", "expected"),
    [
        ({"guardian": "g2"}, {"email": "sergey@mail.ru\r\nBcc: x@evil.example"},
         "control character"),
        ({"guardian": "g2"}, {"email": "sergey"}, "exactly one @"),
        ({"guardian": "g2"}, {}, "give the address"),
        ({"guardian": "g2"}, {"channel": DeliveryChannel.EMAIL}, "no e-mail address on record"),
        ({"guardian": "g2"}, {"channel": DeliveryChannel.BOTH}, "no e-mail address on record"),
        ({"guardian": "g2"}, {"email": "a@b.ru", "document": "№ 1\nforged"}, "control character"),
        ({"guardian": "g2"}, {"email": "a@b.ru", "document": "№" * 201}, "longer than 200"),
        ({"guardian": "g2", "student": "s1"}, {"email": "a@b.ru"}, "not both"),
        ({"guardian": None}, {"email": "a@b.ru"}, "name the person"),
        ({"guardian": "nobody"}, {"email": "a@b.ru"}, "no guardian 'nobody'"),
        ({"guardian": None, "student": "nobody"}, {"email": "a@b.ru"}, "no student 'nobody'"),
    ],
)  # fmt: skip
async def test_bad_input_is_refused_and_changes_nothing(
    database: Database,
    clock: FakeClock,
    person: dict[str, str | None],
    values: dict[str, object],
    expected: str,
) -> None:
    school = await school_with_families(database, clock)
    await consent(database, clock, school, ConsentState.GRANTED, guardian="g2")
    before = await audit_count(database)
    with pytest.raises(ContactError, match=expected):
        await set_contact(database, clock, school, **person, **values)  # type: ignore[arg-type]
    assert await history(database) == []
    assert await audit_count(database) == before


async def test_an_adult_student_records_their_own_address(
    database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    await consent(database, clock, school, ConsentState.GRANTED, student="s2")
    await set_contact(database, clock, school, guardian=None, student="s2", email="anna@mail.ru")
    async with database.unit_of_work() as uow:
        row = (await uow.session.execute(select(ContactRecord))).scalar_one()
        student = await uow.linking.student(school.id, "s2")
    assert student is not None
    assert (row.guardian_id, row.student_id, row.email) == (None, student.id, "anna@mail.ru")


async def test_addresses_are_erased_30_days_after_a_withdrawal(
    database: Database, clock: FakeClock
) -> None:
    """The family never linked Telegram: erasure follows the consent, not an account."""
    school = await school_with_families(database, clock)
    for guardian in ("g1", "g2"):
        await consent(database, clock, school, ConsentState.GRANTED, guardian=guardian)
    await set_contact(database, clock, school, guardian="g1", email="maria@mail.ru")
    await set_contact(database, clock, school, email="old@mail.ru", document="№ 14")
    await set_contact(database, clock, school, email="new@mail.ru", document="№ 15")
    await consent(database, clock, school, ConsentState.WITHDRAWN, guardian="g2")

    clock.advance(timedelta(days=29))
    async with database.unit_of_work() as uow:
        await erase_withdrawn_accounts(uow, clock)
    assert [email for email, _, _ in await history(database)] == [
        "maria@mail.ru", "old@mail.ru", "new@mail.ru"
    ]  # fmt: skip
    clock.advance(timedelta(days=2))
    async with database.unit_of_work() as uow:
        await erase_withdrawn_accounts(uow, clock)
        erased_at = list((await uow.session.execute(
            select(ContactRecord.erased_at).order_by(ContactRecord.id))).scalars())  # fmt: skip
        audit = (await uow.session.execute(
            select(AuditEvent.details).where(AuditEvent.action == "contacts.erased"))
        ).scalar_one()  # fmt: skip
    # Every address of the one who withdrew, the current and the earlier; the entries stay.
    assert await history(database) == [
        ("maria@mail.ru", None, None), (None, None, "№ 14"), (None, None, "№ 15")
    ]  # fmt: skip
    assert [at is not None for at in erased_at] == [False, True, True]
    assert audit == {"entries": 2}
    async with database.unit_of_work() as uow:
        await erase_withdrawn_accounts(uow, clock)  # idempotent
        events = (await uow.session.execute(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "contacts.erased"))
        ).scalar_one()  # fmt: skip
    assert events == 1


async def test_consent_granted_again_keeps_the_address(
    database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    await consent(database, clock, school, ConsentState.GRANTED, guardian="g2")
    await set_contact(database, clock, school, email="sergey@mail.ru")
    await consent(database, clock, school, ConsentState.WITHDRAWN, guardian="g2")
    clock.advance(timedelta(days=1))
    await consent(database, clock, school, ConsentState.GRANTED, guardian="g2")
    clock.advance(timedelta(days=40))
    async with database.unit_of_work() as uow:
        await erase_withdrawn_accounts(uow, clock)
    assert await history(database) == [("sergey@mail.ru", None, None)]


def texts(calls: Sequence[object]) -> list[str]:
    return [call.text for call in calls if isinstance(call, SendMessage)]


async def test_privacy_shows_the_addresses_and_withdrawal_erases_them(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    code = (await issue(database, clock, school, "guardian", "g2"))[0]
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send(code.compact)
    await father.click(ConsentChoice(agree=True))
    await set_contact(database, clock, school, email="old@mail.ru")
    clock.advance(timedelta(days=1))
    await set_contact(database, clock, school, email="s@почта.рф", channel=DeliveryChannel.BOTH)

    shown = texts(await father.send("/privacy"))[0]
    assert "Электронная почта для сообщений школы: s@почта.рф (записана 02.09.2026)" in shown
    assert "Согласованная форма доставки: Telegram и электронная почта." in shown
    assert "Прежний адрес электронной почты в истории контактов: old@mail.ru." in shown

    await father.click(WithdrawStep(step="ask"))
    await father.click(WithdrawStep(step="confirm"))
    clock.advance(timedelta(days=31))
    async with database.unit_of_work() as uow:
        assert await erase_withdrawn_accounts(uow, clock) == 1
    assert [email for email, _, _ in await history(database)] == [None, None]
