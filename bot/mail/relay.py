"""The school's mail relay: ``SMTP_URL`` and ``MAIL_FROM`` read, and letters handed to it.

``smtp://`` connects in plain text and upgrades with STARTTLS (port 587 by default), which
is then required: a relay that does not offer it is refused rather than sent passwords and
grades in clear. ``smtps://`` speaks TLS from the start (port 465). ``smtp://`` to a
loopback address (a local sink, the tests) may go without TLS: nothing leaves the host.

What the relay answers decides what becomes of a letter (RFC 5321 section 4.2.1): a 2xx is
sent, a 4xx or a lost connection is to be tried again later, a 5xx for the recipient is
permanent (the address is wrong or gone).
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib

from bot.contacts.addresses import InvalidEmail, parse_email

DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
TIMEOUT = 30.0  # seconds for each exchange with the relay


@dataclass(frozen=True)
class RelaySettings:
    host: str
    port: int
    implicit_tls: bool
    username: str | None
    password: str | None

    @property
    def local(self) -> bool:
        """A relay on this host: plain text is allowed (a development sink, tests)."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_smtp_url(url: str) -> RelaySettings:
    """``smtp://user:pass@host:587`` or ``smtps://…``; ValueError says what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError("not an smtp:// or smtps:// URL")
    if not parts.hostname:
        raise ValueError("the URL names no host")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("an SMTP URL has only a user, a password, a host and a port")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as error:
        raise ValueError("the port is not a number from 1 to 65535") from error
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return RelaySettings(parts.hostname, port, parts.scheme == "smtps", username, password)


def parse_sender(text: str) -> Address:
    """``Школа № 30 <diary@school.ru>`` or ``diary@school.ru`` as an address header value."""
    if any(character in text for character in "\r\n\0"):
        raise ValueError("the sender contains a line break")
    parsed = policy.default.header_factory("From", text.strip())
    addresses: tuple[Address, ...] = getattr(parsed, "addresses", ())
    if len(addresses) != 1 or parsed.defects:
        raise ValueError("not one address, e.g. Школа № 30 <diary@school.ru>")
    name, address = addresses[0].display_name, addresses[0].addr_spec
    if not address or "@" not in address:
        raise ValueError("no address in it")
    try:
        checked = parse_email(address)
    except InvalidEmail as error:
        raise ValueError(str(error)) from error
    local, domain = checked.ascii.split("@")
    return Address(display_name=name, username=local, domain=domain)


class Delivery(enum.Enum):
    SENT = "sent"
    TEMPORARY = "temporary"  # 4xx, a lost connection, a time-out: try again later
    PERMANENT = "permanent"  # 5xx for this recipient: the address does not take mail
    REJECTED = "rejected"  # 5xx for the letter or the sender: not the address's fault


@dataclass(frozen=True)
class RelayAnswer:
    delivery: Delivery
    detail: str = ""  # the relay's code and words, for the outbox row and the teacher


class MailRelay:
    """One connection to the relay, opened on first use and reused for the next letters
    (opening one per letter would cost a TLS handshake each); reopened after it drops."""

    def __init__(self, settings: RelaySettings) -> None:
        self._settings = settings
        self._client: aiosmtplib.SMTP | None = None

    async def send(self, letter: EmailMessage, recipient: str) -> RelayAnswer:
        try:
            client = await self._connected()
            refused, _reply = await client.send_message(letter, recipients=[recipient])
        except aiosmtplib.SMTPRecipientsRefused as error:
            return _answer_of(error.recipients[0].code, error.recipients[0].message)
        except aiosmtplib.SMTPResponseException as error:
            await self.close()  # the exchange is in an unknown state: start clean
            answer = _answer_of(error.code, error.message)
            if answer.delivery is Delivery.PERMANENT:
                return RelayAnswer(Delivery.REJECTED, answer.detail)
            return answer
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            await self.close()
            return RelayAnswer(Delivery.TEMPORARY, f"relay unreachable: {error}")
        if refused:
            code, message = next(iter(refused.values()))
            return _answer_of(code, message)
        return RelayAnswer(Delivery.SENT)

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        settings = self._settings
        client = aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            use_tls=settings.implicit_tls,
            # STARTTLS when offered; required unless the relay is on this host.
            start_tls=None if settings.local else not settings.implicit_tls,
            timeout=TIMEOUT,
        )
        await client.connect()
        if settings.username:
            await client.login(settings.username, settings.password or "")
        self._client = client
        return client

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()


def _answer_of(code: int, message: str) -> RelayAnswer:
    detail = f"{code} {message}".strip()[:500]
    if 200 <= code < 300:
        return RelayAnswer(Delivery.SENT)
    if code >= 500:
        return RelayAnswer(Delivery.PERMANENT, detail)
    return RelayAnswer(Delivery.TEMPORARY, detail)
