"""An adult student's letters end to end (issue 17), on both databases: a reply to her
letter reaches the class teacher as the student's message and the teacher's answer goes
back to her by letter; a minor's reply address is refused; the unsubscribe and letter
settings links of her letters act on her own contact data."""

from __future__ import annotations

import re
from datetime import date
from email.utils import parseaddr

from aiogram import Dispatcher
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from bot.app import build_web_app
from bot.contacts.mail_preferences import evening_brief_chosen
from bot.presentation.letter_settings import ON
from bot.services import Services
from bot.teachers.buttons import RelayReply
from db.database import Database
from db.models import DeliveryChannel, OutboxChannel, OutboxMessage, RelayThread, School
from tests.conftest import ClientFactory
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.finals_fixtures import (
    TEACHER,
    deliver_all,
    final,
    publish,
    school_with_teacher,
    sent_to,
)
from tests.linking_fixtures import born
from tests.mail_fixtures import (
    PUBLIC_URL,
    Received,
    RunningSink,
    grant_own,
    mail_worker,
    own_address,
    send_all,
    smtp_sink,
)
from tests.test_mail_replies import (
    BY_LETTER,
    REPLIES,
    plain,
    receiver,
    reply,
    replying,
    smtp,
    thread_of,
)

__all__ = ["receiver", "smtp_sink"]  # the fixtures, used by name
ANNA_MAIL = "anna@example.ru"
ANNA_NAME = "Петрова Анна Игоревна"
FROM_ANNA = f"✉️ <b>Сообщение от ученика: {ANNA_NAME} (5А)</b>\n"


async def anna_with_letter(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, sink: RunningSink,
) -> tuple[School, BotConversation, int, Received]:  # fmt: skip
    """Anna (s2), 18, not in the bot: her consent and address recorded by the school, her
    final grades' letter sent; the class teacher linked."""
    school, _father, teacher = await school_with_teacher(dispatcher, bot, database, clock)
    anna_id = await born(database, school, "s2", date(2008, 9, 1))
    await grant_own(database, clock, school, "s2")
    await own_address(database, clock, school, "s2", ANNA_MAIL)
    await publish(database, clock, i18n, school, [final("f1", "math", "5", student="s2")])
    assert (await send_all(replying(database, clock, i18n, sink))).sent == 1
    [letter] = sink.sink.received
    assert letter.recipients == [ANNA_MAIL]
    return school, teacher, anna_id, letter


async def test_her_reply_reaches_the_class_teacher_and_the_answer_comes_by_letter(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, receiver: int,
) -> None:  # fmt: skip
    _school, teacher, anna_id, letter = await anna_with_letter(
        dispatcher, bot, database, clock, i18n, smtp_sink
    )
    reply_to = parseaddr(letter.header("Reply-To"))[1]
    assert REPLIES.subject_of(reply_to, clock.now()) == f"s{anna_id}"
    assert "Ответ на это письмо получит классный руководитель." in plain(letter)
    sent = await smtp(receiver, reply_to, reply(reply_to, "Можно пересдать?\n\n> Математика: 5"))
    assert sent == (250, "2.0.0 Passed to the class teacher")
    [to_teacher] = sent_to(await deliver_all(database, bot, clock), TEACHER.id)
    assert to_teacher.text == FROM_ANNA + BY_LETTER + "Можно пересдать?"
    assert ANNA_MAIL not in to_teacher.text
    thread = thread_of(to_teacher)
    async with database.unit_of_work() as uow:
        stored = await uow.session.get(RelayThread, thread)
        assert stored is not None
        assert (stored.channel, stored.guardian_id, stored.student_id) == (
            OutboxChannel.EMAIL, None, anna_id,
        )  # fmt: skip

    await teacher.click(RelayReply(thread=thread))
    answered = await teacher.send("Да, в четверг")
    assert [m.text for m in answered if isinstance(m, SendMessage)] == [
        "Отправлено. Ответ придёт сюда."
    ]
    assert (await send_all(replying(database, clock, i18n, smtp_sink))).sent == 1
    answer = smtp_sink.sink.received[1]
    assert answer.recipients == [ANNA_MAIL]
    assert answer.header("To") == f"{ANNA_NAME} <{ANNA_MAIL}>"
    assert answer.header("Subject") == "Ответ классного руководителя: Смирнова Ольга Петровна"
    assert "Да, в четверг" in plain(answer)
    thread_address = parseaddr(answer.header("Reply-To"))[1]
    assert REPLIES.subject_of(thread_address, clock.now()) == f"t{thread}"
    # Her reply to the answer continues the same conversation.
    assert (await smtp(receiver, thread_address, reply(thread_address, "Спасибо")))[0] == 250
    [again] = sent_to(await deliver_all(database, bot, clock), TEACHER.id)
    assert again.text == FROM_ANNA + BY_LETTER + "Спасибо"
    assert thread_of(again) == thread


async def test_a_minor_cannot_write_by_letter(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    receiver: int,
) -> None:  # fmt: skip
    """A reply address that names a minor (whose address the school recorded by mistake)
    is refused like any address that may not write: the answer could not go back."""
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    minor = await born(database, school, "s1", date(2015, 3, 14))
    await grant_own(database, clock, school, "s1")
    await own_address(database, clock, school, "s1", "petr@example.ru", DeliveryChannel.EMAIL)
    address = REPLIES.address_for(f"s{minor}", clock.now()).addr_spec
    answer = await smtp(receiver, address, reply(address, "Здравствуйте"))
    assert answer[0] == 550
    assert sent_to(await deliver_all(database, bot, clock), TEACHER.id) == []


async def test_her_unsubscribe_and_letter_settings_links_act_on_her_own_data(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, services: Services, client_for: ClientFactory,
) -> None:  # fmt: skip
    school, _teacher, anna_id, letter = await anna_with_letter(
        dispatcher, bot, database, clock, i18n, smtp_sink
    )
    client = await client_for(build_web_app(services))
    found = re.search(re.escape(PUBLIC_URL) + r"(/mail/settings/[A-Za-z0-9._-]+)", plain(letter))
    assert found is not None
    shown = await client.get(found.group(1))
    assert shown.status == 200
    assert ANNA_NAME in await shown.text()
    saved = await client.post(found.group(1), data={"evening_brief": ON})
    assert saved.status == 200
    async with database.unit_of_work() as uow:
        assert await evening_brief_chosen(uow, ("s", anna_id))

    path = letter.header("List-Unsubscribe").strip("<>").removeprefix(PUBLIC_URL)
    answer = await client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status == 200
    assert "на бумаге" in await answer.text()  # she is not in the bot
    async with database.unit_of_work() as uow:
        current = await uow.contacts.current(student_id=anna_id)
        assert current is not None
        assert (current.email, current.channel) == (ANNA_MAIL, DeliveryChannel.PAPER)
        told = select(OutboxMessage.payload).where(OutboxMessage.kind == "mail_notice")
        [notice] = (await uow.session.execute(told)).scalars().all()
    assert f"{ANNA_NAME} ({ANNA_NAME}, 5А) нажал(а) «отписаться»" in notice["text"]
    await publish(database, clock, i18n, school, [final("f1", "math", "4", student="s2")])
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 0
