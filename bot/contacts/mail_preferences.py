"""What a person reached by e-mail chose to receive by letter: the evening brief about
tomorrow, opt-in (a letter every evening is more than most families asked for; in Telegram
it is a quiet message they switch off in /settings, a family known only by its address has
no /settings).

The choice is set by the school (``ediary contacts set``, the office console: from the
family's statement, through :func:`bot.contacts.register.record_contact`) or by the family
itself with the signed link in every letter's footer (:mod:`bot.mail.letter_settings`).
Every change is an audit event like the other contact changes; the choice is erased with
the addresses (:mod:`bot.contacts.erasure`).

Only the brief is offered: the daily summary and the quiet hours of Telegram's
preferences have no meaning by letter — a family's due letter parts already go out
together as one letter, and a letter wakes nobody.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from db.unit_of_work import UnitOfWork

Person = tuple[str, int]  # ("g", guardian id) or ("s", adult student id)
CHANGED = "contact.preference_changed"


async def evening_briefs_chosen(uow: UnitOfWork, people: Collection[Person]) -> set[Person]:
    """Those of ``people`` who chose the evening brief by letter (one query)."""
    if not people:
        return set()
    stored = await uow.contacts.mail_preferences(
        guardian_ids=sorted(i for role, i in people if role == "g"),
        student_ids=sorted(i for role, i in people if role == "s"),
    )
    return {person for person, row in stored.items() if row.evening_brief}


async def evening_brief_chosen(uow: UnitOfWork, person: Person) -> bool:
    return person in await evening_briefs_chosen(uow, [person])


async def change_evening_brief(
    uow: UnitOfWork,
    now: datetime,
    school_id: int,
    person: Person,
    chosen: bool,
    *,
    actor: str,
    details: dict[str, Any] | None = None,
) -> bool:
    """Store the choice; an audit event when it changed (False: it was already so). The
    caller has checked the consent, and commits."""
    if await evening_brief_chosen(uow, person) == chosen:
        return False
    role, person_id = person
    await uow.contacts.set_evening_brief(
        school_id=school_id,
        guardian_id=person_id if role == "g" else None,
        student_id=person_id if role == "s" else None,
        chosen=chosen,
        actor=actor,
        now=now,
    )
    uow.audit.record(
        at=now,
        actor=actor,
        action=CHANGED,
        school_id=school_id,
        subject_type="guardian" if role == "g" else "student",
        subject_id=person_id,
        details={"evening_brief": chosen, **(details or {})},
    )
    return True
