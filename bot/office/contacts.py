"""The families' contact data as the office sees it: a class's families with the address on
record, the chosen and the effective form (the same rows as ``ediary contacts list``), and
the changes the office records from a family's statement (the evening brief by letter
among them). Every change goes through
:func:`bot.contacts.register.record_contact` or :func:`~bot.contacts.register.remove_contact`,
as on the command line, so the register's rules (a granted consent, a valid address, no
e-mail form without an address) live in one place and refuse alike."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.clock import Clock
from bot.contacts.listing import FamilyContact, family_contacts
from bot.contacts.register import RecordedContact, record_contact, remove_contact
from bot.office.staff import NotFound, Staff, guardian_of_staff, student_of_staff
from bot.presentation.translation import N_
from db.models import ContactForm, DeliveryChannel, SchoolClass
from db.unit_of_work import UnitOfWork

# A row of the page: "g" and a guardian's id, or "s" and an adult student's id.
_PERSON = re.compile(r"([gs])([0-9]{1,18})")
# How the statement reached the school; "bot" is only a family's own entry in /settings.
OFFICE_FORMS = (ContactForm.PAPER, ContactForm.ELECTRONIC)
RECORD = "record"
REMOVE = "remove"


def person_key(contact: FamilyContact) -> str:
    return ("g" if contact.role == "guardian" else "s") + str(contact.person_id)


async def class_contacts(
    uow: UnitOfWork, clock: Clock, staff: Staff, school_class: SchoolClass
) -> list[FamilyContact]:
    """The class's families (a guardian of two children is two rows) and adult students."""
    return await family_contacts(uow, staff.school, clock.now(), school_class.name)


@dataclass(frozen=True)
class ContactChange:
    """What the office asks for one family, read from the page's form."""

    person: str
    action: str  # RECORD or REMOVE
    email: str | None
    channel: DeliveryChannel | None
    form: ContactForm
    document_ref: str | None
    # The evening brief by letter: None when the box was left as the page showed it (so a
    # family's own choice made meanwhile by its letter link is not undone).
    evening_brief: bool | None = None


def parse_change(fields: Mapping[str, str]) -> ContactChange | tuple[str, dict[str, str]]:
    """The change, or the person's row and the problems by field (msgids). A made-up row is
    nobody's: NotFound."""
    person = fields.get("person", "")
    if _PERSON.fullmatch(person) is None:
        raise NotFound
    errors: dict[str, str] = {}
    channel = fields.get("channel", "")
    if channel and channel not in {c.value for c in DeliveryChannel}:
        errors["channel"] = N_("Choose a form of delivery from the list.")
    form = fields.get("form", "")
    if form not in {f.value for f in OFFICE_FORMS}:
        errors["form"] = N_("Choose paper or electronic.")
    if errors:
        return person, errors
    return ContactChange(
        person=person,
        action=REMOVE if fields.get("action") == REMOVE else RECORD,
        email=fields.get("email") or None,
        channel=DeliveryChannel(channel) if channel else None,
        form=ContactForm(form),
        document_ref=fields.get("document") or None,
        evening_brief=_brief_changed(fields),
    )


def _brief_changed(fields: Mapping[str, str]) -> bool | None:
    """The box's state when it differs from the one the page showed (``brief_shown``)."""
    shown = fields.get("brief_shown")
    if shown not in ("0", "1"):
        return None  # a form without the box
    ticked = fields.get("evening_brief") == "1"
    return None if ticked == (shown == "1") else ticked


async def apply_change(
    uow: UnitOfWork, clock: Clock, staff: Staff, change: ContactChange
) -> RecordedContact:
    """Record or remove, after checking the person is one of the staff member's families
    (NotFound/Forbidden); a refusal is :class:`bot.contacts.register.ContactError`."""
    match = _PERSON.fullmatch(change.person)
    assert match is not None  # parse_change checked it
    person_id = int(match.group(2))
    guardian_ref = student_ref = None
    if match.group(1) == "g":
        guardian_ref = (await guardian_of_staff(uow, staff, person_id)).external_id
    else:
        student_ref = (await student_of_staff(uow, staff, person_id)).external_id
    if change.action == REMOVE:
        return await remove_contact(
            uow, clock, staff.school, guardian_ref=guardian_ref, student_ref=student_ref,
            document_ref=change.document_ref, actor=staff.actor,
        )  # fmt: skip
    return await record_contact(
        uow, clock, staff.school, guardian_ref=guardian_ref, student_ref=student_ref,
        email=change.email, channel=change.channel, form=change.form,
        document_ref=change.document_ref, actor=staff.actor, evening_brief=change.evening_brief,
    )  # fmt: skip
