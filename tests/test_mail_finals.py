"""Final grades by e-mail end to end, on both databases: published, mailed to the family
on e-mail, acknowledged through the signed link (a GET never records, the POST does, a
forged or expired link does nothing), counted in the class teacher's summary; one-click
unsubscribing; an address refused in the 24-hour report."""

from __future__ import annotations

import re
from datetime import timedelta

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from bot.app import build_web_app
from bot.finals.guarantee import undelivered_families
from bot.finals.standing import FamilyState
from bot.finals.summary import class_lines
from bot.finals.undelivered import Reason
from bot.services import Services
from db.database import Database
from db.models import (
    AuditEvent,
    DeliveryChannel,
    FinalGradeAck,
    FinalGradeNotice,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
    School,
)
from tests.conftest import ClientFactory
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot
from tests.finals_fixtures import TEACHER, deliver_all, final, publish, school_with_teacher
from tests.mail_fixtures import (
    PUBLIC_URL,
    Received,
    RunningSink,
    address,
    grant,
    letter_rows,
    mail_worker,
    send_all,
    smtp_sink,
)

__all__ = ["smtp_sink"]
MOTHER = "maria@example.ru"


async def mailed_grades(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, sink: RunningSink,
) -> tuple[School, Received]:  # fmt: skip
    """The father (g2) in Telegram, the mother (g1) on e-mail; final grades published and
    the letter sent."""
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER)
    await publish(database, clock, i18n, school, [final("f1", "math", "5")])
    await deliver_all(database, bot, clock)
    assert (await send_all(mail_worker(database, clock, i18n, sink))).sent == 1
    [letter] = sink.sink.received
    return school, letter


def ack_path(letter: Received) -> str:
    body = letter.message.get_body(("plain",))
    assert body is not None
    found = re.search(re.escape(PUBLIC_URL) + r"(/mail/ack/\S+)", body.get_content())
    assert found is not None
    return found.group(1)


async def acks(database: Database) -> list[str]:
    async with database.unit_of_work() as uow:
        return list((await uow.session.execute(select(FinalGradeAck.via))).scalars())


async def mother_line(database: Database, school: School) -> FamilyState:
    async with database.unit_of_work() as uow:
        notice = (
            await uow.session.execute(
                select(FinalGradeNotice).where(FinalGradeNotice.channel == OutboxChannel.EMAIL)
            )
        ).scalar_one()
        student = await uow.mail.student(notice.student_id)
        assert student is not None
        lines = await class_lines(uow, student.class_id, notice.period_id)
    [line] = [line for line in lines if line.guardian == "Иванова Мария Николаевна"]
    return line.state


async def test_final_grades_by_letter_are_acknowledged_only_by_the_pages_button(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, services: Services, client_for: ClientFactory,
) -> None:  # fmt: skip
    school, letter = await mailed_grades(dispatcher, bot, database, clock, i18n, smtp_sink)
    assert letter.recipients == [MOTHER]
    assert letter.header("Subject").startswith("Итоговые оценки: Иванов Пётр Сергеевич, ")
    html = letter.message.get_body(("html",))
    assert html is not None
    assert "Открыть и подтвердить" in html.get_content()
    assert await mother_line(database, school) == FamilyState.WAITING
    client = await client_for(build_web_app(services))
    path = ack_path(letter)

    # Opening the link (as a mail scanner would) shows the grades and records nothing.
    for _ in range(2):
        page = await client.get(path)
        assert page.status == 200
        text = await page.text()
        assert "Итоговые оценки: Иванов Пётр Сергеевич" in text
        assert "Ознакомлен(а)" in text
        assert '<form method="post"' in text
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    assert await acks(database) == []
    assert await mother_line(database, school) == FamilyState.WAITING

    clock.advance(timedelta(hours=1))
    pressed = await client.post(path)
    assert pressed.status == 200
    assert "Ознакомление подтверждено" in await pressed.text()
    assert await client.post(path) is not None  # pressing again records nothing more
    assert await acks(database) == ["email"]
    assert await mother_line(database, school) == FamilyState.ACKNOWLEDGED
    async with database.unit_of_work() as uow:
        events = (
            (
                await uow.session.execute(
                    select(AuditEvent).where(AuditEvent.action == "final_grades.acknowledged")
                )
            )
            .scalars()
            .all()
        )
    assert [(e.details["channel"], e.details["via"]) for e in events] == [("email", "link")]

    # The class teacher's summary counts it like a Telegram acknowledgement.
    from tests.finals_fixtures import summaries

    assert await summaries(database, clock, i18n, school) == 1
    requests = await deliver_all(database, bot, clock)
    texts = [
        getattr(r, "text", "") or "" for r in requests if getattr(r, "chat_id", 0) == TEACHER.id
    ]
    assert any("Ознакомлены: 1 из 2" in text for text in texts)


