"""The inbound SMTP receiver: families' replies to letters, taken in by ``ediary run`` when
``MAIL_INBOUND`` is set, and handed to :func:`bot.mail.replies.relay_reply`.

It is not a mail server: it takes mail only for the reply addresses of this installation
(:mod:`bot.mail.reply_addresses`) and delivers it nowhere but to the class teacher. What it
refuses, and how (RFC 5321 replies, RFC 3463 enhanced codes):

* a recipient on another domain: ``550 5.7.1`` (never an open relay);
* an address on the domain that is not a valid reply address (forged, changed, expired):
  ``550 5.1.1``; a second recipient in one message: ``452 4.5.3``;
* a message over 1 MiB: ``552`` (aiosmtpd's ``SIZE`` limit, before and while reading it);
* a reply above the relay's length limit: ``550 5.3.4``, and a writer who may no longer
  write (consent withdrawn, e-mail left, child unlinked) or has no class teacher in the bot:
  ``550 5.1.1`` — the family's mail server tells them so in a bounce.

A bounce or an auto-reply (null sender, ``Auto-Submitted``, ``Precedence: bulk``…) and a
reply with nothing written are accepted and dropped with a log line: refusing them would
make the sending server bounce a bounce. A failure of the database answers ``451`` so the
sending server tries again later.

The receiver speaks plain SMTP without TLS or AUTH: it is meant to sit behind the school's
mail server (an MX or an alias that forwards the reply addresses to it), see the README.
"""

from __future__ import annotations

import asyncio
import email
import logging
import weakref
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from typing import TYPE_CHECKING

from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.clock import Clock
from bot.mail.replies import ReplyOutcome, relay_reply
from bot.mail.reply_addresses import ReplyAddresses
from bot.mail.reply_text import automatic_reason, reply_text
from bot.teachers.relay import MAX_TEXT
from db.database import Database

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

MAX_MESSAGE = 1024 * 1024  # bytes: a reply is a few lines; attachments are not relayed
TIMEOUT = 60.0  # seconds a client may stay silent
NOT_OURS = "550 5.7.1 Relaying denied: this server takes replies to its own letters only"
NO_SUCH_ADDRESS = "550 5.1.1 No such reply address (it is wrong or has expired)"
ANSWERS = {
    ReplyOutcome.RELAYED: "250 2.0.0 Passed to the class teacher",
    ReplyOutcome.EMPTY: "250 2.0.0 Nothing written above the quoted letter; nothing passed on",
    ReplyOutcome.TOO_LONG: f"550 5.3.4 The reply is too long: at most {MAX_TEXT} characters, "
    "please",
    ReplyOutcome.UNAVAILABLE: "550 5.1.1 This address no longer takes replies; "
    "please contact the school",
    ReplyOutcome.NO_TEACHER: "550 5.1.1 The class teacher cannot be reached this way yet; "
    "please contact the school",
}
log = logging.getLogger(__name__)


@dataclass
class ReplyReceiver:
    """aiosmtpd's handler: checks each recipient, then relays the message's text."""

    database: Database
    clock: Clock
    i18n: I18n
    addresses: ReplyAddresses

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str,
        mail_options: list[str],
    ) -> str:  # fmt: skip
        # aiosmtpd keeps the null sender of a bounce as "", which it then takes for "no
        # MAIL yet"; "<>" lets the bounce in, to be dropped after reading it.
        envelope.mail_from = address or "<>"
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str,
        rcpt_options: list[str],
    ) -> str:  # fmt: skip
        if not self.addresses.is_ours(address):
            log.info("refused a recipient on another domain")
            return NOT_OURS
        if self.addresses.subject_of(address, self.clock.now()) is None:
            log.info("refused a reply address that is not valid")
            return NO_SUCH_ADDRESS
        if envelope.rcpt_tos:
            return "452 4.5.3 One reply address per message, please"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        subject = self.addresses.subject_of(envelope.rcpt_tos[0], self.clock.now())
        if subject is None:  # expired between RCPT and the end of DATA
            return NO_SUCH_ADDRESS
        try:
            message = email.message_from_bytes(
                envelope.original_content or b"", policy=policy.default
            )
            assert isinstance(message, EmailMessage)
            automatic = automatic_reason(message, str(envelope.mail_from or ""))
            text = "" if automatic else reply_text(message)
        except Exception:
            log.warning("could not read a reply to %s", subject, exc_info=True)
            return "554 5.6.0 The message could not be read"
        if automatic is not None:
            log.info("dropped an automatic message to %s: %s", subject, automatic)
            return "250 2.0.0 Automatic message dropped"
        try:
            async with self.database.unit_of_work() as uow:
                outcome = await relay_reply(uow, self.clock, self.i18n, subject=subject, text=text)
        except Exception:
            log.exception("could not relay a reply to %s", subject)
            return "451 4.3.0 Temporary failure; please try again later"
        log.info("reply to %s: %s", subject, outcome.value)
        return ANSWERS[outcome]


class InboundMail:
    """The listening socket, on this event loop (the relay uses the database's engine)."""

    def __init__(self, receiver: ReplyReceiver, host: str, port: int) -> None:
        self.receiver = receiver
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._sessions: weakref.WeakSet[SMTP] = weakref.WeakSet()

    async def start(self) -> None:
        """Listen; OSError when the address is taken or not this machine's."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._session, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]  # the one chosen for port 0

    def _session(self) -> SMTP:
        session = SMTP(
            self.receiver,
            hostname=self.receiver.addresses.domain,
            ident="ediary-bot",
            data_size_limit=MAX_MESSAGE,
            timeout=TIMEOUT,
            loop=asyncio.get_running_loop(),
        )
        self._sessions.add(session)
        return session

    async def close(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for session in list(self._sessions):  # a client still connected must not hold the stop
            if session.transport is not None:
                session.transport.close()
        await server.wait_closed()
