"""A letter as the relay takes it: multipart plain text and HTML (and attachments), the
headers encoded for any mail program.

``email.message.EmailMessage`` with the SMTP policy does the encoding: a Cyrillic subject
or name becomes an RFC 2047 encoded word, lines end in CRLF and bodies are
quoted-printable or base64 as needed, so nothing here writes a header by hand. One-click
unsubscribing follows RFC 8058: ``List-Unsubscribe`` with an https link and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``, which mail programs answer with a
POST to that link (a GET, e.g. a scanner's, changes nothing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "pdf"


@dataclass(frozen=True)
class Letter:
    """What a letter says, before it is addressed: the subject and both parts."""

    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


def message_id(sender: Address, row_ids: Sequence[int]) -> str:
    """The same rows give the same Message-ID: a letter sent again after a crash (the
    outcome of the first was unknown) is recognisable as the same letter."""
    digest = hashlib.sha256(",".join(map(str, sorted(row_ids))).encode()).hexdigest()[:24]
    return f"<ediary.{digest}@{sender.domain}>"


def build_letter(
    letter: Letter,
    *,
    sender: Address,
    recipient_name: str,
    recipient: str,
    row_ids: Sequence[int],
    sent_at: datetime,
    unsubscribe_url: str | None,
    reply_to: Address | None = None,
) -> EmailMessage:
    """The letter to one recipient (``recipient``: the address with an ASCII domain)."""
    message = EmailMessage(policy=policy.SMTP)
    local, domain = recipient.rsplit("@", 1)
    message["From"] = sender
    message["To"] = Address(display_name=recipient_name, username=local, domain=domain)
    if reply_to is not None:
        message["Reply-To"] = reply_to
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id(sender, row_ids)
    # RFC 3834: no vacation auto-replies to a letter a program sent.
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url is not None:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(letter.text)
    message.add_alternative(letter.html, subtype="html")
    for attachment in letter.attachments:
        message.add_attachment(
            attachment.content,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
        )
    return message
