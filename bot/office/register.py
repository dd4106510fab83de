"""The consent register as the office sees it: a class's families with their current
state, each family's history, and paper decisions recorded for several families at once.
Every record goes through :func:`bot.linking.issuing.record_consent`, as on the command
line, so the register's rules (append-only, links ended on refusal) live in one place."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from bot.clock import Clock
from bot.linking.issuing import record_consent
from bot.office.staff import Staff, guardian_of_staff
from bot.presentation.translation import N_
from db.models import ConsentForm, ConsentRecord, ConsentState, Guardian, SchoolClass, Student
from db.unit_of_work import UnitOfWork

DOCUMENT_NUMBER_LENGTH = 50
# A paper form is dated by a person; a year back covers the forms of a whole school year.
OLDEST_DOCUMENT = dt.timedelta(days=366)
NO_FAMILY_CHOSEN = N_("Choose at least one family.")


class FamilyState(StrEnum):
    LINKED = "linked"
    CONSENTED = "consented"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NO_RECORD = "no_record"


def family_state(consent: ConsentState | None, linked: bool) -> FamilyState:
    if consent == ConsentState.GRANTED:
        return FamilyState.LINKED if linked else FamilyState.CONSENTED
    if consent == ConsentState.REFUSED:
        return FamilyState.REFUSED
    if consent == ConsentState.WITHDRAWN:
        return FamilyState.WITHDRAWN
    # No record yet: the family decides in the bot, so a link means an electronic consent.
    return FamilyState.NO_RECORD


@dataclass(frozen=True)
class Family:
    """A guardian and one child in the class (a guardian of two children is two rows)."""

    guardian_id: int
    guardian: str
    child: str
    state: FamilyState
    consent: ConsentRecord | None


async def class_families(uow: UnitOfWork, school_class: SchoolClass) -> list[Family]:
    pairs = await uow.linking.guardian_pairs(class_id=school_class.id)
    consents = await uow.linking.current_consents([guardian.id for guardian, _, _ in pairs])
    linked = await uow.office.linked_guardians([student.id for _, student, _ in pairs])
    families = []
    for guardian, student, _class in pairs:
        record = consents.get(guardian.id)
        state = family_state(record.state if record else None, (guardian.id, student.id) in linked)
        families.append(Family(guardian.id, guardian.full_name, student.full_name, state, record))
    return families


async def class_counts(uow: UnitOfWork, school_class: SchoolClass) -> Counter[FamilyState]:
    return Counter(family.state for family in await class_families(uow, school_class))


@dataclass(frozen=True)
class PaperDecision:
    state: ConsentState
    form: ConsentForm
    number: str
    day: dt.date

    @property
    def document_ref(self) -> str:
        return f"№ {self.number} от {self.day:%d.%m.%Y}"


def parse_decision(
    state: str, form: str, number: str, day: str, today: dt.date
) -> PaperDecision | dict[str, str]:
    """The decision from the form, or the problems by field (msgids)."""
    errors: dict[str, str] = {}
    if state not in {s.value for s in ConsentState}:
        errors["state"] = N_("Choose the decision.")
    if form not in {f.value for f in ConsentForm}:
        errors["form"] = N_("Choose paper or electronic.")
    if not number:
        errors["number"] = N_("Write the document's number.")
    elif len(number) > DOCUMENT_NUMBER_LENGTH:
        errors["number"] = N_("The number is at most 50 characters.")
    parsed: dt.date | None = None
    try:
        parsed = dt.date.fromisoformat(day)
    except ValueError:
        errors["date"] = N_("Write the document's date.")
    if parsed is not None and not today - OLDEST_DOCUMENT <= parsed <= today:
        errors["date"] = N_("The date must be within the last year and not in the future.")
    if errors or parsed is None:
        return errors
    return PaperDecision(ConsentState(state), ConsentForm(form), number, parsed)


async def record_decisions(
    uow: UnitOfWork, clock: Clock, staff: Staff, guardian_ids: list[int], decision: PaperDecision
) -> int:
    """Record the decision for each family; every one is checked to be the staff member's
    before anything is recorded (NotFound/Forbidden, and nothing changed)."""
    guardians = [await guardian_of_staff(uow, staff, guardian_id) for guardian_id in guardian_ids]
    unique = list({guardian.id: guardian for guardian in guardians}.values())
    for guardian in unique:
        await record_consent(
            uow,
            clock,
            staff.school,
            guardian_ref=guardian.external_id,
            student_ref=None,
            state=decision.state,
            form=decision.form,
            document_ref=decision.document_ref,
            actor=staff.actor,
        )
    return len(unique)


@dataclass(frozen=True)
class FamilyHistory:
    guardian: Guardian
    children: list[tuple[Student, SchoolClass]]
    records: list[ConsentRecord]  # newest first


async def family_history(uow: UnitOfWork, staff: Staff, guardian_id: int) -> FamilyHistory:
    guardian = await guardian_of_staff(uow, staff, guardian_id)
    pairs = await uow.linking.guardian_pairs(guardian_id=guardian.id)
    records = await uow.office.consent_history(guardian.id)
    return FamilyHistory(guardian, [(s, c) for _g, s, c in pairs], records)
