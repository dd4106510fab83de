"""The try mode's people, made real in the demo school the way a school would do it.

Consents go into the register as paper forms the school holds, codes are issued as for
printed letters, and each person links by sending the code to the bot (``/start CODE``, as
the letter's QR code does), so the first thing a newcomer sees is the real linking.
The parent without a link gets a code and no recorded consent: they decide in the chat.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.clock import Clock
from bot.linking.access import linked_roles
from bot.linking.issuing import IssueResult, Target, issue_codes, record_consent
from bot.trying.cast import Cast, FamilyRow, Persona, choose_cast
from db.models import ConsentForm, ConsentState, School
from db.unit_of_work import UnitOfWork

ACTOR = "try-mode"
DOCUMENT = "try mode (demo)"
# Made-up Telegram accounts, far from real users' ids of this era.
PERSONA_USER_IDS = {"parent": 7_100_001, "student": 7_100_002, "teacher": 7_100_003,
                    "newcomer": 7_100_004}  # fmt: skip


class TryModeUnavailable(Exception):
    """The database cannot host the try mode; ``str()`` says why in one line."""


async def prepare_personas(
    uow: UnitOfWork, clock: Clock, secret_key: str, school: School
) -> list[Persona]:
    """The four people of the demo school, ready to chat; idempotent across restarts (a
    person linked before is only greeted; one not linked gets fresh codes)."""
    cast = choose_cast(await _family_rows(uow, school))
    if cast is None:
        raise TryModeUnavailable(f"{school.name} has no family with two children to show")
    return [
        await _parent(uow, clock, secret_key, school, cast),
        await _student(uow, clock, secret_key, school, cast),
        await _teacher(uow, clock, secret_key, school, cast),
        await _newcomer(uow, clock, secret_key, school, cast),
    ]


async def _family_rows(uow: UnitOfWork, school: School) -> list[FamilyRow]:
    pairs = await uow.linking.guardian_pairs(school_id=school.id)
    return [FamilyRow(g.id, s.id, s.birth_date, c.id, c.class_teacher_id) for g, s, c in pairs]


async def _parent(
    uow: UnitOfWork, clock: Clock, secret_key: str, school: School, cast: Cast
) -> Persona:
    guardian = await uow.linking.get_guardian(cast.parent_id)
    assert guardian is not None
    pairs = await uow.linking.guardian_pairs(guardian_id=guardian.id)
    children = tuple(f"{student.full_name}, {klass.name}" for _, student, klass in pairs)
    texts = await _link_texts(uow, clock, secret_key, school, "parent", "guardian",
                              guardian.external_id, consent=True)  # fmt: skip
    return _persona("parent", guardian.full_name, children, None, texts)


async def _student(
    uow: UnitOfWork, clock: Clock, secret_key: str, school: School, cast: Cast
) -> Persona:
    student = await uow.linking.get_student(cast.student_id)
    assert student is not None
    klass = await uow.linking.class_of(student)
    texts = await _link_texts(uow, clock, secret_key, school, "student", "student",
                              student.external_id, consent=True)  # fmt: skip
    return _persona("student", student.full_name, (klass.name,), None, texts)


async def _teacher(
    uow: UnitOfWork, clock: Clock, secret_key: str, school: School, cast: Cast
) -> Persona:
    teacher = await uow.linking.get_teacher(cast.teacher_id)
    assert teacher is not None
    classes = tuple(klass.name for klass in await uow.linking.classes_of_teacher(teacher.id))
    texts = await _link_texts(uow, clock, secret_key, school, "teacher", "teacher",
                              teacher.external_id, consent=False)  # fmt: skip
    return _persona("teacher", teacher.full_name, classes, None, texts)


async def _newcomer(
    uow: UnitOfWork, clock: Clock, secret_key: str, school: School, cast: Cast
) -> Persona:
    guardian = await uow.linking.get_guardian(cast.newcomer_id)
    assert guardian is not None
    pairs = await uow.linking.guardian_pairs(guardian_id=guardian.id)
    children = tuple(f"{student.full_name}, {klass.name}" for _, student, klass in pairs)
    if await linked_roles(uow, PERSONA_USER_IDS["newcomer"]):
        return _persona("newcomer", guardian.full_name, children, None, ("/start",))
    issued = await issue_codes(uow, clock, secret_key, school, "guardian",
                               guardian.external_id, actor=ACTOR)  # fmt: skip
    code = issued.issued[0].code if issued.issued else None
    return _persona("newcomer", guardian.full_name, children, code, ())


async def _link_texts(
    uow: UnitOfWork,
    clock: Clock,
    secret_key: str,
    school: School,
    key: str,
    target: Target,
    reference: str,
    *,
    consent: bool,
) -> tuple[str, ...]:
    """``/start`` for a person linked already; else their codes as the letter's QR opens
    them, after recording the paper consent the school would hold."""
    if await linked_roles(uow, PERSONA_USER_IDS[key]):
        return ("/start",)
    if consent:
        await _record_paper_consent(uow, clock, school, target, reference)
    issued = await issue_codes(uow, clock, secret_key, school, target, reference, actor=ACTOR)
    return _start_texts(issued)


async def _record_paper_consent(
    uow: UnitOfWork, clock: Clock, school: School, target: Target, reference: str
) -> None:
    guardian_ref = reference if target == "guardian" else None
    student_ref = reference if target == "student" else None
    await record_consent(
        uow,
        clock,
        school,
        guardian_ref=guardian_ref,
        student_ref=student_ref,
        state=ConsentState.GRANTED,
        form=ConsentForm.PAPER,
        document_ref=DOCUMENT,
        actor=ACTOR,
    )


def _start_texts(issued: IssueResult) -> tuple[str, ...]:
    return tuple(f"/start {code.compact}" for code in issued.issued)


def _persona(
    key: str, full_name: str, details: Sequence[str], code: str | None, texts: tuple[str, ...]
) -> Persona:
    # Russian full names are "Surname Name Patronymic": Telegram shows the first name.
    parts = full_name.split()
    first_name = parts[1] if len(parts) > 1 else full_name
    return Persona(key, PERSONA_USER_IDS[key], full_name, first_name, tuple(details), code, texts)
