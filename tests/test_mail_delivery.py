"""Letters through the outbox to an in-process SMTP server, on both databases: what
arrives (headers, both parts, encoding, attachment, unsubscribe header), one letter per
family per batch, 4xx retried, 5xx marking the address invalid, and who is never mailed
(withdrawn consent, a Telegram-only consent text, another agreed form)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from bot.config import Settings
from bot.mail.letter_parts import queue_part
from bot.mail.recipients import reachable_by_mail
from bot.mail.relay import parse_sender
from bot.presentation.rendered import Bold, Link, Rendered, paragraph
from db.database import Database
from db.models import (
    AuditEvent,
    ConsentForm,
    ConsentRecord,
    ConsentState,
    DeliveryChannel,
    Guardian,
    OutboxStatus,
    School,
)
from tests.doubles.clock import FakeClock
from tests.linking_fixtures import school_with_families
from tests.mail_fixtures import (
    PUBLIC_URL,
    RunningSink,
    address,
    grant,
    letter_rows,
    mail_worker,
    send_all,
    smtp_sink,
)

__all__ = ["smtp_sink"]  # the fixture, used by name
MOTHER_ADDRESS = "maria.ivanova@почта.рф"
MOTHER_ASCII = "maria.ivanova@xn--80a1acny.xn--p1ai"


async def guardian_id(database: Database, external_id: str) -> int:
    async with database.unit_of_work() as uow:
        result = await uow.session.execute(
            select(Guardian.id).where(Guardian.external_id == external_id)
        )
        return int(result.scalar_one())


async def mother_on_mail(database: Database, clock: FakeClock) -> tuple[School, int]:
    school = await school_with_families(database, clock)
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER_ADDRESS)
    return school, await guardian_id(database, "g1")


async def queue(
    database: Database, clock: FakeClock, school: School, person: int, key: str,
    subject: str = "Оценки: Иванов Пётр", **extra: Any,
) -> None:  # fmt: skip
    rendered = Rendered((
        paragraph("Математика: ", Bold("5"), " <b>не разметка</b>"),
        paragraph(Link("дневник", "https://diary.example.org/x"), " и ",
                  Link("зло", "javascript:1")),
    ))  # fmt: skip
    async with database.unit_of_work() as uow:
        await queue_part(
            uow, ("g", person), school_id=school.id, kind="grades", key=key, subject=subject,
            rendered=rendered, locale="ru", due_at=clock.now(), now=clock.now(), **extra,
        )  # fmt: skip
        await uow.commit()


async def test_a_letter_arrives_multipart_encoded_with_its_headers(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink
) -> None:
    school, mother = await mother_on_mail(database, clock)
    async with database.unit_of_work() as uow:
        stored = await uow.documents.add(
            school_id=school.id, kind="statement", filename="Выписка 5А.pdf",
            content_type="application/pdf", content=b"%PDF-1.4 test", now=clock.now(),
        )  # fmt: skip
        await uow.commit()
        document_id = stored.id
    await queue(database, clock, school, mother, "k1", document_id=document_id)
    report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
    assert report.sent == 1
    [received] = smtp_sink.sink.received
    assert received.recipients == [MOTHER_ASCII]
    assert received.sender == "diary@school7.example.ru"
    letter = received.message
    # Cyrillic subject and names arrive encoded and decode back to the same words.
    assert received.header("Subject") == "Оценки: Иванов Пётр"
    assert received.header("To") == f"Иванова Мария Николаевна <{MOTHER_ASCII}>"
    assert received.header("From") == "МБОУ СОШ № 7 <diary@school7.example.ru>"
    raw = letter.as_bytes().decode("ascii")  # every header line is ASCII on the wire
    assert "=?utf-8?" in raw
    assert letter["Message-ID"].startswith("<ediary.")
    assert letter["Message-ID"].endswith("@school7.example.ru>")
    assert letter["Auto-Submitted"] == "auto-generated"
    unsubscribe = received.header("List-Unsubscribe")
    assert unsubscribe.startswith(f"<{PUBLIC_URL}/mail/unsubscribe/unsub.g{mother}.")
    assert received.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    # Both parts say the same; the HTML escapes text and drops a javascript: link.
    assert letter.get_content_type() == "multipart/mixed"
    text = letter.get_body(("plain",))
    html = letter.get_body(("html",))
    assert text is not None
    assert html is not None
    plain, markup = text.get_content(), html.get_content()
    assert "Математика: 5 <b>не разметка</b>" in plain
    assert "дневник (https://diary.example.org/x)" in plain
    assert "Математика: <b>5</b> &lt;b&gt;не разметка&lt;/b&gt;" in markup
    assert '<a href="https://diary.example.org/x">дневник</a>' in markup
    assert "javascript:" not in markup
    assert "javascript:" not in plain
    assert f"{PUBLIC_URL}/mail/unsubscribe/" in plain
    assert f"{PUBLIC_URL}/mail/unsubscribe/" in markup
    [attachment] = list(letter.iter_attachments())
    assert attachment.get_filename() == "Выписка 5А.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.4 test"
    [row] = await letter_rows(database)
    assert (row.status, row.attempts, row.account_id) == (OutboxStatus.SENT, 1, None)


async def test_a_familys_parts_due_together_make_one_letter(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink
) -> None:
    school, mother = await mother_on_mail(database, clock)
    for key in ("a", "b", "c"):
        await queue(database, clock, school, mother, key, subject=f"Часть {key}")
    report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
    assert report.sent == 1
    [received] = smtp_sink.sink.received
    assert received.header("Subject") == ("МБОУ СОШ № 7: 3 сообщения из электронного дневника")
    body = received.message.get_body(("plain",))
    assert body is not None
    assert body.get_content().count("Математика: 5") == 3
    assert {row.status for row in await letter_rows(database)} == {OutboxStatus.SENT}


async def test_a_4xx_is_tried_again_later_and_then_sent(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink
) -> None:
    school, mother = await mother_on_mail(database, clock)
    await queue(database, clock, school, mother, "k")
    smtp_sink.sink.refuse[MOTHER_ASCII] = "451 4.3.0 try again later"
    worker = mail_worker(database, clock, i18n, smtp_sink)
    report = await send_all(worker)
    assert (report.sent, report.retried, report.refused) == (0, 1, 0)
    [row] = await letter_rows(database)
    assert row.status == OutboxStatus.PENDING
    assert row.attempts == 1
    assert row.last_error is not None
    assert row.last_error.startswith("451")
    assert row.due_at > clock.now()
    del smtp_sink.sink.refuse[MOTHER_ASCII]
    clock.advance(timedelta(minutes=5))
    assert (await send_all(worker)).sent == 1
    assert len(smtp_sink.sink.received) == 1


async def test_a_5xx_marks_the_address_invalid_and_nothing_more_goes_to_it(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink
) -> None:
    school, mother = await mother_on_mail(database, clock)
    await queue(database, clock, school, mother, "k")
    smtp_sink.sink.refuse[MOTHER_ASCII] = "550 5.1.1 no such mailbox"
    report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
    assert (report.sent, report.dead, report.refused) == (0, 1, 1)
    [row] = await letter_rows(database)
    assert row.status == OutboxStatus.DEAD
    assert row.last_error == "address refused: 550 5.1.1 no such mailbox"
    async with database.unit_of_work() as uow:
        current = await uow.contacts.current(guardian_id=mother)
        assert current is not None
        assert current.email == MOTHER_ADDRESS  # kept on record, marked
        assert current.invalid_reason == "550 5.1.1 no such mailbox"
        assert current.recorded_by == "system:mail"
        assert await reachable_by_mail(uow, [("g", mother)], clock.now()) == {}
        actions = (await uow.session.execute(select(AuditEvent.action))).scalars().all()
        assert "contact.address_refused" in actions
    await queue(database, clock, school, mother, "later")
    report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
    assert (report.sent, report.cancelled) == (0, 1)
    # A new address from the family counts again.
    await address(database, clock, school, "g1", "maria@example.ru")
    await queue(database, clock, school, mother, "after")
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    assert smtp_sink.sink.received[-1].recipients == ["maria@example.ru"]


async def test_withdrawal_and_another_form_stop_the_letters_waiting(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink
) -> None:
    school, mother = await mother_on_mail(database, clock)
    await queue(database, clock, school, mother, "before-paper")
    await address(database, clock, school, "g1", MOTHER_ADDRESS, DeliveryChannel.PAPER)
    report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
    assert (report.sent, report.cancelled) == (0, 1)
    await address(database, clock, school, "g1", MOTHER_ADDRESS, DeliveryChannel.EMAIL)
    await queue(database, clock, school, mother, "before-withdrawal")
    await grant(database, clock, school, "g1", ConsentState.WITHDRAWN)
    report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
    assert (report.sent, report.cancelled) == (0, 1)
    assert smtp_sink.sink.received == []
    assert {row.status for row in await letter_rows(database)} == {OutboxStatus.CANCELLED}


async def test_a_consent_of_the_telegram_only_text_does_not_allow_e_mail(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink
) -> None:
    school, mother = await mother_on_mail(database, clock)
    async with database.unit_of_work() as uow:
        # A family that consented to the 2026-11 text, which names no e-mail.
        uow.linking.add_consent(
            ConsentRecord(
                school_id=school.id, guardian_id=mother, state=ConsentState.GRANTED,
                form=ConsentForm.PAPER, text_version="2026-11", text_hash="0" * 64,
                recorded_by="test", recorded_at=clock.now(),
            )
        )  # fmt: skip
        await uow.commit()
        assert await reachable_by_mail(uow, [("g", mother)], clock.now()) == {}
    await queue(database, clock, school, mother, "k")
    report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
    assert (report.sent, report.cancelled) == (0, 1)
    assert smtp_sink.sink.received == []


async def test_the_telegram_worker_never_claims_a_letter(
    database: Database, clock: FakeClock
) -> None:
    school, mother = await mother_on_mail(database, clock)
    await queue(database, clock, school, mother, "k")
    async with database.unit_of_work() as uow:
        claimed = await uow.outbox.claim(
            worker="telegram", now=clock.now(), lease_until=clock.now(), limit=10
        )
        await uow.commit()
    assert claimed == []
    [row] = await letter_rows(database)
    assert row.status == OutboxStatus.PENDING


async def test_replies_go_to_mail_reply_to_when_it_is_set(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink
) -> None:
    school, mother = await mother_on_mail(database, clock)
    await queue(database, clock, school, mother, "r1")
    await send_all(mail_worker(database, clock, i18n, smtp_sink))
    await queue(database, clock, school, mother, "r2")
    office = parse_sender("Канцелярия школы № 7 <office@school7.example.ru>")
    await send_all(mail_worker(database, clock, i18n, smtp_sink, reply_to=office))
    first, second = smtp_sink.sink.received
    assert first.message["Reply-To"] is None  # replies reach MAIL_FROM's mailbox
    assert second.header("Reply-To") == "Канцелярия школы № 7 <office@school7.example.ru>"


def test_mail_reply_to_is_checked_like_the_sender() -> None:
    with pytest.raises(ValueError, match="line break"):
        Settings(mail_reply_to="office@school.ru\r\nBcc: x@evil.ru")
    assert Settings(mail_reply_to="office@school.ru").mail_reply_to == "office@school.ru"
