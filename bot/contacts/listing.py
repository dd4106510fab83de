"""Every family of a school (or class) with its contact data and the form its deliveries take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.contacts.channels import Reach, effective_channel
from bot.contacts.mail_preferences import evening_briefs_chosen
from bot.contacts.own_subjects import adult_students
from bot.linking.rules import may_receive_data
from bot.mail.recipients import mail_allowed
from db.models import (
    ConsentRecord,
    ConsentState,
    ContactForm,
    ContactRecord,
    DeliveryChannel,
    School,
)
from db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class FamilyContact:
    role: str  # "guardian", or "student" for an adult student's own contact data
    person_id: int  # the guardian's or the student's database id
    external_id: str
    name: str
    student: str
    class_name: str
    consent: ConsentState | None
    telegram: bool
    email: str | None
    chosen: DeliveryChannel | None
    effective: DeliveryChannel
    form: ContactForm | None
    document_ref: str | None
    recorded_at: datetime | None
    recorded_by: str | None
    evening_brief: bool = False  # chosen by letter (bot.contacts.mail_preferences)


class UnknownClass(Exception):
    """``str()`` is the one line to show."""


async def family_contacts(
    uow: UnitOfWork, school: School, now: datetime, class_name: str | None = None
) -> list[FamilyContact]:
    """A row per guardian and child (as the consent list), then the students who have
    contact data of their own (a minor's, recorded by mistake, is shown but never used:
    the effective form then ignores it, as the letters do)."""
    class_id = None
    if class_name:
        found = await uow.linking.class_by_name(school.id, class_name)
        if found is None:
            raise UnknownClass(f"no class {class_name!r} in this school")
        class_id = found.id
    pairs = [p for p in await uow.linking.guardian_pairs(class_id=class_id)
             if p[0].school_id == school.id]  # fmt: skip
    adults = await uow.contacts.students_with_contacts(school.id, class_id)
    guardian_ids = [guardian.id for guardian, _, _ in pairs]
    student_ids = [student.id for student, _ in adults]
    consents = await uow.linking.current_consents(guardian_ids)
    own_consents = await uow.linking.current_student_consents(student_ids)
    records = await uow.contacts.current_of_guardians(guardian_ids)
    own_records = await uow.contacts.current_of_students(student_ids)
    linked, linked_students = await uow.contacts.reachable_in_telegram(
        guardian_ids=guardian_ids, student_ids=student_ids
    )
    grown = await adult_students(uow, student_ids, now)
    briefs = await evening_briefs_chosen(
        uow, [("g", i) for i in guardian_ids] + [("s", i) for i in student_ids]
    )
    rows = [
        _row("guardian", guardian.id, guardian.external_id, guardian.full_name, student.full_name,
             school_class.name, consents.get(guardian.id), guardian.id in linked,
             records.get(guardian.id), ("g", guardian.id) in briefs)
        for guardian, student, school_class in pairs
    ]  # fmt: skip
    rows += [
        _row("student", student.id, student.external_id, student.full_name, student.full_name,
             school_class.name, own_consents.get(student.id), student.id in linked_students,
             own_records.get(student.id), ("s", student.id) in briefs,
             counts=student.id in grown)
        for student, school_class in adults
    ]  # fmt: skip
    return rows


def _row(
    role: str,
    person_id: int,
    external_id: str,
    name: str,
    student: str,
    class_name: str,
    consent: ConsentRecord | None,
    telegram: bool,
    record: ContactRecord | None,
    evening_brief: bool,
    *,
    counts: bool = True,
) -> FamilyContact:
    state = consent.state if consent else None
    email = record.email if record else None
    chosen = record.channel if record else None
    # E-mail counts only under a consent whose text covers it, to an address not refused;
    # a minor student's own entry not at all.
    reach = Reach(consent_granted=may_receive_data(state), telegram=telegram,
                  email=counts and mail_allowed(consent, record))  # fmt: skip
    return FamilyContact(
        role=role,
        person_id=person_id,
        external_id=external_id,
        name=name,
        student=student,
        class_name=class_name,
        consent=state,
        telegram=telegram,
        email=email,
        chosen=chosen,
        effective=effective_channel(chosen if counts else None, reach),
        form=record.form if record else None,
        document_ref=record.document_ref if record else None,
        recorded_at=record.recorded_at if record else None,
        recorded_by=record.recorded_by if record else None,
        evening_brief=evening_brief,
    )
