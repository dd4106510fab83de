"""Who can be sent a letter now, and at which address: looked up when a letter is queued
and again when it is sent, so a withdrawal, a changed form or a refused address stops
the letters still waiting.

A letter goes only to a person (a guardian, or an adult student for themself) whose
consent is granted *and* of a text version that names the e-mail address and e-mail
distribution (:func:`covers_email`; an address recorded under the Telegram-only consent of
2026-11 is kept, but nothing is mailed to it), with an address on record that the relay
has not refused, and whose effective form of delivery includes e-mail. A student must be
18 or older on the school's date by the journal's date of birth: a minor's address (or
one of a student whose date of birth is not recorded), put on record by mistake, is never
written to — the parents get the child's letters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from bot.contacts.addresses import InvalidEmail, parse_email
from bot.contacts.channels import Reach, effective_channel
from bot.contacts.own_subjects import adult_students
from bot.linking.consent_text import covers_email
from bot.linking.rules import may_receive_data
from db.models import ConsentRecord, ContactRecord, DeliveryChannel
from db.unit_of_work import UnitOfWork

DEFAULT_LANGUAGE = "ru"
Recipient = tuple[str, int]  # ("g", guardian id) or ("s", student id)
BY_MAIL = (DeliveryChannel.EMAIL, DeliveryChannel.BOTH)


@dataclass(frozen=True)
class MailRecipient:
    key: Recipient
    name: str
    address: str  # with the domain in ASCII, for the envelope and the To header
    channel: DeliveryChannel  # EMAIL or BOTH
    # The language of the person's linked Telegram account; a family known only by its
    # address has chosen none, and gets the school's (Russian).
    language: str = DEFAULT_LANGUAGE


def mail_allowed(consent: ConsentRecord | None, record: ContactRecord | None) -> bool:
    """The consent and the address allow e-mail (whatever form the family chose)."""
    if consent is None or not may_receive_data(consent.state):
        return False
    if not covers_email(consent.text_version):
        return False
    return record is not None and record.email is not None and record.invalid_reason is None


async def reachable_by_mail(
    uow: UnitOfWork, keys: Collection[Recipient], now: datetime
) -> dict[Recipient, MailRecipient]:
    """Those of ``keys`` a letter may go to now."""
    guardian_ids = sorted(i for role, i in keys if role == "g")
    student_ids = sorted(await adult_students(uow, {i for role, i in keys if role == "s"}, now))
    consents: dict[Recipient, ConsentRecord] = {}
    records: dict[Recipient, ContactRecord] = {}
    if guardian_ids:
        consents.update({("g", i): c for i, c in
                         (await uow.linking.current_consents(guardian_ids)).items()})  # fmt: skip
        own_records = await uow.contacts.current_of_guardians(guardian_ids)
        records.update({("g", i): r for i, r in own_records.items()})
    if student_ids:
        own = await uow.linking.current_student_consents(student_ids)
        consents.update({("s", i): c for i, c in own.items()})
        records.update({("s", i): r for i, r in
                        (await uow.contacts.current_of_students(student_ids)).items()})  # fmt: skip
    linked_guardians, linked_students = await uow.contacts.reachable_in_telegram(
        guardian_ids=guardian_ids, student_ids=student_ids
    )
    names = await uow.mail.names(guardian_ids, student_ids)
    languages = await uow.contacts.languages(guardian_ids=guardian_ids, student_ids=student_ids)
    found: dict[Recipient, MailRecipient] = {}
    for key in keys:
        consent, record = consents.get(key), records.get(key)  # none for a minor
        if not mail_allowed(consent, record):
            continue
        assert record is not None
        assert record.email is not None
        telegram = key[1] in (linked_guardians if key[0] == "g" else linked_students)
        channel = effective_channel(
            record.channel, Reach(consent_granted=True, telegram=telegram, email=True)
        )
        if channel not in BY_MAIL:
            continue
        try:
            address = parse_email(record.email).ascii
        except InvalidEmail:
            continue  # recorded before a stricter rule: never sent to
        found[key] = MailRecipient(
            key, names.get(key, ""), address, channel, languages.get(key, DEFAULT_LANGUAGE)
        )
    return found


async def mail_readers(
    uow: UnitOfWork, student_ids: Collection[int], now: datetime
) -> dict[int, list[MailRecipient]]:
    """Per student, the guardians who get its news by e-mail now."""
    pairs = await uow.mail.guardians_of(sorted(student_ids))
    reachable = await reachable_by_mail(uow, {("g", guardian.id) for _, guardian in pairs}, now)
    by_student: dict[int, list[MailRecipient]] = defaultdict(list)
    for student_id, guardian in pairs:
        recipient = reachable.get(("g", guardian.id))
        if recipient is not None:
            by_student[student_id].append(recipient)
    return by_student


async def own_mail_readers(
    uow: UnitOfWork, student_ids: Collection[int], now: datetime
) -> dict[int, MailRecipient]:
    """The adult students among ``student_ids`` who get their own news by e-mail now."""
    reachable = await reachable_by_mail(uow, {("s", i) for i in student_ids}, now)
    return {person_id: recipient for (_, person_id), recipient in reachable.items()}
