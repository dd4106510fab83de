"""Erasing the e-mail addresses of people who refused or withdrew consent.

152-ФЗ art. 21 part 5: once consent is withdrawn the operator stops processing and destroys
the data within 30 days, unless another law requires keeping it. An address was given only
for delivering this service, so nothing requires keeping it. Unlike the Telegram account,
an address often belongs to a family that never linked Telegram (that is what e-mail is
for), so erasure follows the person's consent record, not an account: whoever withdrew,
in the bot or on paper, loses their addresses (every one in their history) 30 days later.
What stays of each entry is who recorded it, when and from which statement: the school's
record of the statement it received, which names no address. Erasure is not undone by a
later consent: a new consent needs a new statement with the address. What the person
chose to receive by letter (:mod:`bot.contacts.mail_preferences`) goes with the addresses.
"""

from __future__ import annotations

from datetime import datetime

from db.unit_of_work import UnitOfWork


async def erase_withdrawn_contacts(
    uow: UnitOfWork, now: datetime, decided_before: datetime
) -> tuple[int, int]:
    """Blank every address, and delete the letter choices, of the people whose consent was
    refused or withdrawn before ``decided_before`` (and not granted again since). The
    caller commits. Returns how many entries were blanked and how many choices deleted."""
    # Addresses given in the bot and never confirmed (or confirmed, hence on record) are
    # kept no longer than their link works.
    await uow.contacts.delete_expired_confirmations(now)
    records = await uow.contacts.erasable(decided_before)
    if records:
        await uow.contacts.erase_addresses([record.id for record in records], now)
    choices = await uow.contacts.erase_mail_preferences(decided_before)
    return len(records), choices
