"""The language of a letter's link page: the one the person the link is about chose for
their linked Telegram account, as their letters are written in it
(:attr:`bot.mail.recipients.MailRecipient.language`).

Asked only once the page's own service has found the link valid: a forged, expired or
withdrawn link must not tell anything about anyone, its language included.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.contacts.own import requested_for
from bot.i18n import LOCALES
from bot.mail.recipients import Recipient
from bot.mail.signed_links import ACKNOWLEDGE, CONFIRM, SETTINGS, UNSUBSCRIBE, verify
from db.unit_of_work import UnitOfWork


async def link_language(
    uow: UnitOfWork, clock: Clock, secret_key: str, purpose: str, token: str
) -> str | None:
    """The language chosen by the link's person, if they chose one of ours; else None."""
    person = await _person_of_link(uow, clock, secret_key, purpose, token)
    if person is None:
        return None
    role, person_id = person
    languages = await uow.contacts.languages(
        guardian_ids=[person_id] if role == "g" else [],
        student_ids=[person_id] if role == "s" else [],
    )
    chosen = languages.get(person)
    return chosen if chosen in LOCALES else None


async def _person_of_link(
    uow: UnitOfWork, clock: Clock, secret_key: str, purpose: str, token: str
) -> Recipient | None:
    signed = verify(secret_key, purpose, token, clock.now())
    if signed is None:
        return None
    subject_id = int(signed.subject[1:])
    if purpose in (UNSUBSCRIBE, SETTINGS):  # the subject is the person
        return (signed.subject[0], subject_id)
    if purpose == ACKNOWLEDGE:
        notice = await uow.finals.notice(subject_id)
        guardian_id = notice.guardian_id if notice is not None else None
        return ("g", guardian_id) if guardian_id is not None else None
    if purpose == CONFIRM:
        request = await uow.contacts.confirmation(subject_id)
        if request is None:
            return None
        subject = requested_for(request)
        return (subject.role, subject.id)
    return None
