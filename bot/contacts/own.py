"""A family's own contact data in the bot: the address a parent (or an adult student, for
themself) gives, which counts only once the link sent to it is opened, and the form of
delivery they choose. Who may give it: :mod:`bot.contacts.own_subjects`.

The address is personal data the consent covers, so nothing is taken without a granted
consent: the parent's, or the adult student's own (the rule the school's register applies,
:mod:`bot.contacts.register`). A new address waits in ``email_confirmation`` (48 hours,
single use, only the newest link of a person works); the address on record stays in use
until the link's page is confirmed with a POST, which adds an entry of form ``bot`` to the
contact history. An account linked as a guardian in several schools (or as a guardian and
as an adult student) gives the address to each of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.contacts.addresses import InvalidEmail, parse_email
from bot.contacts.channels import Reach, choice_refused, effective_channel
from bot.contacts.own_subjects import OwnContactRefused, OwnSubject, own_subjects
from bot.linking.consent_text import covers_email
from bot.linking.rules import may_receive_data
from bot.mail.signed_links import CONFIRM, sign, verify
from db.models import ContactForm, ContactRecord, DeliveryChannel, EmailConfirmation
from db.unit_of_work import UnitOfWork

CONFIRMATION_VALID = timedelta(hours=48)
CONFIRMATION_KIND = "address_confirmation"

BAD_ADDRESS = "bad_address"
SAME_ADDRESS = "same_address"
NO_CONSENT = "no_consent"


@dataclass(frozen=True)
class OwnContact:
    """What /settings shows of the contact data (the first person's the account gives for)."""

    subjects: tuple[OwnSubject, ...]
    address: str | None  # on record and in use
    refused: bool  # the relay refused it: nothing is mailed until a new one is confirmed
    pending: str | None  # given in the bot, waiting for its link
    chosen: DeliveryChannel | None
    effective: DeliveryChannel
    consent_granted: bool
    consent_covers_email: bool


async def own_contact(uow: UnitOfWork, telegram_user_id: int, now: datetime) -> OwnContact:
    """The contact data; :class:`OwnContactRefused` when the account may give none."""
    subjects = await own_subjects(uow, telegram_user_id, now)
    first = subjects[0]
    record = await _current(uow, first)
    consent = await uow.linking.current_consent(
        guardian_id=first.guardian_id, student_id=first.student_id
    )
    granted = consent is not None and may_receive_data(consent.state)
    email_consent = granted and consent is not None and covers_email(consent.text_version)
    address = record.email if record else None
    refused = record is not None and record.invalid_reason is not None
    chosen = record.channel if record else None
    guardians, students = await uow.contacts.reachable_in_telegram(
        guardian_ids=[first.id] if first.role == "g" else [],
        student_ids=[first.id] if first.role == "s" else [],
    )
    in_telegram = first.id in (guardians if first.role == "g" else students)
    reach = Reach(granted, in_telegram, address is not None and not refused)
    pending = await uow.contacts.open_confirmations(
        now,
        guardian_ids=[first.id] if first.role == "g" else [],
        student_ids=[first.id] if first.role == "s" else [],
    )
    return OwnContact(
        subjects=tuple(subjects), address=address, refused=refused,
        pending=pending[-1].email if pending else None, chosen=chosen,
        effective=effective_channel(chosen, reach), consent_granted=granted,
        consent_covers_email=email_consent,
    )  # fmt: skip


async def request_address(
    uow: UnitOfWork, clock: Clock, telegram_user_id: int, text: str
) -> tuple[str, list[int]]:
    """Take an address typed in the bot, waiting for confirmation: the normalised address
    and the requests made (one per person). The caller queues the letter and commits.
    :class:`OwnContactRefused` when it cannot be taken (nothing is changed)."""
    now = clock.now()
    view = await own_contact(uow, telegram_user_id, now)
    if not view.consent_granted:
        raise OwnContactRefused(NO_CONSENT)
    try:
        address = parse_email(text).address
    except InvalidEmail as error:
        raise OwnContactRefused(BAD_ADDRESS) from error
    if address == view.address and not view.refused:
        raise OwnContactRefused(SAME_ADDRESS)
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    made = []
    for subject in view.subjects:
        request = EmailConfirmation(
            school_id=subject.school_id, guardian_id=subject.guardian_id,
            student_id=subject.student_id, account_id=account.id if account else None,
            email=address, requested_at=now, expires_at=now + CONFIRMATION_VALID,
        )  # fmt: skip
        await uow.contacts.request_confirmation(request, now)
        made.append(request.id)
    return address, made


def confirmation_url(public_url: str, secret_key: str, request_id: int, until: datetime) -> str:
    return f"{public_url}/mail/confirm/{sign(secret_key, CONFIRM, f'g{request_id}', until)}"


async def confirmation_to_show(
    uow: UnitOfWork, clock: Clock, secret_key: str, token: str
) -> EmailConfirmation | None:
    """The request a link names, while it can still be confirmed (a GET shows only this)."""
    now = clock.now()
    signed = verify(secret_key, CONFIRM, token, now)
    if signed is None:
        return None
    request = await uow.contacts.confirmation(int(signed.subject[1:]))
    if request is None or request.confirmed_at is not None or request.expires_at <= now:
        return None
    return request


async def confirm_address(uow: UnitOfWork, clock: Clock, secret_key: str, token: str) -> str | None:
    """The link's POST: the address goes on record (form ``bot``) for every person it was
    asked for together; None for a forged, expired, replaced or used link (nothing changes)."""
    now = clock.now()
    request = await confirmation_to_show(uow, clock, secret_key, token)
    if request is None or not await uow.contacts.use_confirmation(request.id, now):
        return None
    siblings = [request]
    for other in await uow.contacts.asked_together(request, now):
        if await uow.contacts.use_confirmation(other.id, now):
            siblings.append(other)
    for confirmed in siblings:
        subject = requested_for(confirmed)
        current = await _current(uow, subject)
        await _append(
            uow, subject, current.channel if current else None, confirmed.email, now,
            action="contact.recorded", actor=f"telegram-account:{confirmed.account_id}",
        )  # fmt: skip
    await uow.commit()
    return request.email


async def choose_channel(
    uow: UnitOfWork, clock: Clock, telegram_user_id: int, channel: DeliveryChannel
) -> OwnContact:
    """Record the form chosen, by the rule of :func:`choice_refused`; letters still waiting
    are cancelled when the form leaves e-mail. The caller's view after it."""
    now = clock.now()
    view = await own_contact(uow, telegram_user_id, now)
    refusal = choice_refused(
        channel, consent_granted=view.consent_granted,
        address=view.address is not None and not view.refused,
        consent_covers_email=view.consent_covers_email,
    )  # fmt: skip
    if refusal is not None:
        raise OwnContactRefused(refusal)
    for subject in view.subjects:
        current = await _current(uow, subject)
        await _append(
            uow, subject, channel, current.email if current else None, now,
            action="contact.channel_chosen", actor=f"telegram:{telegram_user_id}",
            invalid=current.invalid_reason if current else None,
        )  # fmt: skip
        if channel in (DeliveryChannel.TELEGRAM, DeliveryChannel.PAPER):
            await uow.mail.cancel_of(
                guardian_id=subject.guardian_id, student_id=subject.student_id,
                reason="form changed in the bot",
            )  # fmt: skip
    await uow.commit()
    return await own_contact(uow, telegram_user_id, now)


def requested_for(request: EmailConfirmation) -> OwnSubject:
    """Whose address the request is to be: a guardian's, or an adult student's own."""
    if request.guardian_id is not None:
        return OwnSubject("g", request.guardian_id, request.school_id)
    assert request.student_id is not None
    return OwnSubject("s", request.student_id, request.school_id)


async def _current(uow: UnitOfWork, subject: OwnSubject) -> ContactRecord | None:
    return await uow.contacts.current(
        guardian_id=subject.guardian_id, student_id=subject.student_id
    )


async def _append(
    uow: UnitOfWork,
    subject: OwnSubject,
    channel: DeliveryChannel | None,
    email: str | None,
    now: datetime,
    *,
    action: str,
    actor: str,
    invalid: str | None = None,
) -> None:
    uow.contacts.add(
        ContactRecord(
            school_id=subject.school_id, guardian_id=subject.guardian_id,
            student_id=subject.student_id, email=email, channel=channel, form=ContactForm.BOT,
            recorded_by=actor, recorded_at=now, document_ref=None, invalid_reason=invalid,
        )
    )  # fmt: skip
    # As the school's entries: the address itself stays out of the audit trail.
    uow.audit.record(
        at=now, actor=actor, action=action, school_id=subject.school_id,
        subject_type=subject.kind, subject_id=subject.id,
        details={"form": ContactForm.BOT.value, "channel": channel.value if channel else None,
                 "has_address": email is not None},
    )  # fmt: skip
