"""Per-letter reply addresses: ``<local>+<signed token>@<domain>``, and where replies come in.

Every letter to a family carries ``Reply-To: diary+g1c.lq3k5o.<mac>@school.ru`` (``diary``
and ``school.ru`` from ``MAIL_REPLY_TO``, else ``MAIL_FROM``). The token is signed like the
links of :mod:`bot.mail.signed_links` (an HMAC under a key derived for the purpose, over what
it names and until when), so the receiver knows from the address alone whom a reply is
from, with nothing stored and nothing to guess: an address not signed here, changed or
expired is refused before a byte of the message is read (SMTP 550), and the receiver is
never an open relay. Matching ``In-Reply-To`` against stored Message-IDs was the other way;
it needs a table of every letter sent, a mail program may drop the header, and anyone who
saw one Message-ID could forge it, where the address carries its own proof.

It differs from the links in its spelling, because an address is not a URL:

* **Case.** Mail servers on the way may fold an address to lower case (RFC 5321 says the
  local part is case-sensitive; many servers do not care). So everything is lower-case:
  numbers in base 36, the MAC in base 32 (``a-z2-7``), and the receiver folds before checking.
* **Length.** A local part holds at most 64 characters (RFC 5321 section 4.5.3.1.1). The
  token is at most 43 (``g`` and an id, an expiry, 96 bits of MAC: guessing costs an SMTP
  round-trip each, against 2**96), which leaves 20 for the local part it is added to.

What a token names (its subject): ``g<id>`` a guardian or ``s<id>`` an adult student,
whatever letter they got; ``t<id>`` a conversation with a class teacher, in the letter
that carries the teacher's answer, so a reply to it continues that conversation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address

from bot.secret_key import derive_secret

# A reply may come weeks after the letter; a leaked address stops working after this.
REPLY_VALID = timedelta(days=180)
LOCAL_MAX = 64
TOKEN_MAX = 43  # "g" + 13 (2**63 in base 36) + "." + 7 (an expiry) + "." + 20 (the MAC)
BASE_LOCAL_MAX = LOCAL_MAX - 1 - TOKEN_MAX  # the "+" between
MAC_BYTES = 12
SUBJECT = re.compile(r"([gst])([0-9]{1,19})")
_TOKEN = re.compile(r"([gst])([0-9a-z]{1,13})\.([0-9a-z]{1,7})\.([a-z2-7]{20})")
_LISTEN = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})")


@dataclass(frozen=True)
class ReplyAddresses:
    """The reply addresses of this installation: made for letters, read by the receiver."""

    base: Address  # MAIL_REPLY_TO or MAIL_FROM: its name, local part and domain
    secret_key: str

    @property
    def domain(self) -> str:
        return self.base.domain.lower()

    def address_for(self, subject: str, now: datetime) -> Address:
        """The reply address of a letter for ``subject`` (``g12``, ``s5``, ``t7``)."""
        found = SUBJECT.fullmatch(subject)
        if found is None:
            raise ValueError(f"not a reply subject: {subject!r}")
        kind, number = found.group(1), int(found.group(2))
        expiry = int((now + REPLY_VALID).timestamp())
        token = f"{kind}{_base36(number)}.{_base36(expiry)}.{self._mac(subject, expiry)}"
        return Address(
            display_name=self.base.display_name,
            username=f"{self.base.username}+{token}",
            domain=self.base.domain,
        )

    def is_ours(self, address: str) -> bool:
        """The address is on the reply domain (whether or not it is a valid reply address)."""
        return address.rpartition("@")[2].lower() == self.domain

    def subject_of(self, address: str, now: datetime) -> str | None:
        """What a reply address names, or None when it is not one of ours, forged, changed
        or expired."""
        local, at, domain = address.strip().lower().rpartition("@")
        if not at or domain != self.domain:
            return None
        base, plus, token = local.rpartition("+")
        found = _TOKEN.fullmatch(token)
        if not plus or base != self.base.username.lower() or found is None:
            return None
        kind, number, expiry_text, mac = found.groups()
        subject, expiry = f"{kind}{int(number, 36)}", int(expiry_text, 36)
        if not hmac.compare_digest(mac, self._mac(subject, expiry)):
            return None
        if now >= datetime.fromtimestamp(expiry, UTC):
            return None
        return subject

    def _mac(self, subject: str, expiry: int) -> str:
        key = derive_secret(self.secret_key, "mail-link:reply").encode()
        digest = hmac.new(key, f"reply.{subject}.{expiry}".encode(), hashlib.sha256).digest()
        return base64.b32encode(digest[:MAC_BYTES]).decode().rstrip("=").lower()


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def check_reply_base(base: Address) -> None:
    """ValueError when a reply address made from ``base`` could exceed 64 characters."""
    if len(base.username) > BASE_LOCAL_MAX:
        raise ValueError(
            f"the mailbox name {base.username!r} is longer than {BASE_LOCAL_MAX} characters: "
            f"a reply address adds up to {TOKEN_MAX + 1} to it and must stay within {LOCAL_MAX}"
        )


def parse_listen_address(text: str) -> tuple[str, int]:
    """``0.0.0.0:2525``, ``localhost:2525`` or ``[::]:2525`` as (host, port)."""
    found = _LISTEN.fullmatch(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 65535:
        raise ValueError("not host:port, e.g. 0.0.0.0:2525")
    return found.group(1).strip("[]"), int(found.group(2))
