"""Who may hear about a student now, with each reader's language and push preferences.

A reader is a Telegram account, or (issue 17) a family whose agreed form includes e-mail
(:attr:`Reader.mail_to`), or an adult student whose own agreed form does: the jobs that
push news treat them alike and :func:`bot.digests.outbox.queue_for_reader` sends each its
own way. A family (or an adult student) whose agreed form excludes Telegram (e-mail or
paper chosen) gets no Telegram pushes, though it may still use the bot. A minor student's
own contact data never counts (:func:`bot.contacts.own_subjects.adult_students`): their
account gets its pushes whatever was recorded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from bot.accounts.settings import AccountSettings
from bot.contacts.channels import Reach, effective_channel
from bot.contacts.mail_preferences import evening_briefs_chosen
from bot.contacts.own_subjects import adult_students
from bot.digests.preferences import PushKind, PushMode, PushPreferences
from bot.linking.rules import may_receive_data
from bot.mail.recipients import MailRecipient, mail_allowed, mail_readers, own_mail_readers
from db.models import AccountRole, ConsentRecord, ContactRecord, DeliveryChannel
from db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Reader:
    account_id: int
    language: str
    preferences: PushPreferences = field(default_factory=PushPreferences, compare=False)
    # The legal representative this account reads as; None for a student's own account.
    guardian_id: int | None = field(default=None, compare=False)
    # When the link was made: what the journal changed before is the baseline, not news.
    linked_at: datetime | None = field(default=None, compare=False)
    # A family reached by letter (account_id is then 0: there is no account).
    mail_to: MailRecipient | None = None


async def readers(uow: UnitOfWork, student_ids: set[int], now: datetime) -> dict[int, list[Reader]]:
    """Per student, the accounts that may receive its data now (active, consented)."""
    found = await uow.changes.readers_of(sorted(student_ids))
    guardians = [link.guardian_id for _, link, _ in found if link.guardian_id is not None]
    consents = await uow.linking.current_consents(guardians)
    contacts = await uow.contacts.current_of_guardians(guardians)
    own = sorted({s for s, link, _ in found if link.role == AccountRole.STUDENT})
    own_consents = await uow.linking.current_student_consents(own)
    # An adult student's own agreed form, as a guardian's; a minor's record never counts.
    own_contacts = await uow.contacts.current_of_students(
        sorted(await adult_students(uow, own, now))
    )
    by_student: dict[int, list[Reader]] = defaultdict(list)
    for student_id, link, account in found:
        if link.role == AccountRole.GUARDIAN and link.guardian_id is not None:
            record = consents.get(link.guardian_id)
            contact = contacts.get(link.guardian_id)
        else:
            record, contact = own_consents.get(student_id), own_contacts.get(student_id)
        if not may_receive_data(record.state if record else None):
            continue
        if not _telegram_agreed(record, contact):
            continue
        reader = Reader(
            account.id,
            account.language or "ru",
            AccountSettings.of(account).pushes,
            link.guardian_id if link.role == AccountRole.GUARDIAN else None,
            link.linked_at,
        )
        if reader not in by_student[student_id]:
            by_student[student_id].append(reader)
    return by_student


def _telegram_agreed(consent: ConsentRecord | None, contact: ContactRecord | None) -> bool:
    """Whether the family's effective form includes Telegram (it is linked: this reader)."""
    if contact is None or contact.channel is None:
        return True  # no choice: linked families get Telegram
    reach = Reach(consent_granted=True, telegram=True, email=mail_allowed(consent, contact))
    return effective_channel(contact.channel, reach) in (
        DeliveryChannel.TELEGRAM,
        DeliveryChannel.BOTH,
    )


async def readers_with_mail(
    uow: UnitOfWork, student_ids: set[int], now: datetime
) -> dict[int, list[Reader]]:
    """:func:`readers`, the families that get the student's news by e-mail, and the
    student themself when an adult who gets their own news by e-mail."""
    by_student = await readers(uow, student_ids, now)
    mailed = await mail_readers(uow, student_ids, now)
    themselves = await own_mail_readers(uow, student_ids, now)
    keys = {r.key for found in mailed.values() for r in found} | {
        r.key for r in themselves.values()
    }
    briefs = await evening_briefs_chosen(uow, keys)
    for student_id, recipients in mailed.items():
        by_student.setdefault(student_id, []).extend(
            Reader(0, r.language, by_letter(r.key in briefs), guardian_id=r.key[1], mail_to=r)
            for r in recipients
        )
    for student_id, r in themselves.items():
        by_student.setdefault(student_id, []).append(
            Reader(0, r.language, by_letter(r.key in briefs), guardian_id=None, mail_to=r)
        )
    return by_student


def by_letter(evening_brief: bool) -> PushPreferences:
    """A family on e-mail tunes nothing but the evening brief, which is off unless chosen
    (:mod:`bot.contacts.mail_preferences`); it comes at the default hour."""
    mode = PushMode.INSTANT if evening_brief else PushMode.OFF
    return PushPreferences().with_mode(PushKind.BRIEF, mode)


async def students_in_reach(uow: UnitOfWork, school_id: int) -> list[int]:
    """The school's students whose news may reach someone: a link in Telegram, a guardian
    with an address on record (a family entirely on e-mail has no link at all), or an
    address of the student's own. Who of them actually gets it is
    :func:`readers_with_mail`'s rule; sorted for a stable order."""
    linked = await uow.changes.linked_students(school_id)
    addressed = await uow.contacts.students_with_guardian_addresses(school_id)
    own = await uow.contacts.students_with_own_addresses(school_id)
    return sorted({*linked, *addressed, *own})
