"""Who is using the console: a school admin (every class of the school) or a class teacher
(their own classes), re-read on every request so an ended link ends the access at once."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import AccountRole, Guardian, School, SchoolClass, Student, TelegramAccount
from db.unit_of_work import UnitOfWork


class NotFound(Exception):
    """No such thing in the staff member's school (or at all): answered 404."""


class Forbidden(Exception):
    """In the school, but not the staff member's (another teacher's class): answered 403."""


@dataclass(frozen=True)
class Staff:
    account_id: int
    telegram_user_id: int
    school: School
    name: str
    is_admin: bool
    classes: tuple[SchoolClass, ...]  # what they may see and act for

    @property
    def actor(self) -> str:
        """Who did it, for the consent register and the audit trail."""
        return f"office:{self.telegram_user_id}"

    def own_class(self, class_id: int) -> SchoolClass | None:
        return next((c for c in self.classes if c.id == class_id), None)


async def staff_in_school(uow: UnitOfWork, account_id: int, school_id: int) -> Staff | None:
    """The account as staff of this school: an admin, else a class teacher with a class."""
    links = [
        link for link in await uow.office.staff_links(account_id) if link.school_id == school_id
    ]
    if not links:
        return None
    school = await uow.schools.get(school_id)
    telegram_user_id = await _telegram_user(uow, account_id)
    if any(link.role == AccountRole.ADMIN for link in links):
        classes = await uow.teachers.classes_of_school(school.id)
        return Staff(account_id, telegram_user_id, school, school.name, True, tuple(classes))
    for link in links:
        if link.teacher_id is None:
            continue
        teacher = await uow.linking.get_teacher(link.teacher_id)
        classes = await uow.linking.classes_of_teacher(link.teacher_id)
        if teacher is not None and classes:  # a subject teacher has no class of their own
            return Staff(
                account_id, telegram_user_id, school, teacher.full_name, False, tuple(classes)
            )
    return None


async def _telegram_user(uow: UnitOfWork, account_id: int) -> int:
    account = await uow.session.get(TelegramAccount, account_id)
    assert account is not None  # the links point at it
    return account.telegram_user_id


async def staff_schools(uow: UnitOfWork, telegram_user_id: int) -> list[Staff]:
    """Every school the Telegram user works in as an admin or a class teacher."""
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None:
        return []
    school_ids = dict.fromkeys(link.school_id for link in await uow.office.staff_links(account.id))
    found = [await staff_in_school(uow, account.id, school_id) for school_id in school_ids]
    return [staff for staff in found if staff is not None]


async def class_of_staff(uow: UnitOfWork, staff: Staff, class_id: int) -> SchoolClass:
    """One of the staff member's classes; another school's or a made-up id is NotFound,
    another class of their own school is Forbidden."""
    own = staff.own_class(class_id)
    if own is not None:
        return own
    found = await uow.office.school_class(class_id)
    if found is None or found.school_id != staff.school.id:
        raise NotFound
    raise Forbidden


async def guardian_of_staff(uow: UnitOfWork, staff: Staff, guardian_id: int) -> Guardian:
    """A guardian of a child in one of the staff member's classes (else NotFound/Forbidden)."""
    guardian = await uow.linking.get_guardian(guardian_id)
    if guardian is None or guardian.school_id != staff.school.id:
        raise NotFound
    pairs = await uow.linking.guardian_pairs(guardian_id=guardian.id)
    if not any(staff.own_class(school_class.id) for _g, _s, school_class in pairs):
        raise Forbidden
    return guardian


async def student_of_staff(uow: UnitOfWork, staff: Staff, student_id: int) -> Student:
    """A student of one of the staff member's classes (else NotFound/Forbidden)."""
    student = await uow.linking.get_student(student_id)
    if student is None or student.school_id != staff.school.id:
        raise NotFound
    if staff.own_class(student.class_id) is None:
        raise Forbidden
    return student
