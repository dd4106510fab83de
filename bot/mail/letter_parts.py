"""Letter parts in the outbox, and the letter a family's parts make.

A part is queued already rendered (subject, plain text, HTML fragment) in the reader's
language, as a Telegram row carries its HTML. What depends on the moment of sending is
added then: the signed acknowledgement link (the secret key is the sender's, not the
publication job's), the footer with the one-click unsubscribe link, and, when replies are
received (``MAIL_INBOUND``), the letter's own reply address: the thread's when the letter
carries one teacher's answer, else the family's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from bot.contacts.own import confirmation_url
from bot.mail.letters import Attachment, Letter, build_letter
from bot.mail.recipients import MailRecipient, Recipient
from bot.mail.reply_addresses import ReplyAddresses
from bot.mail.signed_links import ACKNOWLEDGE, SETTINGS, UNSUBSCRIBE, sign
from bot.presentation.contact_settings import render_confirm_link
from bot.presentation.email import SEPARATOR_TEXT, email_document, email_html, email_text
from bot.presentation.mail import letter_subject, render_acknowledge_link, render_letter_footer
from bot.presentation.rendered import Rendered
from bot.presentation.translation import Translator, translator
from db.repositories.mail import ClaimedLetter
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

# An unsubscribe link works for a long time: a letter may be read a year later. So does
# the letter settings link.
UNSUBSCRIBE_VALID = timedelta(days=400)
# The payload key of a part that carries a teacher's answer: the thread a reply goes to.
REPLY_THREAD = "reply_thread"


def part_payload(subject: str, rendered: Rendered, locale: str, **extra: Any) -> dict[str, Any]:
    """What an outbox row of a letter part carries."""
    return {
        "subject": subject,
        "text": email_text(rendered),
        "html": email_html(rendered),
        "locale": locale,
        **extra,
    }


async def queue_part(
    uow: UnitOfWork,
    recipient: Recipient,
    *,
    school_id: int,
    kind: str,
    key: str,
    subject: str,
    rendered: Rendered,
    locale: str,
    due_at: datetime,
    now: datetime,
    student_id: int | None = None,
    **extra: Any,
) -> bool:
    """Queue one part of a family's next letter; the caller commits."""
    return await uow.mail.queue(
        recipient=recipient,
        school_id=school_id,
        kind=kind,
        key=key,
        payload=part_payload(subject, rendered, locale, **extra),
        due_at=due_at,
        now=now,
        student_id=student_id,
    )


def acknowledgement_url(public_url: str, secret_key: str, notice_id: int, until: datetime) -> str:
    token = sign(secret_key, ACKNOWLEDGE, f"g{notice_id}", until)
    return f"{public_url}/mail/ack/{token}"


def unsubscribe_url(public_url: str, secret_key: str, recipient: Recipient, now: datetime) -> str:
    role, person_id = recipient
    token = sign(secret_key, UNSUBSCRIBE, f"{role}{person_id}", now + UNSUBSCRIBE_VALID)
    return f"{public_url}/mail/unsubscribe/{token}"


def settings_url(public_url: str, secret_key: str, recipient: Recipient, now: datetime) -> str:
    role, person_id = recipient
    token = sign(secret_key, SETTINGS, f"{role}{person_id}", now + UNSUBSCRIBE_VALID)
    return f"{public_url}/mail/settings/{token}"


def _part_with_links(
    _: Translator, payload: dict[str, Any], public_url: str | None, secret_key: str
) -> tuple[str, str]:
    """A part's plain text and HTML, with its signed link (acknowledge the final grades,
    confirm the address) when it carries one and the service has a public address."""
    text, html = str(payload["text"]), str(payload["html"])
    link = None
    if payload.get("ack_notice") and payload.get("ack_until") and public_url:
        until = datetime.fromisoformat(str(payload["ack_until"]))
        link = render_acknowledge_link(
            _, acknowledgement_url(public_url, secret_key, int(payload["ack_notice"]), until)
        )
    elif payload.get("confirm_request") and payload.get("confirm_until") and public_url:
        until = datetime.fromisoformat(str(payload["confirm_until"]))
        request_id = int(payload["confirm_request"])
        link = render_confirm_link(_, confirmation_url(public_url, secret_key, request_id, until))
    if link is None:
        return text, html
    return f"{text}\n{email_text(link)}", f"{html}\n{email_html(link)}"


def _parts(
    _: Translator,
    rows: Sequence[ClaimedLetter],
    public_url: str | None,
    secret_key: str,
    documents: dict[int, tuple[str, bytes]],
) -> tuple[list[str], list[str], list[Attachment]]:
    """The parts' plain texts, HTML fragments and attachments, in order."""
    texts, fragments, attachments = [], [], []
    for row in rows:
        text, html = _part_with_links(_, row.payload, public_url, secret_key)
        texts.append(text)
        fragments.append(html)
        document = documents.get(int(row.payload.get("document_id") or 0))
        if document is not None:
            attachments.append(Attachment(document[0], document[1]))
    return texts, fragments, attachments


def letter_reply_to(
    replies: ReplyAddresses | None,
    fallback: Address | None,
    recipient: Recipient,
    rows: Sequence[ClaimedLetter],
    now: datetime,
) -> tuple[Address | None, bool]:
    """The letter's Reply-To, and whether a reply to it reaches the class teacher."""
    if replies is None or recipient[0] not in ("g", "s"):
        return fallback, False  # no receiver, or a confirmation letter: nobody's conversation
    threads = {int(row.payload[REPLY_THREAD]) for row in rows if row.payload.get(REPLY_THREAD)}
    subject = f"t{threads.pop()}" if len(threads) == 1 else f"{recipient[0]}{recipient[1]}"
    return replies.address_for(subject, now), True


def compose_letter(
    i18n: I18n,
    secret_key: str,
    public_url: str | None,
    sender: Address,
    *,
    recipient: MailRecipient,
    rows: Sequence[ClaimedLetter],
    school: str,
    documents: dict[int, tuple[str, bytes]],
    now: datetime,
    reply_to: Address | None = None,
    replies: ReplyAddresses | None = None,
) -> EmailMessage:
    locale = str(rows[0].payload.get("locale") or "ru")
    _ = translator(i18n, locale)
    texts, fragments, attachments = _parts(_, rows, public_url, secret_key, documents)
    # A confirmation letter ("c") goes to an address not on record: no one to unsubscribe,
    # nothing to choose.
    base = public_url if recipient.key[0] in ("g", "s") else None
    unsubscribe = unsubscribe_url(base, secret_key, recipient.key, now) if base else None
    settings = settings_url(base, secret_key, recipient.key, now) if base else None
    reply_to, answerable = letter_reply_to(replies, reply_to, recipient.key, rows, now)
    footer = render_letter_footer(_, school, unsubscribe, settings, replies=answerable)
    subject = letter_subject(_, school, [str(row.payload["subject"]) for row in rows])
    letter = Letter(
        subject=subject,
        text=SEPARATOR_TEXT.join(texts) + "\n\n-- \n" + email_text(footer) + "\n",
        html=email_document(subject, fragments, footer, locale),
        attachments=tuple(attachments),
    )
    return build_letter(
        letter,
        sender=sender,
        recipient_name=recipient.name,
        recipient=recipient.address,
        row_ids=[row.id for row in rows],
        sent_at=now,
        unsubscribe_url=unsubscribe,
        reply_to=reply_to,
    )
