"""Replies to letters reach the class teacher as the Telegram relay does, and the teacher's
answer goes back by letter (issue 17, item 4), on both databases: real replies sent with
aiosmtplib to the running receiver, the teacher's side through the real Dispatcher and the
recording bot, the letters through the mail worker to the aiosmtpd sink."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr

import aiosmtplib
import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from sqlalchemy import func, select

from bot.mail.inbound import MAX_MESSAGE, InboundMail, ReplyReceiver
from bot.mail.relay import parse_sender
from bot.mail.reply_addresses import REPLY_VALID, ReplyAddresses
from bot.mail.worker import MailWorker
from bot.teachers.buttons import RelayReply
from db.database import Database
from db.models import ConsentState, Guardian, OutboxMessage, RelayThread, School
from tests.conftest import SECRET_KEY
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
from tests.mail_fixtures import (
    SENDER,
    Received,
    RunningSink,
    address,
    grant,
    mail_worker,
    send_all,
    smtp_sink,
)
from tests.test_change_pushes import FATHER, sync

__all__ = ["smtp_sink"]  # the fixture, used by name
MOTHER = "maria@example.ru"
REPLIES = ReplyAddresses(parse_sender(SENDER), SECRET_KEY)
FROM_MOTHER = "✉️ <b>Сообщение от Иванова Мария Николаевна, родитель: {children} (5А)</b>\n"
BY_LETTER = "📧 Ответ на письмо: ваш ответ уйдёт семье по электронной почте.\n\n"
BOTH_CHILDREN = "Иванов Пётр Сергеевич, Петрова Анна Игоревна"


@pytest.fixture
async def receiver(database: Database, clock: FakeClock, i18n: I18n) -> AsyncIterator[int]:
    """The receiver listening on a free port of 127.0.0.1; its port."""
    inbound = InboundMail(ReplyReceiver(database, clock, i18n, REPLIES), "127.0.0.1", 0)
    await inbound.start()
    yield inbound.port
    await inbound.close()


def replying(database: Database, clock: FakeClock, i18n: I18n, sink: RunningSink) -> MailWorker:
    return mail_worker(database, clock, i18n, sink, replies=REPLIES)


def reply(to: str, text: str, *, html: str | None = None, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Мария <{MOTHER}>"
    message["To"] = to
    message["Subject"] = "Re: Итоговые оценки"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if html is None:
        message.set_content(text)
    else:
        message.set_content(html, subtype="html")
    return message.as_bytes(policy=policy.SMTP)


async def smtp(
    port: int, recipient: str, content: bytes, *, sender: str = MOTHER,
    options: list[str] | None = None,
) -> tuple[int, str]:  # fmt: skip
    """Send one message as a mail server would; the receiver's first refusal, or its
    answer to the message."""
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=10)
    await client.connect()
    try:
        await client.mail(sender, options=options)
        await client.rcpt(recipient)
        answer = await client.data(content)
    except aiosmtplib.SMTPResponseException as refused:
        return refused.code, refused.message
    finally:
        await client.quit()
    return answer.code, answer.message


async def mother_with_letter(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, sink: RunningSink,
) -> tuple[School, BotConversation, str]:  # fmt: skip
    """The father (g2) in Telegram, the mother (g1) on e-mail with her final grades' letter
    sent; the class teacher linked. The letter's reply address."""
    school, _father, teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER)
    await publish(database, clock, i18n, school, [final("f1", "math", "5")])
    await deliver_all(database, bot, clock)
    assert (await send_all(replying(database, clock, i18n, sink))).sent == 1
    [letter] = sink.sink.received
    return school, teacher, parseaddr(letter.header("Reply-To"))[1]


async def relay_rows(database: Database) -> int:
    async with database.unit_of_work() as uow:
        count = select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "relay")
        return int((await uow.session.execute(count)).scalar_one())


async def guardian_id(database: Database, external_id: str) -> int:
    async with database.unit_of_work() as uow:
        query = select(Guardian.id).where(Guardian.external_id == external_id)
        return int((await uow.session.execute(query)).scalar_one())


def thread_of(message: SendMessage) -> int:
    assert isinstance(message.reply_markup, InlineKeyboardMarkup)
    button = message.reply_markup.inline_keyboard[0][0]
    assert button.text == "↩️ Ответить"
    assert button.callback_data is not None
    return RelayReply.unpack(button.callback_data).thread


def plain(letter: Received) -> str:
    body = letter.message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def answer_letter(answer: Received, thread: int, clock: FakeClock) -> str:
    """Check the letter carrying the teacher's answer; its reply address."""
    assert answer.recipients == [MOTHER]
    assert answer.header("From") == SENDER
    assert answer.header("To") == f"Иванова Мария Николаевна <{MOTHER}>"
    assert answer.header("Subject") == "Ответ классного руководителя: Смирнова Ольга Петровна"
    assert answer.header("Auto-Submitted") == "auto-generated"
    thread_address = parseaddr(answer.header("Reply-To"))[1]
    assert REPLIES.subject_of(thread_address, clock.now()) == f"t{thread}"
    assert plain(answer).startswith(
        "✉️ Ответ классного руководителя: Смирнова Ольга Петровна\nИванов Пётр Сергеевич\n\n"
        "В четверг в 18:00, <b>кабинет 12</b>\n"
    )
    html = answer.message.get_body(("html",))
    assert html is not None
    assert "В четверг в 18:00, &lt;b&gt;кабинет 12&lt;/b&gt;" in html.get_content()
    assert str(TEACHER.id).encode() not in answer.raw
    assert "Ответить" not in plain(answer)  # the Telegram button is not in a letter
    return thread_address


