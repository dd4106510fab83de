"""The mail worker: sends due letters through the school's relay at ``MAIL_RATE``, one
letter per family per batch, and never loses one.

Like the Telegram worker it claims rows with a lease and commits each outcome; unlike it,
a family's rows due together become one letter (the parts one under another), whatever
their kind. Before sending, each recipient is looked up again (:mod:`bot.mail.recipients`):
a withdrawn consent, a form switched away from e-mail or an address removed or refused
cancels the letter. The relay's answer decides the rest: a 4xx or a lost connection is
tried again with backoff, a 5xx for the recipient marks the address invalid and tells the
class teacher, another 5xx gives the letter up.

Letters go one after another over one connection, started ``1/MAIL_RATE`` apart: a relay's
limits are per sender, and at a few letters a second one connection keeps up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Protocol

from bot.clock import Clock
from bot.digests.delivery_outcomes import Changes
from bot.digests.retry import MAX_ATTEMPTS, backoff
from bot.health.failure_log import FailureLog
from bot.mail.confirmation_letters import CONFIRMATION, confirmation_recipients, letter_key
from bot.mail.contact_entries import mark_address_invalid
from bot.mail.letter_parts import compose_letter
from bot.mail.recipients import MailRecipient, Recipient, reachable_by_mail
from bot.mail.relay import Delivery, RelayAnswer
from bot.mail.reply_addresses import ReplyAddresses
from db.database import Database
from db.models import OutboxStatus
from db.repositories.mail import ClaimedLetter

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

Sleep = Callable[[float], Awaitable[None]]
PASS_SECONDS = 4.0
# How a letter row refused for its address begins its last_error (the 24-hour report's cause).
ADDRESS_REFUSED = "address refused"
log = logging.getLogger(__name__)


class LetterRelay(Protocol):
    async def send(self, letter: EmailMessage, recipient: str) -> RelayAnswer: ...

    async def close(self) -> None: ...


@dataclass
class MailReport:
    sent: int = 0  # letters
    retried: int = 0
    dead: int = 0
    cancelled: int = 0
    refused: int = 0  # addresses marked invalid


@dataclass
class MailWorker:
    database: Database
    relay: LetterRelay
    clock: Clock
    i18n: I18n
    secret_key: str
    sender: Address
    public_url: str | None
    reply_to: Address | None = None  # MAIL_REPLY_TO: where replies to a letter go
    # With MAIL_INBOUND: each letter gets its own reply address, received by the bot.
    replies: ReplyAddresses | None = None
    name: str = "mail"
    rate: float = 5.0
    lease: timedelta = timedelta(minutes=5)
    sleep: Sleep = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic
    _next_start: float = field(default=float("-inf"), init=False)

    @property
    def batch_size(self) -> int:
        return max(20, math.ceil(self.rate * PASS_SECONDS))

    async def deliver_due(self) -> MailReport:
        """Claim one batch of due letter rows and send them, a family's rows as one letter."""
        report = MailReport()
        now = self.clock.now()
        async with self.database.unit_of_work() as uow:
            claimed = await uow.mail.claim(
                worker=self.name, now=now, lease_until=now + self.lease, limit=self.batch_size
            )
            await uow.commit()
            if not claimed:
                return report
            groups: dict[Recipient, list[ClaimedLetter]] = {}
            for row in claimed:
                groups.setdefault(letter_key(row), []).append(row)
            reachable = await reachable_by_mail(
                uow, [key for key in groups if key[0] != CONFIRMATION], now
            )
            reachable.update(await confirmation_recipients(
                uow, [key for key in groups if key[0] == CONFIRMATION], now
            ))  # fmt: skip
            gone = [row.id for key, rows in groups.items() if key not in reachable for row in rows]
            await uow.mail.cancel_rows(gone, "no longer reachable by e-mail")
            await uow.commit()
            report.cancelled += len(gone)
            schools = {
                row.school_id: (await uow.schools.get(row.school_id)).name
                for row in claimed
                if row.school_id is not None
            }
            documents: dict[int, tuple[str, bytes]] = {}
            for document_id in {int(r.payload["document_id"]) for r in claimed
                                if r.payload.get("document_id")}:  # fmt: skip
                stored = await uow.documents.get(document_id)
                if stored is not None:
                    documents[document_id] = (stored.filename, stored.content)
        for key, rows in groups.items():
            recipient = reachable.get(key)
            if recipient is None:
                continue
            school = schools.get(rows[0].school_id or 0, "")
            await self._send(report, recipient, rows, school, documents)
        return report

    async def _send(
        self,
        report: MailReport,
        recipient: MailRecipient,
        rows: list[ClaimedLetter],
        school: str,
        documents: dict[int, tuple[str, bytes]],
    ) -> None:
        await self._wait_for_turn()
        now = self.clock.now()
        letter = compose_letter(
            self.i18n, self.secret_key, self.public_url, self.sender,
            recipient=recipient, rows=rows, school=school, documents=documents, now=now,
            reply_to=self.reply_to, replies=self.replies,
        )  # fmt: skip
        answer = await self.relay.send(letter, recipient.address)
        changes = Changes()
        for row in rows:
            changes.rows[row.id] = _row_change(row, answer, report, now)
        if answer.delivery is Delivery.SENT:
            report.sent += 1
        async with self.database.unit_of_work() as uow:
            await uow.outbox.write(changes.rows)
            # A confirmation letter's address is not on record: nothing to mark.
            refused = answer.delivery is Delivery.PERMANENT and recipient.key[0] != CONFIRMATION
            if refused and await mark_address_invalid(
                uow, self.i18n, recipient.key, answer.detail, now
            ):
                report.refused += 1
            await uow.commit()

    async def _wait_for_turn(self) -> None:
        interval = 1 / self.rate
        wait = self._next_start - self.monotonic()
        if wait > 0:
            await self.sleep(wait)
        # A turn that comes late restarts the schedule: no burst to catch up.
        self._next_start = max(self._next_start, self.monotonic() - interval) + interval


def _row_change(
    row: ClaimedLetter, answer: RelayAnswer, report: MailReport, now: datetime
) -> dict[str, Any]:
    attempts = row.attempts + 1
    if answer.delivery is Delivery.SENT:
        return {"status": OutboxStatus.SENT, "sent_at": now, "attempts": attempts,
                "lease_expires_at": None}  # fmt: skip
    if answer.delivery is Delivery.TEMPORARY and attempts < MAX_ATTEMPTS:
        report.retried += 1
        return {"status": OutboxStatus.PENDING, "attempts": attempts, "last_error": answer.detail,
                "due_at": now + backoff(attempts), "lease_expires_at": None}  # fmt: skip
    report.dead += 1
    error = (
        answer.detail if answer.delivery is not Delivery.TEMPORARY else f"gave up: {answer.detail}"
    )
    if answer.delivery is Delivery.PERMANENT:
        error = f"address refused: {answer.detail}"
    return {"status": OutboxStatus.DEAD, "attempts": attempts, "last_error": error,
            "lease_expires_at": None}  # fmt: skip


async def run_mail_delivery(worker: MailWorker, stop: asyncio.Event, *, idle: float = 1.0) -> None:
    """Send letters until ``stop`` is set; a failing pass is logged and retried."""
    failures = FailureLog(log, "mail pass")
    try:
        while not stop.is_set():
            try:
                report = await worker.deliver_due()
            except Exception as error:
                failures.failed(error)
                report = MailReport()
            else:
                failures.succeeded()
            if report.sent or report.retried or report.dead or report.cancelled:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=idle)
    finally:
        await worker.relay.close()