async def test_a_forged_or_expired_link_shows_and_records_nothing(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, services: Services, client_for: ClientFactory,
) -> None:  # fmt: skip
    _school, letter = await mailed_grades(dispatcher, bot, database, clock, i18n, smtp_sink)
    client = await client_for(build_web_app(services))
    path = ack_path(letter)
    head, mac = path.rsplit(".", 1)
    forged_mac = f"{head}.{('A' if mac[0] != 'A' else 'B')}{mac[1:]}"
    purpose, subject, expiry = head.removeprefix("/mail/ack/").split(".")
    other_notice = f"/mail/ack/{purpose}.g{int(subject[1:]) + 1}.{expiry}.{mac}"
    later = f"/mail/ack/{purpose}.{subject}.{int(expiry) + 86400}.{mac}"
    unsubscribe_as_ack = "/mail/ack/unsub" + path.removeprefix("/mail/ack/ack")
    for wrong in (forged_mac, other_notice, later, unsubscribe_as_ack, "/mail/ack/x"):
        for method in (client.get, client.post):
            answer = await method(wrong)
            assert answer.status == 404, wrong
            assert "Ссылка недействительна" in await answer.text()
    assert await acks(database) == []
    clock.advance(timedelta(days=400))  # long after the period: the link has expired
    assert (await client.get(path)).status == 404
    assert (await client.post(path)).status == 404
    assert await acks(database) == []


async def test_one_click_unsubscribe_switches_the_family_and_tells_the_class_teacher(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, services: Services, client_for: ClientFactory,
) -> None:  # fmt: skip
    school, letter = await mailed_grades(dispatcher, bot, database, clock, i18n, smtp_sink)
    url = letter.header("List-Unsubscribe").strip("<>")
    path = url.removeprefix(PUBLIC_URL)
    client = await client_for(build_web_app(services))
    shown = await client.get(path)  # a GET only asks
    assert shown.status == 200
    assert "Отписаться" in await shown.text()
    answer = await client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status == 200
    assert "на бумаге" in await answer.text()
    async with database.unit_of_work() as uow:
        mother = await uow.linking.guardian(school.id, "g1")
        assert mother is not None
        current = await uow.contacts.current(guardian_id=mother.id)
        assert current is not None
        assert (current.email, current.channel) == (MOTHER, DeliveryChannel.PAPER)
        told = (
            (
                await uow.session.execute(
                    select(OutboxMessage).where(OutboxMessage.kind == "mail_notice")
                )
            )
            .scalars()
            .all()
        )
    assert len(told) == 1
    assert "нажал(а) «отписаться»" in told[0].payload["text"]
    # Nothing more is mailed to her; pressing again changes nothing.
    await publish(database, clock, i18n, school, [final("f1", "math", "4")])
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 0
    assert (await client.post(path)).status == 200
    async with database.unit_of_work() as uow:
        notices = select(OutboxMessage).where(OutboxMessage.kind == "mail_notice")
        again = (await uow.session.execute(notices)).scalars().all()
    assert len(again) == 1
    forged = await client.post(path[:-2] + ("AA" if not path.endswith("AA") else "BB"))
    assert forged.status == 404


async def test_an_address_refused_is_the_reason_in_the_24_hour_report(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER)
    smtp_sink.sink.refuse[MOTHER] = "550 5.1.1 user unknown"
    await publish(database, clock, i18n, school, [final("f1", "math", "5")])
    await deliver_all(database, bot, clock)
    report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
    assert (report.sent, report.refused) == (0, 1)
    [row] = await letter_rows(database)
    assert row.status == OutboxStatus.DEAD
    clock.advance(timedelta(hours=25))
    async with database.unit_of_work() as uow:
        items = await undelivered_families(uow, school, clock.now())
    reasons = {item.guardian: (item.reason, item.error) for item in items}
    assert reasons["Иванова Мария Николаевна"] == (
        Reason.ADDRESS_INVALID,
        "address refused: 550 5.1.1 user unknown",
    )
    # The class teacher heard of the refused address at once.
    requests = await deliver_all(database, bot, clock)
    texts = [
        getattr(r, "text", "") or "" for r in requests if getattr(r, "chat_id", 0) == TEACHER.id
    ]
    assert any("окончательно отклонил адрес Иванова Мария Николаевна" in t for t in texts)
