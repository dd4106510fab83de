"""The letter settings a family opens from the footer of any letter (``/mail/settings/…``):
what it chose to receive by letter, now the evening brief about tomorrow
(:mod:`bot.contacts.mail_preferences`).

The signed link names the person (a guardian, or an adult student for themself) and works
for as long as an unsubscribe link. It is refused, like a forged or expired one, when the
person's consent is no longer granted: nothing about them is processed then.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.contacts.mail_preferences import Person, change_evening_brief, evening_brief_chosen
from bot.linking.rules import may_receive_data
from bot.mail.contact_entries import MAIL_ACTOR
from bot.mail.signed_links import SETTINGS, verify
from db.models import Guardian, Student
from db.unit_of_work import UnitOfWork

SETTINGS_ACTOR = f"{MAIL_ACTOR}:settings"


@dataclass(frozen=True)
class LetterSettings:
    name: str  # whose settings: the person the letters are addressed to
    evening_brief: bool


@dataclass(frozen=True)
class _Found:
    person: Person
    school_id: int
    name: str


async def _person(uow: UnitOfWork, clock: Clock, secret_key: str, token: str) -> _Found | None:
    """The person a valid link names, while their consent is granted."""
    signed = verify(secret_key, SETTINGS, token, clock.now())
    if signed is None:
        return None
    role, person_id = signed.subject[0], int(signed.subject[1:])
    found: Guardian | Student | None
    if role == "g":
        found = await uow.linking.get_guardian(person_id)
        consent = await uow.linking.current_consent(guardian_id=person_id)
    else:
        found = await uow.linking.get_student(person_id)
        consent = await uow.linking.current_consent(student_id=person_id)
    if found is None or consent is None or not may_receive_data(consent.state):
        return None
    return _Found((role, person_id), found.school_id, found.full_name)


async def letter_settings(
    uow: UnitOfWork, clock: Clock, secret_key: str, token: str
) -> LetterSettings | None:
    """What the page shows (a GET changes nothing); None: the link is not valid."""
    found = await _person(uow, clock, secret_key, token)
    if found is None:
        return None
    return LetterSettings(found.name, await evening_brief_chosen(uow, found.person))


async def choose_by_letter(
    uow: UnitOfWork, clock: Clock, secret_key: str, token: str, *, evening_brief: bool
) -> LetterSettings | None:
    """The page's POST: store the choice (an audit event when it changed); None: the link
    is not valid and nothing changed."""
    found = await _person(uow, clock, secret_key, token)
    if found is None:
        return None
    await change_evening_brief(
        uow, clock.now(), found.school_id, found.person, evening_brief,
        actor=SETTINGS_ACTOR, details={"via": "letter"},
    )  # fmt: skip
    await uow.commit()
    return LetterSettings(found.name, evening_brief)
