"""A linked parent's own contact data in the bot: the address they give (it counts only
once they open the link sent to it) and the form of delivery they choose.

The address is personal data the consent covers, so nothing is taken without a granted
consent. A new address waits in ``email_confirmation`` (48 hours, single use, only the
newest link of a guardian works); the address on record stays in use until the link's
page is confirmed with a POST, which adds an entry of form ``bot`` to the contact history.
An account linked as a guardian in several schools gives the address to each of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.contacts.addresses import InvalidEmail, parse_email
from bot.contacts.channels import Reach, choice_refused, effective_channel
from bot.linking.consent_text import covers_email
from bot.linking.rules import may_receive_data
from bot.mail.signed_links import CONFIRM, sign, verify
from db.models import (
    AccountRole,
    ContactForm,
    ContactRecord,
    DeliveryChannel,
    EmailConfirmation,
    TelegramAccount,
)
from db.unit_of_work import UnitOfWork

CONFIRMATION_VALID = timedelta(hours=48)
CONFIRMATION_KIND = "address_confirmation"


class OwnContactRefused(Exception):
    """The request cannot be done; ``reason`` names why (the handler words it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


NOT_A_GUARDIAN = "not_a_guardian"
BAD_ADDRESS = "bad_address"
SAME_ADDRESS = "same_address"


@dataclass(frozen=True)
class OwnContact:
    """What /settings shows of a parent's contact data (their first guardian record's)."""

    guardian_ids: tuple[int, ...]
    address: str | None  # on record and in use
    refused: bool  # the relay refused it: nothing is mailed until a new one is confirmed
    pending: str | None  # given in the bot, waiting for its link
    chosen: DeliveryChannel | None
    effective: DeliveryChannel
    consent_granted: bool
    consent_covers_email: bool


async def own_contact(uow: UnitOfWork, telegram_user_id: int, now: datetime) -> OwnContact | None:
    """The parent's contact data; None when the account is not linked as a guardian."""
    guardian_ids = await _guardian_ids(uow, telegram_user_id)
    if not guardian_ids:
        return None
    first = guardian_ids[0]
    record = await uow.contacts.current(guardian_id=first)
    consent = await uow.linking.current_consent(guardian_id=first)
    granted = consent is not None and may_receive_data(consent.state)
    email_consent = granted and consent is not None and covers_email(consent.text_version)
    address = record.email if record else None
    refused = record is not None and record.invalid_reason is not None
    chosen = record.channel if record else None
    in_telegram, _students = await uow.contacts.reachable_in_telegram(guardian_ids=[first])
    reach = Reach(granted, first in in_telegram, address is not None and not refused)
    pending = await uow.contacts.open_confirmations([first], now)
    return OwnContact(
        guardian_ids=tuple(guardian_ids), address=address, refused=refused,
        pending=pending[-1].email if pending else None, chosen=chosen,
        effective=effective_channel(chosen, reach), consent_granted=granted,
        consent_covers_email=email_consent,
    )  # fmt: skip


async def request_address(
    uow: UnitOfWork, clock: Clock, telegram_user_id: int, text: str
) -> tuple[str, list[int]]:
    """Take an address typed in the bot, waiting for confirmation: the normalised address
    and the requests made (one per guardian record). The caller queues the letter and
    commits. :class:`OwnContactRefused` when it cannot be taken (nothing is changed)."""
    now = clock.now()
    view = await own_contact(uow, telegram_user_id, now)
    if view is None:
        raise OwnContactRefused(NOT_A_GUARDIAN)
    if not view.consent_granted:
        raise OwnContactRefused("no_consent")
    try:
        address = parse_email(text).address
    except InvalidEmail as error:
        raise OwnContactRefused(BAD_ADDRESS) from error
    if address == view.address and not view.refused:
        raise OwnContactRefused(SAME_ADDRESS)
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    made = []
    for guardian_id in view.guardian_ids:
        guardian = await uow.linking.get_guardian(guardian_id)
        assert guardian is not None
        request = EmailConfirmation(
            school_id=guardian.school_id, guardian_id=guardian_id,
            account_id=account.id if account else None, email=address, requested_at=now,
            expires_at=now + CONFIRMATION_VALID,
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
    """The link's POST: the address goes on record (form ``bot``) for every guardian record
    asked together; None for a forged, expired, replaced or used link (nothing changes)."""
    now = clock.now()
    request = await confirmation_to_show(uow, clock, secret_key, token)
    if request is None or not await uow.contacts.use_confirmation(request.id, now):
        return None
    siblings = [request]
    if request.account_id is not None:
        account = await uow.session.get(TelegramAccount, request.account_id)
        others = await _guardian_ids(uow, account.telegram_user_id) if account else []
        for other in await uow.contacts.open_confirmations(others, now):
            same = other.email == request.email and other.requested_at == request.requested_at
            if same and await uow.contacts.use_confirmation(other.id, now):
                siblings.append(other)
    for confirmed in siblings:
        current = await uow.contacts.current(guardian_id=confirmed.guardian_id)
        await _append(
            uow, (confirmed.school_id, confirmed.guardian_id), current.channel if current else None,
            confirmed.email, now, action="contact.recorded",
            actor=f"telegram-account:{confirmed.account_id}",
        )  # fmt: skip
    await uow.commit()
    return request.email


async def choose_channel(
    uow: UnitOfWork, clock: Clock, telegram_user_id: int, channel: DeliveryChannel
) -> OwnContact:
    """Record the form the parent chose, by the rule of :func:`choice_refused`; letters
    still waiting are cancelled when the form leaves e-mail. The caller's view after it."""
    now = clock.now()
    view = await own_contact(uow, telegram_user_id, now)
    if view is None:
        raise OwnContactRefused(NOT_A_GUARDIAN)
    refusal = choice_refused(
        channel, consent_granted=view.consent_granted,
        address=view.address is not None and not view.refused,
        consent_covers_email=view.consent_covers_email,
    )  # fmt: skip
    if refusal is not None:
        raise OwnContactRefused(refusal)
    for guardian_id in view.guardian_ids:
        current = await uow.contacts.current(guardian_id=guardian_id)
        guardian = await uow.linking.get_guardian(guardian_id)
        assert guardian is not None
        await _append(
            uow, (guardian.school_id, guardian_id), channel, current.email if current else None,
            now, action="contact.channel_chosen", actor=f"telegram:{telegram_user_id}",
            invalid=current.invalid_reason if current else None,
        )  # fmt: skip
        if channel in (DeliveryChannel.TELEGRAM, DeliveryChannel.PAPER):
            await uow.mail.cancel_of(guardian_id=guardian_id, reason="form changed in the bot")
    await uow.commit()
    updated = await own_contact(uow, telegram_user_id, now)
    assert updated is not None
    return updated


async def _append(
    uow: UnitOfWork,
    guardian: tuple[int, int],  # (school id, guardian id)
    channel: DeliveryChannel | None,
    email: str | None,
    now: datetime,
    *,
    action: str,
    actor: str,
    invalid: str | None = None,
) -> None:
    school_id, guardian_id = guardian
    uow.contacts.add(
        ContactRecord(
            school_id=school_id, guardian_id=guardian_id, student_id=None,
            email=email, channel=channel, form=ContactForm.BOT, recorded_by=actor,
            recorded_at=now, document_ref=None, invalid_reason=invalid,
        )
    )  # fmt: skip
    # As the school's entries: the address itself stays out of the audit trail.
    uow.audit.record(
        at=now, actor=actor, action=action, school_id=school_id,
        subject_type="guardian", subject_id=guardian_id,
        details={"form": ContactForm.BOT.value, "channel": channel.value if channel else None,
                 "has_address": email is not None},
    )  # fmt: skip


async def _guardian_ids(uow: UnitOfWork, telegram_user_id: int) -> list[int]:
    links = await uow.linking.family_links(telegram_user_id)
    found: list[int] = []
    for link in links:
        guardian_id = link.guardian_id
        if link.role != AccountRole.GUARDIAN or guardian_id is None:
            continue
        if guardian_id not in found:
            found.append(guardian_id)
    return found


async def is_linked_guardian(uow: UnitOfWork, telegram_user_id: int) -> bool:
    """Whether /settings offers the account e-mail and the form of delivery."""
    return bool(await _guardian_ids(uow, telegram_user_id))