async def test_a_reply_reaches_the_class_teacher_and_the_answer_goes_back_by_letter(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, receiver: int,
) -> None:  # fmt: skip
    _school, teacher, reply_to = await mother_with_letter(
        dispatcher, bot, database, clock, i18n, smtp_sink
    )
    assert REPLIES.subject_of(reply_to, clock.now()) == f"g{await guardian_id(database, 'g1')}"
    assert len(reply_to.split("@")[0]) <= 64
    assert "Ответ на это письмо получит классный руководитель." in plain(smtp_sink.sink.received[0])
    quoted = (
        "Спасибо, всё видим.\nКогда собрание?\n\nOn Thu, 3 Dec 2026 at 12:00, МБОУ СОШ № 7 <\n"
        f"{reply_to}> wrote:\n> Итоговые оценки: Иванов Пётр Сергеевич\n> Математика: 5\n"
    )
    assert await smtp(receiver, reply_to, reply(reply_to, quoted)) == (
        250, "2.0.0 Passed to the class teacher"
    )  # fmt: skip
    [to_teacher] = sent_to(await deliver_all(database, bot, clock), TEACHER.id)
    assert to_teacher.text == (
        FROM_MOTHER.format(children=BOTH_CHILDREN) + BY_LETTER
        + "Спасибо, всё видим.\nКогда собрание?"
    )  # fmt: skip
    assert MOTHER not in to_teacher.text
    thread = thread_of(to_teacher)

    await teacher.click(RelayReply(thread=thread))
    sent = await teacher.send("В четверг в 18:00, <b>кабинет 12</b>")
    assert [m.text for m in sent if isinstance(m, SendMessage)] == [
        "Отправлено. Ответ придёт сюда."
    ]
    assert sent_to(await deliver_all(database, bot, clock), FATHER.id) == []
    assert (await send_all(replying(database, clock, i18n, smtp_sink))).sent == 1
    thread_address = answer_letter(smtp_sink.sink.received[1], thread, clock)

    # A reply to the answer continues the same conversation.
    assert (await smtp(receiver, thread_address, reply(thread_address, "Придём.")))[0] == 250
    [again] = sent_to(await deliver_all(database, bot, clock), TEACHER.id)
    assert again.text == (
        FROM_MOTHER.format(children="Иванов Пётр Сергеевич") + BY_LETTER + "Придём."
    )
    assert thread_of(again) == thread


async def test_forged_changed_expired_and_foreign_addresses_are_refused(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, receiver: int,
) -> None:  # fmt: skip
    _school, _teacher, reply_to = await mother_with_letter(
        dispatcher, bot, database, clock, i18n, smtp_sink
    )
    local, domain = reply_to.split("@")
    base, token = local.split("+")
    kind_id, expiry, mac = token.split(".")
    other = "g" + str(int(kind_id[1:], 36) + 1)
    refused = {
        f"{base}+{other}.{expiry}.{mac}@{domain}": 550,  # another family's
        f"{base}+{kind_id}.{expiry}.{'a' * 20}@{domain}": 550,  # a made-up MAC
        f"{base}@{domain}": 550,  # the plain mailbox
        "someone@example.org": 550,  # relaying: never
        f"{local}@example.org": 550,
    }
    for recipient, code in refused.items():
        answer = await smtp(receiver, recipient, reply(recipient, "Взлом"))
        assert answer[0] == code, (recipient, answer)
    relaying = await smtp(receiver, "someone@example.org", reply("x@example.org", "x"))
    assert relaying[1].startswith("5.7.1 Relaying denied")
    clock.advance(REPLY_VALID + timedelta(days=1))
    expired = await smtp(receiver, reply_to, reply(reply_to, "Поздно"))
    assert expired == (550, "5.1.1 No such reply address (it is wrong or has expired)")
    assert await relay_rows(database) == 0
    assert sent_to(await deliver_all(database, bot, clock), TEACHER.id) == []


