"""The one look-up every diary answer starts with: an account's active guardian and student
links with their children, classes, schools and current consents.

The statement is built once per process and bound per call: it runs for every update
people send, and building a select of five tables and a correlated subquery cost more CPU
than the database spends answering it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, bindparam, or_, select

from db.models import (
    AccountLink,
    AccountRole,
    ConsentRecord,
    ConsentState,
    School,
    SchoolClass,
    Student,
    TelegramAccount,
)


@dataclass(frozen=True)
class FamilyLink:
    """One active guardian or student link of an account, with what the diary needs to know
    about it: the child, the class, the school's zone and the current consent."""

    account_active: bool
    link_id: int
    role: AccountRole
    guardian_id: int | None
    student_id: int
    student_name: str
    class_id: int
    class_name: str
    school_id: int
    timezone: str
    school_settings: dict[str, Any]  # as stored; bot.schools.settings reads it
    consent: ConsentState | None  # the newest record for this link's data subject


@functools.cache
def family_links_statement() -> Select[*tuple[Any, ...]]:
    """Bound with ``telegram_user_id``; the columns in :class:`FamilyLink`'s order."""
    consent = (
        select(ConsentRecord.state)
        .where(
            or_(
                and_(
                    AccountLink.role == AccountRole.GUARDIAN,
                    ConsentRecord.guardian_id == AccountLink.guardian_id,
                ),
                and_(
                    AccountLink.role == AccountRole.STUDENT,
                    ConsentRecord.student_id == AccountLink.student_id,
                    ConsentRecord.guardian_id.is_(None),
                ),
            )
        )
        .order_by(ConsentRecord.recorded_at.desc(), ConsentRecord.id.desc())
        .limit(1)
        .correlate(AccountLink)
        .scalar_subquery()
    )
    return (
        select(
            TelegramAccount.is_active,
            AccountLink.id,
            AccountLink.role,
            AccountLink.guardian_id,
            Student.id,
            Student.full_name,
            SchoolClass.id,
            SchoolClass.name,
            School.id,
            School.timezone,
            School.settings,
            consent,
        )
        .join(AccountLink, AccountLink.account_id == TelegramAccount.id)
        .join(Student, Student.id == AccountLink.student_id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .join(School, School.id == Student.school_id)
        .where(
            TelegramAccount.telegram_user_id == bindparam("telegram_user_id"),
            AccountLink.ended_at.is_(None),
            AccountLink.role.in_((AccountRole.GUARDIAN, AccountRole.STUDENT)),
        )
        .order_by(AccountLink.linked_at, AccountLink.id)
    )
