"""Which form of delivery a family gets: the pure rule (no database, no clock).

The regulations ask for delivery «в согласованной форме … по указанным ими контактным
данным». A family may choose a form (Telegram, e-mail, both, or paper); without a choice,
the default decides: Telegram when linked, else e-mail when an address is on record, else
paper. Nothing electronic goes without a granted consent. A chosen form that cannot be
reached (Telegram chosen but not linked, e-mail chosen but no address) falls back to the
default, so that no family is left with nothing; paper can always be reached.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import DeliveryChannel


@dataclass(frozen=True)
class Reach:
    """What can reach a family now."""

    consent_granted: bool
    # An active link on an account that has not blocked the bot.
    telegram: bool
    # An e-mail address on record (not removed, not erased).
    email: bool


def default_channel(reach: Reach) -> DeliveryChannel:
    if not reach.consent_granted:
        return DeliveryChannel.PAPER
    if reach.telegram:
        return DeliveryChannel.TELEGRAM
    if reach.email:
        return DeliveryChannel.EMAIL
    return DeliveryChannel.PAPER


def effective_channel(chosen: DeliveryChannel | None, reach: Reach) -> DeliveryChannel:
    """The form the family's deliveries take: the chosen one as far as it can be reached."""
    if chosen is None or not reach.consent_granted:
        return default_channel(reach)
    if chosen == DeliveryChannel.PAPER:
        return DeliveryChannel.PAPER
    telegram = reach.telegram and chosen in (DeliveryChannel.TELEGRAM, DeliveryChannel.BOTH)
    email = reach.email and chosen in (DeliveryChannel.EMAIL, DeliveryChannel.BOTH)
    if telegram and email:
        return DeliveryChannel.BOTH
    if telegram:
        return DeliveryChannel.TELEGRAM
    if email:
        return DeliveryChannel.EMAIL
    return default_channel(reach)


def needs_address(channel: DeliveryChannel | None) -> bool:
    """A form that cannot be chosen without an e-mail address on record."""
    return channel in (DeliveryChannel.EMAIL, DeliveryChannel.BOTH)


# Why a form cannot be chosen (the caller words it); None: it can.
NO_CONSENT = "no_consent"
NO_ADDRESS = "no_address"
CONSENT_WITHOUT_EMAIL = "consent_without_email"


def choice_refused(
    channel: DeliveryChannel, *, consent_granted: bool, address: bool, consent_covers_email: bool
) -> str | None:
    """Whether a family may choose ``channel`` now. ``email`` and ``both`` need a confirmed
    address the relay has not refused (``address``) and a consent whose text covers e-mail;
    any form needs a granted consent (without one, deliveries are on paper anyway)."""
    if not consent_granted:
        return NO_CONSENT
    if needs_address(channel):
        if not address:
            return NO_ADDRESS
        if not consent_covers_email:
            return CONSENT_WITHOUT_EMAIL
    return None
