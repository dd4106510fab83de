"""A student linked to themself who is 18 or older (by the journal's date of birth, on the
school's date) gives, confirms and changes their own address in /settings and chooses their
form of delivery, as their own contact data, under their own consent; a minor, or a student
without a date of birth, is told why not and nothing changes. On both databases."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.utils.i18n import I18n
from pydantic import HttpUrl
from sqlalchemy import func, select

from bot.app import build_dispatcher, build_web_app
from bot.contacts.own_subjects import adulthood, is_adult
from bot.handlers.contact_settings import AddressChoice, ChannelChoice, ContactMenu
from bot.handlers.language import LanguageChoice
from bot.linking.issuing import record_consent
from bot.services import Services
from db.database import Database
from db.models import (
    AuditEvent,
    ConsentForm,
    ConsentState,
    ContactForm,
    ContactRecord,
    DeliveryChannel,
    EmailConfirmation,
    OutboxChannel,
    OutboxMessage,
)
from tests.conftest import ClientFactory
from tests.diary_fixtures import button_texts, sent
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.finals_fixtures import link
from tests.linking_fixtures import born, school_with_families
from tests.mail_fixtures import PUBLIC_URL, RunningSink, mail_worker, send_all, smtp_sink

__all__ = ["smtp_sink"]  # the fixture, used by name
LINK = re.compile(re.escape(PUBLIC_URL) + r"(/mail/confirm/[A-Za-z0-9._-]+)")
PETR = TelegramUser(id=5001, first_name="Пётр")
ANNA = TelegramUser(id=5002, first_name="Анна")
MINOR = (
    "Вам ещё нет 18 лет, поэтому письма электронного дневника школа отправляет на адрес "
    "ваших родителей. Указать свой адрес здесь можно будет, когда вам исполнится 18."
)
NO_BIRTH_DATE = (
    "В школе не записана ваша дата рождения, поэтому письма электронного дневника приходят "
    "на адрес ваших родителей. Если вам уже исполнилось 18, попросите школу внести дату "
    "рождения."
)


def test_adulthood_comes_on_the_eighteenth_birthday() -> None:
    assert is_adult(date(2008, 9, 1), date(2026, 9, 1))
    assert not is_adult(date(2008, 9, 2), date(2026, 9, 1))
    assert not is_adult(None, date(2040, 1, 1))
    # Born on 29 February: the last day of February in a common year (Civil Code art. 192).
    assert adulthood(date(2008, 2, 29)) == date(2026, 2, 28)
    assert adulthood(date(2012, 2, 29)) == date(2030, 2, 28)
    assert adulthood(date(2014, 2, 28)) == date(2032, 2, 28)


async def history(database: Database) -> list[ContactRecord]:
    async with database.unit_of_work() as uow:
        result = await uow.session.execute(select(ContactRecord).order_by(ContactRecord.id))
        return list(result.scalars())


async def requests_and_letters(database: Database) -> tuple[int, int]:
    async with database.unit_of_work() as uow:
        requests = await uow.session.scalar(select(func.count()).select_from(EmailConfirmation))
        letters = await uow.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.channel == OutboxChannel.EMAIL)
        )
    return int(requests or 0), int(letters or 0)


def alert(calls: Sequence[object]) -> str:
    [answer] = [call for call in calls if isinstance(call, AnswerCallbackQuery)]
    return answer.text or ""


def texts(calls: Sequence[object]) -> list[str]:
    return [call.text for call in calls if isinstance(call, SendMessage)]


async def test_an_adult_student_gives_confirms_and_changes_their_own_address(
    services: Services, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n,
    smtp_sink: RunningSink, client_for: ClientFactory,
) -> None:  # fmt: skip
    services = services.with_settings(public_url=HttpUrl(PUBLIC_URL))
    dispatcher = build_dispatcher(services)
    school = await school_with_families(database, clock)
    petr_id = await born(database, school, "s1", date(2008, 9, 1))  # 18 today, 1 September
    petr = await link(dispatcher, bot, database, clock, school, PETR, "student", "s1")
    await petr.send("/settings")
    await petr.click(LanguageChoice(code="en"))
    shown = sent(await petr.send("/settings"))
    assert button_texts(shown)[-1] == "✉️ E-mail and form of delivery"
    menu = sent(await petr.click(ContactMenu()))
    assert menu.text is not None
    assert "E-mail address: none" in menu.text
    await petr.click(AddressChoice())
    answer = sent(await petr.send("Petr@Example.RU"))
    assert answer.text is not None
    assert "Petr@example.ru" in answer.text
    assert await history(database) == []  # not before the link is opened

    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    [letter] = smtp_sink.sink.received
    assert letter.recipients == ["Petr@example.ru"]
    assert "Иванов Пётр Сергеевич" in letter.header("To")
    assert letter.header("Subject") == "МБОУ СОШ № 7: confirm your e-mail address"
    plain = letter.message.get_body(("plain",))
    assert plain is not None
    found = LINK.search(plain.get_content())
    assert found is not None
    client = await client_for(build_web_app(services))
    page = await client.get(found.group(1), headers={"Accept-Language": "ru"})
    text = await page.text()
    assert (page.status, '<html lang="en">' in text) == (200, True)  # his language, not ru
    assert "Confirm the e-mail address" in text
    confirmed = await client.post(found.group(1))
    assert confirmed.status == 200
    assert "is now on record" in await confirmed.text()
    [entry] = await history(database)
    assert (entry.student_id, entry.guardian_id, entry.email, entry.form) == (
        petr_id, None, "Petr@example.ru", ContactForm.BOT,
    )  # fmt: skip

    # His form of delivery: an entry of his own; the parents' contact data are untouched.
    sent(await petr.send("/settings"))
    sent(await petr.click(ContactMenu()))
    assert alert(await petr.click(ChannelChoice(channel="email"))) == "Saved"
    newest = (await history(database))[-1]
    assert (newest.student_id, newest.guardian_id, newest.channel, newest.email) == (
        petr_id, None, DeliveryChannel.EMAIL, "Petr@example.ru",
    )  # fmt: skip
    async with database.unit_of_work() as uow:
        subjects = (
            await uow.session.execute(
                select(AuditEvent.subject_type, AuditEvent.subject_id).where(
                    AuditEvent.action.in_(("contact.recorded", "contact.channel_chosen"))
                )
            )
        ).all()
    assert set(subjects) == {("student", petr_id)}

    # A new address waits for its own link; /privacy shows it beside the one in use.
    sent(await petr.send("/settings"))
    sent(await petr.click(ContactMenu()))
    await petr.click(AddressChoice())
    await petr.send("petr.new@example.ru")
    privacy = texts(await petr.send("/privacy"))[0]
    assert "messages: Petr@example.ru (recorded 01.09.2026)." in privacy
    # Asked at 09:00 on 1 September in Moscow: the link works 48 hours.
    assert "E-mail awaiting confirmation until 03.09 09:00: petr.new@example.ru." in privacy
    assert all(entry.guardian_id is None for entry in await history(database))


async def test_a_minor_or_a_student_without_a_birth_date_is_told_why_not(
    services: Services, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    dispatcher = build_dispatcher(services.with_settings(public_url=HttpUrl(PUBLIC_URL)))
    school = await school_with_families(database, clock)  # s1 born 14.03.2015, s2: no date
    minor = await link(dispatcher, bot, database, clock, school, PETR, "student", "s1")
    undated = await link(dispatcher, bot, database, clock, school, ANNA, "student", "s2")
    for chat, why in ((minor, MINOR), (undated, NO_BIRTH_DATE)):
        shown = sent(await chat.send("/settings"))
        assert button_texts(shown)[-1] == "✉️ Почта и форма доставки"
        assert alert(await chat.click(ContactMenu())) == why
        # Buttons it was never shown, sent by a tampering client: the same answer.
        assert alert(await chat.forge(AddressChoice())) == why
        for channel in ("email", "paper"):
            assert alert(await chat.forge(ChannelChoice(channel=channel))) == why
    assert await history(database) == []
    assert await requests_and_letters(database) == (0, 0)

    # A day short of 18 is still a minor.
    await born(database, school, "s1", date(2008, 9, 2))
    await minor.send("/settings")
    assert alert(await minor.click(ContactMenu())) == MINOR
    assert await history(database) == []


async def test_adulthood_is_counted_on_the_schools_date(
    services: Services, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 8, 31, 20, 0, tzinfo=UTC))  # 23:00 on 31 August in Moscow
    chat_dispatcher = build_dispatcher(services)
    school = await school_with_families(database, clock)
    await born(database, school, "s1", date(2008, 9, 1))
    petr = await link(chat_dispatcher, bot, database, clock, school, PETR, "student", "s1")
    await petr.send("/settings")
    assert alert(await petr.click(ContactMenu())) == MINOR
    # 00:30 on 1 September in Moscow, still 31 August in UTC: 18 at the school.
    clock.advance(timedelta(hours=1, minutes=30))
    await petr.send("/settings")
    menu = sent(await petr.click(ContactMenu()))
    assert menu.text is not None
    assert "Адрес электронной почты: нет" in menu.text


async def test_an_adult_students_address_needs_their_own_granted_consent(
    services: Services, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n,
    smtp_sink: RunningSink,
) -> None:  # fmt: skip
    dispatcher = build_dispatcher(services.with_settings(public_url=HttpUrl(PUBLIC_URL)))
    school = await school_with_families(database, clock)
    await born(database, school, "s1", date(2000, 1, 1))
    petr = await link(dispatcher, bot, database, clock, school, PETR, "student", "s1")

    async def give(address: str) -> str:
        await petr.send("/settings")
        await petr.click(ContactMenu())
        await petr.click(AddressChoice())
        answer = sent(await petr.send(address))
        assert answer.text is not None
        return answer.text

    assert "petr@example.ru" in await give("petr@example.ru")
    assert await requests_and_letters(database) == (1, 1)

    async def withdraw() -> None:
        async with database.unit_of_work() as uow:
            await record_consent(
                uow, clock, school, guardian_ref=None, student_ref="s1",
                state=ConsentState.WITHDRAWN, form=ConsentForm.PAPER, document_ref="№ 3",
                actor="test",
            )  # fmt: skip

    # The school records his withdrawal on paper: the waiting letter is not sent, and a new
    # address is not taken.
    await withdraw()
    report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
    assert (report.sent, smtp_sink.sink.received) == (0, [])
    refused = await give("other@example.ru")
    assert refused == "Контактные данные хранятся только при данном согласии."
    assert await requests_and_letters(database) == (1, 1)
    assert await history(database) == []
