"""Recording the contact data a family gave the school: an e-mail address from their written
statement, its removal, and the form of delivery they agreed to. Append-only, like the
consent register; the newest entry is the person's contact data."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.contacts.addresses import InvalidEmail, parse_email
from bot.contacts.channels import needs_address
from bot.contacts.mail_preferences import Person, change_evening_brief, evening_brief_chosen
from bot.linking.rules import may_receive_data
from db.models import (
    ConsentState,
    ContactForm,
    ContactRecord,
    DeliveryChannel,
    Guardian,
    School,
    Student,
)
from db.unit_of_work import UnitOfWork

DOCUMENT_MAX = 200  # the column's length


# Why a request was refused, for a caller that words it itself (the office console): the
# reason, and the field of the request it is about.
NOTHING_GIVEN = "nothing_given"
NO_CONSENT = "no_consent"
NO_ADDRESS = "no_address"
BAD_ADDRESS = "bad_address"
BAD_DOCUMENT = "bad_document"
LONG_DOCUMENT = "long_document"
NOTHING_TO_REMOVE = "nothing_to_remove"
NO_SUCH_PERSON = "no_such_person"


class ContactError(Exception):
    """A request that cannot be done; ``str()`` says why in one line. Nothing was changed."""

    def __init__(self, message: str, reason: str = NO_SUCH_PERSON, field: str = "person") -> None:
        super().__init__(message)
        self.reason = reason
        self.field = field


@dataclass(frozen=True)
class ContactSubject:
    """Whose contact data it is: a guardian, or an adult student for themself."""

    guardian: Guardian | None
    student: Student | None

    @property
    def name(self) -> str:
        person = self.guardian or self.student
        assert person is not None
        return person.full_name

    @property
    def kind(self) -> str:
        return "guardian" if self.guardian is not None else "student"

    @property
    def id(self) -> int:
        person = self.guardian or self.student
        assert person is not None
        return person.id

    @property
    def person(self) -> Person:
        return ("g" if self.guardian is not None else "s", self.id)


@dataclass(frozen=True)
class RecordedContact:
    who: str
    email: str | None
    channel: DeliveryChannel | None
    form: ContactForm
    document_ref: str | None
    recorded_at: datetime
    evening_brief: bool = False  # chosen by letter (bot.contacts.mail_preferences)


async def record_contact(
    uow: UnitOfWork,
    clock: Clock,
    school: School,
    *,
    guardian_ref: str | None,
    student_ref: str | None,
    email: str | None,
    channel: DeliveryChannel | None,
    form: ContactForm,
    document_ref: str | None,
    actor: str,
    evening_brief: bool | None = None,
) -> RecordedContact:
    """Record a new address, a chosen form of delivery, the evening brief by letter chosen
    or not, or any of them together (one transaction), from the family's statement.

    Only under a granted consent: the address is personal data the consent covers."""
    if email is None and channel is None and evening_brief is None:
        raise ContactError(
            "give the address (--email), the form of delivery (--channel) or the evening "
            "brief (--evening-brief/--no-evening-brief)",
            NOTHING_GIVEN,
            "email",
        )
    document = _document(document_ref)
    address = _address(email) if email is not None else None
    subject = await _consenting_subject(uow, school, guardian_ref, student_ref)
    current = await _current(uow, subject)
    entry = email is not None or channel is not None
    if address is None:
        address = current.email if current else None
    if channel is None:
        channel = current.channel if current else None
    if entry and needs_address(channel) and address is None:
        raise ContactError(
            f"{subject.name} has no e-mail address on record: give --email", NO_ADDRESS, "email"
        )
    now = clock.now()
    if entry:
        _add_entry(uow, now, school, subject, address, channel, form, document,
                   actor=actor, action="contact.recorded")  # fmt: skip
    if evening_brief is not None:
        await change_evening_brief(
            uow, now, school.id, subject.person, evening_brief, actor=actor,
            details={"form": form.value, "document": document},
        )  # fmt: skip
    brief = await evening_brief_chosen(uow, subject.person)
    await uow.commit()
    return RecordedContact(subject.name, address, channel, form, document, now, brief)


async def remove_contact(
    uow: UnitOfWork,
    clock: Clock,
    school: School,
    *,
    guardian_ref: str | None,
    student_ref: str | None,
    document_ref: str | None,
    actor: str,
) -> RecordedContact:
    """The family withdraws its address (the chosen form stays; the rule falls back)."""
    document = _document(document_ref)
    subject = await contact_subject(uow, school, guardian_ref, student_ref)
    current = await _current(uow, subject)
    if current is None or current.email is None:
        raise ContactError(
            f"{subject.name} has no e-mail address on record", NOTHING_TO_REMOVE, "email"
        )
    now = clock.now()
    _add_entry(uow, now, school, subject, None, current.channel, ContactForm.PAPER, document,
               actor=actor, action="contact.removed")  # fmt: skip
    brief = await evening_brief_chosen(uow, subject.person)
    await uow.commit()
    return RecordedContact(
        subject.name, None, current.channel, ContactForm.PAPER, document, now, brief
    )


async def contact_subject(
    uow: UnitOfWork, school: School, guardian_ref: str | None, student_ref: str | None
) -> ContactSubject:
    """The guardian or the adult student named, never both."""
    if guardian_ref and student_ref:
        raise ContactError("name one person: --guardian EXT or --student EXT, not both")
    if not guardian_ref and not student_ref:
        raise ContactError("name the person: --guardian EXT or --student EXT")
    if guardian_ref:
        guardian = await uow.linking.guardian(school.id, guardian_ref)
        if guardian is None:
            raise ContactError(f"no guardian {guardian_ref!r} in this school")
        return ContactSubject(guardian, None)
    student = await uow.linking.student(school.id, student_ref or "")
    if student is None:
        raise ContactError(f"no student {student_ref!r} in this school")
    return ContactSubject(None, student)


def _add_entry(
    uow: UnitOfWork,
    now: datetime,
    school: School,
    subject: ContactSubject,
    email: str | None,
    channel: DeliveryChannel | None,
    form: ContactForm,
    document_ref: str | None,
    *,
    actor: str,
    action: str,
) -> None:
    uow.contacts.add(
        ContactRecord(
            school_id=school.id,
            guardian_id=subject.guardian.id if subject.guardian else None,
            student_id=subject.student.id if subject.student else None,
            email=email,
            channel=channel,
            form=form,
            recorded_by=actor,
            recorded_at=now,
            document_ref=document_ref,
        )
    )
    # The address itself stays out of the audit trail: the trail is kept for good, while
    # the address must be erasable (see bot.contacts.erasure).
    uow.audit.record(
        at=now,
        actor=actor,
        action=action,
        school_id=school.id,
        subject_type=subject.kind,
        subject_id=subject.id,
        details={
            "form": form.value,
            "document": document_ref,
            "channel": channel.value if channel else None,
            "has_address": email is not None,
        },
    )


async def _consenting_subject(
    uow: UnitOfWork, school: School, guardian_ref: str | None, student_ref: str | None
) -> ContactSubject:
    """The person named, when their consent is granted (contact data is kept only so)."""
    subject = await contact_subject(uow, school, guardian_ref, student_ref)
    consent = await _consent(uow, subject)
    if not may_receive_data(consent):
        state = consent.value if consent else "no consent on record"
        raise ContactError(
            f"{subject.name}: {state}; contact data is kept only under a granted consent "
            "(record it first with ediary consent grant)",
            NO_CONSENT,
        )
    return subject


async def _current(uow: UnitOfWork, subject: ContactSubject) -> ContactRecord | None:
    if subject.guardian is not None:
        return await uow.contacts.current(guardian_id=subject.guardian.id)
    return await uow.contacts.current(student_id=subject.id)


async def _consent(uow: UnitOfWork, subject: ContactSubject) -> ConsentState | None:
    if subject.guardian is not None:
        record = await uow.linking.current_consent(guardian_id=subject.guardian.id)
    else:
        record = await uow.linking.current_consent(student_id=subject.id)
    return record.state if record else None


def _address(email: str) -> str:
    try:
        return parse_email(email).address
    except InvalidEmail as error:
        raise ContactError(str(error), BAD_ADDRESS, "email") from error


def _document(document_ref: str | None) -> str | None:
    """The statement's reference as given; refused when it cannot be stored as it is."""
    if document_ref is None:
        return None
    if any(unicodedata.category(character).startswith("C") for character in document_ref):
        raise ContactError(
            "the document reference contains a control character", BAD_DOCUMENT, "document"
        )
    document = document_ref.strip()
    if len(document) > DOCUMENT_MAX:
        raise ContactError(
            f"the document reference is longer than {DOCUMENT_MAX} characters",
            LONG_DOCUMENT,
            "document",
        )
    return document or None