async def test_bounces_auto_replies_and_empty_replies_are_dropped(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, receiver: int,
) -> None:  # fmt: skip
    _school, _teacher, reply_to = await mother_with_letter(
        dispatcher, bot, database, clock, i18n, smtp_sink
    )
    dropped = "2.0.0 Automatic message dropped"
    bounce = await smtp(receiver, reply_to, reply(reply_to, "Undeliverable"), sender="")
    assert bounce == (250, dropped)
    for headers in ({"Auto_Submitted": "auto-replied"}, {"Precedence": "bulk"},
                    {"Precedence": "junk"}, {"X_Autoreply": "yes"}):  # fmt: skip
        message = reply(reply_to, "Я в отпуске до 10 января", **headers)
        assert await smtp(receiver, reply_to, message) == (250, dropped), headers
    only_quote = reply(reply_to, "\nOn Thu, Школа wrote:\n> Итоговые оценки\n")
    assert await smtp(receiver, reply_to, only_quote) == (
        250, "2.0.0 Nothing written above the quoted letter; nothing passed on"
    )  # fmt: skip
    assert await relay_rows(database) == 0
    assert sent_to(await deliver_all(database, bot, clock), TEACHER.id) == []


async def test_huge_and_too_long_replies_are_refused(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, receiver: int,
) -> None:  # fmt: skip
    _school, _teacher, reply_to = await mother_with_letter(
        dispatcher, bot, database, clock, i18n, smtp_sink
    )
    huge = reply(reply_to, ("Очень длинное письмо. " * 40 + "\n") * 1200)
    assert len(huge) > MAX_MESSAGE
    code, _message = await smtp(receiver, reply_to, huge)
    assert code == 552
    announced = await smtp(receiver, reply_to, b"x", options=[f"SIZE={MAX_MESSAGE + 1}"])
    assert announced[0] == 552
    too_long = reply(reply_to, "слово " * 700)
    assert await smtp(receiver, reply_to, too_long) == (
        550, "5.3.4 The reply is too long: at most 3500 characters, please"
    )  # fmt: skip
    assert await relay_rows(database) == 0


async def test_html_only_and_koi8_replies_are_read_as_text(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, receiver: int,
) -> None:  # fmt: skip
    _school, _teacher, reply_to = await mother_with_letter(
        dispatcher, bot, database, clock, i18n, smtp_sink
    )
    html = (
        "<html><body><p>Добрый&nbsp;день!</p><p>Будем <b>в&nbsp;четверг</b>.</p>"
        "<script>alert('x')</script><div class=gmail_quote>On Thu, Школа wrote:"
        "<blockquote>Итоговые оценки</blockquote></div></body></html>"
    )
    assert (await smtp(receiver, reply_to, reply(reply_to, "", html=html)))[0] == 250
    subject = base64.b64encode("Re: запрос".encode("koi8-r")).decode()
    body = "Спасибо, получили.\nВопрос по русскому языку.\n\n> цитата\n".encode("koi8-r")
    koi8 = (
        f"From: {MOTHER}\r\nTo: {reply_to}\r\nSubject: =?koi8-r?b?{subject}?=\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=koi8-r\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + base64.encodebytes(body).replace(b"\n", b"\r\n")
    assert (await smtp(receiver, reply_to, koi8))[0] == 250
    first, second = sent_to(await deliver_all(database, bot, clock), TEACHER.id)
    head = FROM_MOTHER.format(children=BOTH_CHILDREN) + BY_LETTER
    assert first.text == head + "Добрый день!\n\nБудем в четверг."
    assert second.text == head + "Спасибо, получили.\nВопрос по русскому языку."
    assert thread_of(first) == thread_of(second)  # one conversation per family and teacher


async def test_a_withdrawn_consent_or_an_unlinked_child_stops_the_conversation(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, receiver: int,
) -> None:  # fmt: skip
    school, teacher, reply_to = await mother_with_letter(
        dispatcher, bot, database, clock, i18n, smtp_sink
    )
    assert (await smtp(receiver, reply_to, reply(reply_to, "Вопрос")))[0] == 250
    [to_teacher] = sent_to(await deliver_all(database, bot, clock), TEACHER.id)
    thread = thread_of(to_teacher)
    unavailable = (550, "5.1.1 This address no longer takes replies; please contact the school")

    await grant(database, clock, school, "g1", ConsentState.WITHDRAWN)
    assert await smtp(receiver, reply_to, reply(reply_to, "Ещё вопрос")) == unavailable
    await teacher.click(RelayReply(thread=thread))
    refused = await teacher.send("Ответ")
    assert [m.text for m in refused if isinstance(m, SendMessage)] == [
        "Эта семья больше не может получать сообщения по электронной почте."
    ]
    assert await relay_rows(database) == 1  # the first message only

    # Consent again, but the journal no longer names her the children's guardian.
    await grant(database, clock, school, "g1")
    guardian = {"external_id": "g1", "full_name": "Иванова Мария Николаевна", "student_ids": []}
    await sync(database, clock, school, {"guardians": [guardian]})
    assert await smtp(receiver, reply_to, reply(reply_to, "Ещё вопрос")) == unavailable
    thread_address = REPLIES.address_for(f"t{thread}", clock.now()).addr_spec
    assert await smtp(receiver, thread_address, reply(thread_address, "Ещё")) == unavailable
    assert await relay_rows(database) == 1
    assert sent_to(await deliver_all(database, bot, clock), TEACHER.id) == []
    async with database.unit_of_work() as uow:
        threads = (await uow.session.execute(select(RelayThread))).scalars().all()
    assert [(t.family_account_id, t.messages) for t in threads] == [(None, 1)]
