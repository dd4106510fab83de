"""A linked parent gives an e-mail address in /settings (it counts only after the link sent
to it is confirmed with a POST; /privacy shows it meanwhile) and chooses the form of
delivery, on both databases, with the letter received by an in-process SMTP server."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.utils.i18n import I18n
from pydantic import HttpUrl
from sqlalchemy import select

from bot.app import build_dispatcher, build_web_app
from bot.handlers.contact_settings import AddressChoice, ChannelChoice, ContactMenu
from bot.services import Services
from db.database import Database
from db.models import AuditEvent, ContactForm, ContactRecord, DeliveryChannel, School
from tests.conftest import ClientFactory
from tests.diary_fixtures import button_texts, sent
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.mail_fixtures import PUBLIC_URL, RunningSink, mail_worker, send_all, smtp_sink
from tests.test_change_pushes import FATHER, family

__all__ = ["smtp_sink"]  # the fixture, used by name
LINK = re.compile(re.escape(PUBLIC_URL) + r"(/mail/confirm/[A-Za-z0-9._-]+)")


def with_public_url(services: Services) -> Services:
    return services.with_settings(public_url=HttpUrl(PUBLIC_URL))


async def history(database: Database) -> list[ContactRecord]:
    async with database.unit_of_work() as uow:
        result = await uow.session.execute(select(ContactRecord).order_by(ContactRecord.id))
        return list(result.scalars())


async def father_linked(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> tuple[School, BotConversation]:
    school = await family(dispatcher, bot, database, clock)
    return school, BotConversation(dispatcher, bot, FATHER)


async def open_menu(father: BotConversation) -> SendMessage:
    await father.send("/settings")
    return sent(await father.click(ContactMenu()))


def alert(calls: Sequence[object]) -> str:
    [answer] = [call for call in calls if isinstance(call, AnswerCallbackQuery)]
    return answer.text or ""


async def test_an_address_counts_only_after_its_link_is_confirmed_by_post(
    services: Services, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n,
    smtp_sink: RunningSink, client_for: ClientFactory,
) -> None:  # fmt: skip
    services = with_public_url(services)
    dispatcher = build_dispatcher(services)
    _school, father = await father_linked(dispatcher, bot, database, clock)
    shown = sent(await father.send("/settings"))
    assert button_texts(shown)[-1] == "✉️ Почта и форма доставки"
    menu = sent(await father.click(ContactMenu()))
    assert menu.text is not None
    assert "Адрес электронной почты: нет" in menu.text
    assert button_texts(menu) == [
        "✏️ Указать адрес", "Telegram", "Электронная почта",
        "Telegram и электронная почта", "Бумага",
    ]  # fmt: skip

    # E-mail cannot be chosen without a confirmed address: nothing recorded.
    refused = await father.click(ChannelChoice(channel="email"))
    assert alert(refused) == "Сначала укажите и подтвердите адрес электронной почты."
    assert await history(database) == []

    assert sent(await father.click(AddressChoice())).text == (
        "Пришлите адрес электронной почты одним сообщением (или /cancel)."
    )
    # A hostile or broken address is refused; the conversation waits for another.
    for bad in ("sergey@@example.ru", "sergey@example.ru\r\nBcc: x@evil.ru", "просто текст"):
        answer = sent(await father.send(bad))
        assert answer.text is not None
        assert answer.text.startswith("Это не похоже на адрес электронной почты")
    assert await history(database) == []
    answer = sent(await father.send("  Sergey.Ivanov@Example.RU "))
    assert answer.text is not None
    assert "Sergey.Ivanov@example.ru" in answer.text
    assert await history(database) == []  # not yet: it waits for the link

    report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
    assert report.sent == 1
    [letter] = smtp_sink.sink.received
    assert letter.recipients == ["Sergey.Ivanov@example.ru"]
    assert letter.header("Subject") == "МБОУ СОШ № 7: подтвердите адрес электронной почты"
    assert letter.message["List-Unsubscribe"] is None  # nothing to unsubscribe from yet
    plain = letter.message.get_body(("plain",))
    assert plain is not None
    found = LINK.search(plain.get_content())
    assert found is not None
    path = found.group(1)

    client = await client_for(build_web_app(services))
    for _ in range(2):  # a mail scanner opening the link confirms nothing
        page = await client.get(path)
        assert page.status == 200
        assert "Sergey.Ivanov@example.ru" in await page.text()
    assert await history(database) == []
    forged = await client.post(path[:-3] + "AAA")
    assert forged.status == 404
    assert await history(database) == []

    confirmed = await client.post(path)
    assert confirmed.status == 200
    [entry] = await history(database)
    assert (entry.email, entry.form, entry.channel) == (
        "Sergey.Ivanov@example.ru", ContactForm.BOT, None,
    )  # fmt: skip
    assert (await client.post(path)).status == 404  # single use
    assert len(await history(database)) == 1

    # Now e-mail can be chosen: an entry of form bot, the message redrawn.
    await open_menu(father)
    calls = await father.click(ChannelChoice(channel="both"))
    assert alert(calls) == "Сохранено"
    [edited] = [call for call in calls if isinstance(call, EditMessageText)]
    assert "✓ Telegram и электронная почта" in button_texts(edited)
    newest = (await history(database))[-1]
    assert (newest.email, newest.channel, newest.form) == (
        "Sergey.Ivanov@example.ru", DeliveryChannel.BOTH, ContactForm.BOT,
    )  # fmt: skip
    async with database.unit_of_work() as uow:
        actions = (await uow.session.execute(select(AuditEvent.action))).scalars().all()
    assert {"contact.recorded", "contact.channel_chosen"} <= set(actions)


async def test_the_old_address_stays_until_the_new_one_is_confirmed_and_links_expire(
    services: Services, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n,
    smtp_sink: RunningSink, client_for: ClientFactory,
) -> None:  # fmt: skip
    services = with_public_url(services)
    dispatcher = build_dispatcher(services)
    _school, father = await father_linked(dispatcher, bot, database, clock)
    client = await client_for(build_web_app(services))

    async def give(address: str) -> str:
        await open_menu(father)
        await father.click(AddressChoice())
        await father.send(address)
        await send_all(mail_worker(database, clock, i18n, smtp_sink))
        plain = smtp_sink.sink.received[-1].message.get_body(("plain",))
        assert plain is not None
        found = LINK.search(plain.get_content())
        assert found is not None
        return found.group(1)

    first = await give("old@example.ru")
    assert (await client.post(first)).status == 200
    second = await give("new@example.ru")
    third = await give("newer@example.ru")
    # Only the newest link works; until it is confirmed the old address is in use.
    assert (await client.get(second)).status == 404
    assert [entry.email for entry in await history(database)] == ["old@example.ru"]
    menu = await open_menu(father)
    assert menu.text is not None
    assert "Адрес электронной почты: old@example.ru" in menu.text
    assert "Ожидает подтверждения: newer@example.ru" in menu.text

    clock.advance(timedelta(hours=48, seconds=1))
    assert (await client.get(third)).status == 404
    assert (await client.post(third)).status == 404
    assert [entry.email for entry in await history(database)] == ["old@example.ru"]


async def test_the_choice_needs_a_linked_guardian_and_a_real_form(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    _school, father = await father_linked(dispatcher, bot, database, clock)
    await open_menu(father)
    assert alert(await father.forge(ChannelChoice(channel="pigeon"))) != ""
    stranger = BotConversation(dispatcher, bot, TelegramUser(id=9999, first_name="Кто"))
    await stranger.send("/start")
    answer = alert(await stranger.forge(ChannelChoice(channel="paper")))
    assert answer == (
        "Указать адрес электронной почты здесь может только привязанный родитель "
        "или совершеннолетний ученик."
    )
    assert await history(database) == []
    # Paper can be chosen without an address.
    await open_menu(father)
    assert alert(await father.click(ChannelChoice(channel="paper"))) == "Сохранено"
    [entry] = await history(database)
    assert (entry.channel, entry.email) == (DeliveryChannel.PAPER, None)


def texts(calls: Sequence[object]) -> list[str]:
    return [call.text for call in calls if isinstance(call, SendMessage)]


async def test_privacy_shows_an_address_while_it_awaits_confirmation(
    services: Services, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n,
    smtp_sink: RunningSink, client_for: ClientFactory,
) -> None:  # fmt: skip
    services = with_public_url(services)
    dispatcher = build_dispatcher(services)
    _school, father = await father_linked(dispatcher, bot, database, clock)
    client = await client_for(build_web_app(services))
    waiting = "Адрес электронной почты ожидает подтверждения"
    assert waiting not in texts(await father.send("/privacy"))[0]

    async def give(address: str) -> str:
        await open_menu(father)
        await father.click(AddressChoice())
        await father.send(address)
        await send_all(mail_worker(database, clock, i18n, smtp_sink))
        plain = smtp_sink.sink.received[-1].message.get_body(("plain",))
        assert plain is not None
        found = LINK.search(plain.get_content())
        assert found is not None
        return found.group(1)

    path = await give("sergey@example.ru")  # at 09:00 on 1 September, Moscow time
    shown = texts(await father.send("/privacy"))[0]
    assert f"{waiting} до 03.09 09:00: sergey@example.ru." in shown
    assert "Электронная почта для сообщений школы" not in shown  # nothing on record yet

    assert (await client.post(path)).status == 200
    shown = texts(await father.send("/privacy"))[0]
    assert waiting not in shown
    assert "Электронная почта для сообщений школы: sergey@example.ru (записана 01.09.2026)" in shown

    # A later address waits beside the one in use, until its link expires.
    clock.advance(timedelta(hours=5, minutes=30))
    await give("new@example.ru")
    shown = texts(await father.send("/privacy"))[0]
    assert f"{waiting} до 03.09 14:30: new@example.ru." in shown
    assert "sergey@example.ru (записана 01.09.2026)" in shown
    clock.advance(timedelta(hours=48))
    assert waiting not in texts(await father.send("/privacy"))[0]
