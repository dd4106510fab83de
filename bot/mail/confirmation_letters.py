"""The letter that confirms an address a parent (or an adult student) gave in the bot.

It goes to the new address, which is not on record yet, so it is not a family letter: the
worker sends it alone (never merged with the family's news), to the address of the request
looked up again when sending (:func:`confirmation_recipients`), and only while the request
is open and the person's consent granted (a parent's, or an adult student's own). It has
no unsubscribe link (there is nothing to unsubscribe from yet), and a refusal by the relay
marks nothing on record. The signed link is added when sending, like the acknowledgement
link: the key is the sender's.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from bot.contacts.addresses import InvalidEmail, parse_email
from bot.contacts.own import CONFIRMATION_KIND, requested_for
from bot.linking.rules import may_receive_data
from bot.mail.letter_parts import queue_part
from bot.mail.recipients import MailRecipient, Recipient
from bot.presentation.contact_settings import confirmation_subject, render_confirmation_letter
from bot.presentation.translation import translator
from db.models import DeliveryChannel, EmailConfirmation
from db.repositories.mail import ClaimedLetter
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

CONFIRMATION = "c"  # the role of a confirmation letter's recipient key: ("c", request id)


def letter_key(row: ClaimedLetter) -> Recipient:
    """Whose letter a row is part of: a confirmation is a letter of its own."""
    request = row.payload.get("confirm_request")
    return (CONFIRMATION, int(request)) if request else row.recipient


async def queue_confirmation_letter(
    uow: UnitOfWork, i18n: I18n, *, request_id: int, locale: str, now: datetime
) -> None:
    """Queue the letter for the newest request; the caller commits."""
    request = await uow.contacts.confirmation(request_id)
    assert request is not None
    school = (await uow.schools.get(request.school_id)).name
    _ = translator(i18n, locale)
    await queue_part(
        uow, _person(request), school_id=request.school_id, kind=CONFIRMATION_KIND,
        key=f"confirm:{request_id}", subject=confirmation_subject(_, school),
        rendered=render_confirmation_letter(_, school), locale=locale, due_at=now, now=now,
        confirm_request=request_id, confirm_until=request.expires_at.isoformat(),
    )  # fmt: skip


async def confirmation_recipients(
    uow: UnitOfWork, keys: Collection[Recipient], now: datetime
) -> dict[Recipient, MailRecipient]:
    """Of these confirmation keys, those whose letter may go now, at the request's address."""
    found: dict[Recipient, MailRecipient] = {}
    for key in keys:
        request = await uow.contacts.confirmation(key[1])
        if request is None or request.confirmed_at is not None or request.expires_at <= now:
            continue
        consent = await uow.linking.current_consent(
            guardian_id=request.guardian_id, student_id=request.student_id
        )
        if consent is None or not may_receive_data(consent.state):
            continue
        try:
            address = parse_email(request.email).ascii
        except InvalidEmail:
            continue
        role, person_id = person = _person(request)
        names = await uow.mail.names(
            [person_id] if role == "g" else [], [person_id] if role == "s" else []
        )
        found[key] = MailRecipient(key, names.get(person, ""), address, DeliveryChannel.EMAIL)
    return found


def _person(request: EmailConfirmation) -> Recipient:
    subject = requested_for(request)
    return (subject.role, subject.id)
