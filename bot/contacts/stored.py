"""What /privacy shows of a person's contact data: every address kept in the contact
history of the people an account is linked as (the current one with the agreed form, then
the earlier ones erasure has not reached yet), and an address given in the bot that is
still waiting for its link to be opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.contacts.mail_preferences import evening_brief_chosen
from db.models import AccountRole, DeliveryChannel
from db.unit_of_work import UnitOfWork

Subject = tuple[int | None, int | None]  # (guardian id, student id), one of them set


@dataclass(frozen=True)
class StoredContact:
    """An e-mail address kept in the contact history of a person the account is linked as."""

    address: str
    recorded_at: datetime
    current: bool  # False: an earlier address, still in the history until erasure
    channel: DeliveryChannel | None  # the agreed form, with the current address
    evening_brief: bool = False  # chosen by letter, with the current address


@dataclass(frozen=True)
class PendingAddress:
    """An address given in the bot, not on record until its link is opened."""

    address: str
    until: datetime  # when the link stops working, in the school's time zone


async def linked_subjects(uow: UnitOfWork, account_id: int) -> list[Subject]:
    """The guardians and students this account is linked as, each once."""
    subjects: list[Subject] = []
    for link in await uow.linking.active_links(account_id):
        subject: Subject
        if link.role == AccountRole.GUARDIAN:
            subject = (link.guardian_id, None)
        elif link.role == AccountRole.STUDENT:
            subject = (None, link.student_id)
        else:
            continue
        if subject not in subjects:
            subjects.append(subject)
    return subjects


async def stored_contacts(uow: UnitOfWork, subjects: list[Subject]) -> list[StoredContact]:
    """Every address kept about these people: the current one first, then the earlier ones
    the history still holds (each once)."""
    stored: list[StoredContact] = []
    for guardian_id, student_id in subjects:
        history = await uow.contacts.history(guardian_id=guardian_id, student_id=student_id)
        if not history:
            continue
        newest = history[-1]
        if newest.email is not None:
            person = ("g", guardian_id) if guardian_id is not None else ("s", student_id or 0)
            brief = await evening_brief_chosen(uow, person)
            stored.append(
                StoredContact(newest.email, newest.recorded_at, True, newest.channel, brief)
            )
        earlier: dict[str, datetime] = {}
        for record in history:
            if record.email is not None and record.email != newest.email:
                earlier[record.email] = record.recorded_at
        stored += [StoredContact(address, at, False, None) for address, at in earlier.items()]
    return stored


async def pending_addresses(
    uow: UnitOfWork, subjects: list[Subject], now: datetime
) -> list[PendingAddress]:
    """The addresses waiting for confirmation; one given for several people (a parent in
    two schools) once."""
    requests = await uow.contacts.open_confirmations(
        now,
        guardian_ids=[g for g, _ in subjects if g is not None],
        student_ids=[s for _, s in subjects if s is not None],
    )
    found: dict[tuple[str, datetime], PendingAddress] = {}
    for request in requests:
        if (request.email, request.expires_at) in found:
            continue
        school = await uow.schools.get(request.school_id)
        until = request.expires_at.astimezone(ZoneInfo(school.timezone))
        found[(request.email, request.expires_at)] = PendingAddress(request.email, until)
    return list(found.values())
