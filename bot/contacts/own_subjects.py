"""Whose contact data an account may give in the bot: the guardians it is linked as (for the
children they represent), and itself when it is linked as a student who is an adult.

A minor student's letters go to the parents' addresses, so a minor (or a student whose date
of birth the school has not recorded, whose age nobody can tell) gives none: the refusal
says which, and the handler words it.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from db.models import AccountRole
from db.unit_of_work import UnitOfWork

ADULT_AGE = 18

NOT_LINKED = "not_linked"  # neither a guardian nor a student in the bot
MINOR = "minor_student"
NO_BIRTH_DATE = "no_birth_date"


class OwnContactRefused(Exception):
    """The request cannot be done; ``reason`` names why (the handler words it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class OwnSubject:
    """A person whose contact data the account gives: ``("g", guardian id)`` or
    ``("s", student id)`` as a letter's recipient is named."""

    role: str
    id: int
    school_id: int

    @property
    def guardian_id(self) -> int | None:
        return self.id if self.role == "g" else None

    @property
    def student_id(self) -> int | None:
        return self.id if self.role == "s" else None

    @property
    def kind(self) -> str:
        """As the audit trail names a subject."""
        return "guardian" if self.role == "g" else "student"


def adulthood(birth_date: date) -> date:
    """The day one turns 18. Born on 29 February: the 28th in a common year, the last day
    of the month, as the Civil Code ends a term (art. 192 part 3)."""
    year = birth_date.year + ADULT_AGE
    day = min(birth_date.day, calendar.monthrange(year, birth_date.month)[1])
    return date(year, birth_date.month, day)


def is_adult(birth_date: date | None, today: date) -> bool:
    return birth_date is not None and today >= adulthood(birth_date)


async def adult_students(uow: UnitOfWork, student_ids: Collection[int], now: datetime) -> set[int]:
    """Those of ``student_ids`` who are adults on their school's date (one query). Only
    their own contact data counts: a minor's, or one without a date of birth, recorded by
    mistake is never used (their letters go to the parents)."""
    found = await uow.contacts.birth_dates(sorted(set(student_ids)))
    return {
        student_id
        for student_id, (birth_date, timezone) in found.items()
        if is_adult(birth_date, now.astimezone(ZoneInfo(timezone)).date())
    }


async def own_subjects(uow: UnitOfWork, telegram_user_id: int, now: datetime) -> list[OwnSubject]:
    """The guardians the account is linked as, then itself as an adult student, each once,
    in the order linked. :class:`OwnContactRefused` when there is nobody: ``minor_student``
    or ``no_birth_date`` for a student who may not, else ``not_linked``."""
    found: list[OwnSubject] = []
    refusal = NOT_LINKED
    for link in await uow.linking.family_links(telegram_user_id):
        if link.role == AccountRole.GUARDIAN and link.guardian_id is not None:
            subject = OwnSubject("g", link.guardian_id, link.school_id)
        elif link.role == AccountRole.STUDENT:
            student = await uow.linking.get_student(link.student_id)
            today = now.astimezone(ZoneInfo(link.timezone)).date()
            birth_date = student.birth_date if student else None
            if not is_adult(birth_date, today):
                refusal = MINOR if birth_date is not None else NO_BIRTH_DATE
                continue
            subject = OwnSubject("s", link.student_id, link.school_id)
        else:
            continue
        if subject not in found:
            found.append(subject)
    if not found:
        raise OwnContactRefused(refusal)
    return found


async def offers_own_contact(uow: UnitOfWork, telegram_user_id: int) -> bool:
    """Whether /settings shows the e-mail entry: to a guardian, and to a student (an adult
    gives their address there; a minor is told why not)."""
    return bool(await uow.linking.family_links(telegram_user_id))
