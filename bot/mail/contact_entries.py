"""What e-mail itself writes into a family's contact history: the relay refusing the
address for good (a 5xx), and the family unsubscribing with a letter's link. Both are
entries like those the school records (append-only, with an audit event), both stop the
letters still waiting, and both are told to the class teacher."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.mail.class_teachers import tell_class_teachers
from bot.mail.recipients import Recipient
from bot.mail.signed_links import UNSUBSCRIBE, verify
from bot.presentation.mail import channel_name, render_address_refused, render_unsubscribed
from db.models import ContactRecord, DeliveryChannel
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

MAIL_ACTOR = "system:mail"


async def _current(uow: UnitOfWork, recipient: Recipient) -> ContactRecord | None:
    role, person_id = recipient
    if role == "g":
        return await uow.contacts.current(guardian_id=person_id)
    return await uow.contacts.current(student_id=person_id)


async def _name(uow: UnitOfWork, recipient: Recipient) -> str:
    role, person_id = recipient
    guardians, students = ([person_id], []) if role == "g" else ([], [person_id])
    return (await uow.mail.names(guardians, students)).get(recipient, "")


def _next_entry(current: ContactRecord, now: datetime, actor: str) -> ContactRecord:
    return ContactRecord(
        school_id=current.school_id,
        guardian_id=current.guardian_id,
        student_id=current.student_id,
        email=current.email,
        channel=current.channel,
        form=current.form,
        recorded_by=actor,
        recorded_at=now,
        document_ref=None,
        invalid_reason=current.invalid_reason,
    )


async def mark_address_invalid(
    uow: UnitOfWork, i18n: I18n, recipient: Recipient, detail: str, now: datetime
) -> bool:
    """The relay refused the address: an entry marks it, the class teacher hears. False
    when the address changed meanwhile (the refused one is no longer on record)."""
    current = await _current(uow, recipient)
    if current is None or current.email is None or current.invalid_reason is not None:
        return False
    entry = _next_entry(current, now, MAIL_ACTOR)
    entry.invalid_reason = detail[:500]
    uow.contacts.add(entry)
    role, person_id = recipient
    uow.audit.record(
        at=now, actor=MAIL_ACTOR, action="contact.address_refused", school_id=current.school_id,
        subject_type="guardian" if role == "g" else "student", subject_id=person_id,
        details={"reason": detail[:500]},
    )  # fmt: skip
    person = await _name(uow, recipient)
    await tell_class_teachers(
        uow, i18n, school_id=current.school_id, recipient=recipient,
        key=f"mail-refused:{current.school_id}:{role}{person_id}:{now.isoformat()}",
        render=lambda _, children: render_address_refused(
            _, person=person, children=children, detail=detail
        ),
        now=now,
    )  # fmt: skip
    return True


async def unsubscribe_subject(
    uow: UnitOfWork, clock: Clock, secret_key: str, token: str
) -> Recipient | None:
    """Whom a valid unsubscribe link is for (the GET shows its question only then); None
    for a forged or expired link, or one for a person with no contact data on record."""
    signed = verify(secret_key, UNSUBSCRIBE, token, clock.now())
    if signed is None:
        return None
    recipient: Recipient = (signed.subject[0], int(signed.subject[1:]))
    return recipient if await _current(uow, recipient) is not None else None


async def unsubscribe(
    uow: UnitOfWork, clock: Clock, i18n: I18n, secret_key: str, token: str
) -> DeliveryChannel | None:
    """RFC 8058's one-click unsubscribe: the family's form becomes Telegram if they are in
    the bot, else paper; their waiting letters are cancelled and the class teacher hears.
    None when the link is not valid. Pressing it twice changes nothing the second time."""
    now = clock.now()
    recipient = await unsubscribe_subject(uow, clock, secret_key, token)
    current = await _current(uow, recipient) if recipient is not None else None
    if recipient is None or current is None:
        return None
    role, person_id = recipient
    linked_guardians, linked_students = await uow.contacts.reachable_in_telegram(
        guardian_ids=[person_id] if role == "g" else [],
        student_ids=[person_id] if role == "s" else [],
    )
    in_telegram = person_id in (linked_guardians if role == "g" else linked_students)
    channel = DeliveryChannel.TELEGRAM if in_telegram else DeliveryChannel.PAPER
    if current.channel in (DeliveryChannel.TELEGRAM, DeliveryChannel.PAPER):
        return current.channel  # already off e-mail
    entry = _next_entry(current, now, f"{MAIL_ACTOR}:unsubscribe")
    entry.channel = channel
    uow.contacts.add(entry)
    await uow.mail.cancel_of(
        guardian_id=person_id if role == "g" else None,
        student_id=person_id if role == "s" else None,
        reason="unsubscribed",
    )
    uow.audit.record(
        at=now, actor=f"{MAIL_ACTOR}:unsubscribe", action="contact.unsubscribed",
        school_id=current.school_id, subject_type="guardian" if role == "g" else "student",
        subject_id=person_id, details={"channel": channel.value},
    )  # fmt: skip
    person = await _name(uow, recipient)
    await tell_class_teachers(
        uow, i18n, school_id=current.school_id, recipient=recipient,
        key=f"mail-unsubscribed:{role}{person_id}:{now.isoformat()}",
        render=lambda _, children: render_unsubscribed(
            _, person=person, children=children, channel=channel_name(_, channel.value)
        ),
        now=now,
    )  # fmt: skip
    await uow.commit()
    return channel
