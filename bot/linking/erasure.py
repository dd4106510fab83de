"""Erasing what this channel kept about a person, 30 days after they withdrew consent."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.contacts.erasure import erase_withdrawn_contacts
from db.unit_of_work import UnitOfWork

ERASE_AFTER = timedelta(days=30)


async def erase_withdrawn_accounts(uow: UnitOfWork, clock: Clock) -> int:
    """Run daily; idempotent. Returns how many accounts were erased.

    The e-mail addresses of the people who withdrew go in the same run (see
    :mod:`bot.contacts.erasure` for why they follow the consent, not the account)."""
    now = clock.now()
    accounts = await uow.linking.accounts_to_erase(now - ERASE_AFTER)
    for account in accounts:
        await uow.linking.erase_account(account)
    if accounts:
        uow.audit.record(
            at=now, actor="system", action="accounts.erased", details={"count": len(accounts)}
        )
    addresses, choices = await erase_withdrawn_contacts(uow, now, now - ERASE_AFTER)
    if addresses or choices:
        details = {"entries": addresses, **({"letter_choices": choices} if choices else {})}
        uow.audit.record(at=now, actor="system", action="contacts.erased", details=details)
    await uow.commit()
    return len(accounts)
