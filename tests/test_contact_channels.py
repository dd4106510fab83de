"""The form of delivery a family gets: the pure rule, case by case."""

from __future__ import annotations

import itertools

import pytest

from bot.contacts.channels import (
    CONSENT_WITHOUT_EMAIL,
    NO_ADDRESS,
    NO_CONSENT,
    Reach,
    choice_refused,
    default_channel,
    effective_channel,
    needs_address,
)
from db.models import DeliveryChannel

TELEGRAM, EMAIL, BOTH, PAPER = (
    DeliveryChannel.TELEGRAM,
    DeliveryChannel.EMAIL,
    DeliveryChannel.BOTH,
    DeliveryChannel.PAPER,
)


def reach(*, telegram: bool = False, email: bool = False, consent: bool = True) -> Reach:
    return Reach(consent_granted=consent, telegram=telegram, email=email)


@pytest.mark.parametrize(
    ("families_reach", "expected"),
    [
        (reach(telegram=True, email=True), TELEGRAM),  # Telegram when linked
        (reach(telegram=True), TELEGRAM),
        (reach(email=True), EMAIL),  # else e-mail when an address is on record
        (reach(), PAPER),  # else paper
        # Nothing electronic without a granted consent, whatever is on record.
        (reach(telegram=True, email=True, consent=False), PAPER),
        (reach(email=True, consent=False), PAPER),
    ],
)
def test_the_default_rule(families_reach: Reach, expected: DeliveryChannel) -> None:
    assert default_channel(families_reach) == expected
    assert effective_channel(None, families_reach) == expected


@pytest.mark.parametrize(
    ("chosen", "families_reach", "expected"),
    [
        # The chosen form, when it can be reached.
        (EMAIL, reach(telegram=True, email=True), EMAIL),
        (BOTH, reach(telegram=True, email=True), BOTH),
        (TELEGRAM, reach(telegram=True, email=True), TELEGRAM),
        (PAPER, reach(telegram=True, email=True), PAPER),
        # Both chosen, one reachable: that one.
        (BOTH, reach(email=True), EMAIL),
        (BOTH, reach(telegram=True), TELEGRAM),
        # A chosen form out of reach falls back to the default, never to nothing.
        (EMAIL, reach(telegram=True), TELEGRAM),
        (TELEGRAM, reach(email=True), EMAIL),
        (TELEGRAM, reach(), PAPER),
        (BOTH, reach(), PAPER),
        # Withdrawal beats any choice.
        (BOTH, reach(telegram=True, email=True, consent=False), PAPER),
        (EMAIL, reach(email=True, consent=False), PAPER),
    ],
)
def test_a_chosen_form(
    chosen: DeliveryChannel, families_reach: Reach, expected: DeliveryChannel
) -> None:
    assert effective_channel(chosen, families_reach) == expected


def test_the_effective_form_is_always_reachable() -> None:
    """Over every combination: e-mail only with an address, Telegram only when linked, and
    neither without consent."""
    for chosen, telegram, email, consent in itertools.product(
        [None, *DeliveryChannel], [False, True], [False, True], [False, True]
    ):
        got = effective_channel(chosen, reach(telegram=telegram, email=email, consent=consent))
        assert telegram or got not in (TELEGRAM, BOTH)
        assert email or got not in (EMAIL, BOTH)
        assert consent or got == PAPER


def test_only_email_forms_need_an_address() -> None:
    assert [channel for channel in DeliveryChannel if needs_address(channel)] == [EMAIL, BOTH]
    assert not needs_address(None)


@pytest.mark.parametrize(
    ("channel", "granted", "address", "covers", "refusal"),
    [
        (DeliveryChannel.EMAIL, True, True, True, None),
        (DeliveryChannel.BOTH, True, True, True, None),
        (DeliveryChannel.EMAIL, True, False, True, NO_ADDRESS),
        (DeliveryChannel.BOTH, True, True, False, CONSENT_WITHOUT_EMAIL),
        (DeliveryChannel.TELEGRAM, True, False, False, None),
        (DeliveryChannel.PAPER, True, False, False, None),
        (DeliveryChannel.PAPER, False, True, True, NO_CONSENT),
        (DeliveryChannel.EMAIL, False, True, True, NO_CONSENT),
    ],
)
def test_a_form_is_chosen_only_when_it_can_reach_the_family(
    channel: DeliveryChannel, granted: bool, address: bool, covers: bool, refusal: str | None
) -> None:
    assert (
        choice_refused(
            channel, consent_granted=granted, address=address, consent_covers_email=covers
        )
        == refusal
    )
