"""An in-process SMTP server (aiosmtpd on this test's event loop) that keeps what it
receives and refuses the recipients it is told to, and the mail worker pointed at it."""

from __future__ import annotations

import asyncio
import email
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from typing import Any

import pytest
from aiogram.utils.i18n import I18n
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from bot.contacts.register import record_contact
from bot.linking.issuing import record_consent
from bot.mail.relay import MailRelay, parse_sender, parse_smtp_url
from bot.mail.worker import MailReport, MailWorker
from db.database import Database
from db.models import (
    ConsentForm,
    ConsentState,
    ContactForm,
    DeliveryChannel,
    OutboxChannel,
    OutboxMessage,
    School,
)
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock
from tests.doubles.fake_time import FakeTime

PUBLIC_URL = "https://diary.example.org"
SENDER = "МБОУ СОШ № 7 <diary@school7.example.ru>"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    raw: bytes

    def header(self, name: str) -> str:
        """A header decoded by RFC 2047's rule, as mail programs decode it: whitespace
        between two encoded words is dropped. (Python's newer parser keeps a space there
        when a long name was folded in the middle of a word, which readers never show.)"""
        value = email.message_from_bytes(self.raw, policy=policy.compat32)[name]
        return str(make_header(decode_header(value))) if value is not None else ""


@dataclass
class SmtpSink:
    """aiosmtpd's handler: keeps the letters; ``refuse`` maps an address to the reply its
    RCPT gets (e.g. ``550 5.1.1 no such user``)."""

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str,
        rcpt_options: list[str],
    ) -> str:  # fmt: skip
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = email.message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(
            Received(str(envelope.mail_from), list(envelope.rcpt_tos), message, content)
        )
        return "250 Message accepted"


@dataclass
class RunningSink:
    sink: SmtpSink
    port: int

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
async def smtp_sink() -> AsyncIterator[RunningSink]:
    sink = SmtpSink()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="sink.test", loop=loop), "127.0.0.1", 0
    )
    port = server.sockets[0].getsockname()[1]
    yield RunningSink(sink, port)
    server.close()
    await server.wait_closed()


def mail_worker(
    database: Database, clock: FakeClock, i18n: I18n, sink: RunningSink, **changes: Any
) -> MailWorker:
    fake = FakeTime()
    worker = MailWorker(
        database=database,
        relay=MailRelay(parse_smtp_url(sink.url)),
        clock=clock,
        i18n=i18n,
        secret_key=SECRET_KEY,
        sender=parse_sender(SENDER),
        public_url=PUBLIC_URL,
        sleep=fake.sleep,
        monotonic=fake.monotonic,
    )
    return replace(worker, **changes)


async def send_all(worker: MailWorker) -> MailReport:
    """Passes until nothing is due; the reports added up."""
    total = MailReport()
    try:
        while True:
            report = await worker.deliver_due()
            for name in ("sent", "retried", "dead", "cancelled", "refused"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            if not (report.sent or report.retried or report.dead or report.cancelled):
                return total
    finally:
        await worker.relay.close()


async def grant(
    database: Database, clock: FakeClock, school: School, guardian: str,
    state: ConsentState = ConsentState.GRANTED,
) -> None:  # fmt: skip
    async with database.unit_of_work() as uow:
        await record_consent(
            uow, clock, school, guardian_ref=guardian, student_ref=None, state=state,
            form=ConsentForm.PAPER, document_ref=None, actor="test",
        )  # fmt: skip


async def address(
    database: Database, clock: FakeClock, school: School, guardian: str, email: str,
    channel: DeliveryChannel | None = None,
) -> None:  # fmt: skip
    async with database.unit_of_work() as uow:
        await record_contact(
            uow, clock, school, guardian_ref=guardian, student_ref=None, email=email,
            channel=channel, form=ContactForm.PAPER, document_ref="№ 1", actor="test",
        )  # fmt: skip


async def letter_rows(database: Database) -> list[OutboxMessage]:
    async with database.unit_of_work() as uow:
        result = await uow.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.channel == OutboxChannel.EMAIL)
            .order_by(OutboxMessage.id)
        )
        return list(result.scalars())


async def grant_own(
    database: Database, clock: FakeClock, school: School, student: str,
    state: ConsentState = ConsentState.GRANTED,
) -> None:  # fmt: skip
    """An adult student's consent for themself, as the school records it from paper."""
    async with database.unit_of_work() as uow:
        await record_consent(
            uow, clock, school, guardian_ref=None, student_ref=student, state=state,
            form=ConsentForm.PAPER, document_ref=None, actor="test",
        )  # fmt: skip


async def own_address(
    database: Database, clock: FakeClock, school: School, student: str, email: str,
    channel: DeliveryChannel | None = None,
) -> None:  # fmt: skip
    """A student's own address (and form), as ``ediary contacts set --student`` records it."""
    async with database.unit_of_work() as uow:
        await record_contact(
            uow, clock, school, guardian_ref=None, student_ref=student, email=email,
            channel=channel, form=ContactForm.PAPER, document_ref="№ 2", actor="test",
        )  # fmt: skip
