"""Issuing one-time codes (CLI) and recording consents the school holds (register)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.clock import Clock
from bot.linking.access import end_guardian_links
from bot.linking.codes import format_code, new_code
from bot.linking.consent_text import ConsentDocument, consent_document
from bot.linking.rules import may_issue_code
from bot.linking.service import hash_code
from db.models import (
    AccountRole,
    ConsentForm,
    ConsentRecord,
    ConsentState,
    Guardian,
    LinkCode,
    School,
    SchoolClass,
    Student,
)
from db.unit_of_work import UnitOfWork

DEFAULT_CODE_DAYS = 30
Target = Literal["class", "guardian", "student", "teacher"]


class LinkingError(Exception):
    """A request that cannot be done; ``str()`` says why in one line."""


@dataclass(frozen=True)
class IssuedCode:
    code: str  # formatted, e.g. K7QF-M2XD-9HTB: shown once, never stored
    compact: str  # what goes into the deep link
    role: AccountRole
    recipient: str
    child: str | None
    class_name: str | None
    expires_at: datetime


@dataclass(frozen=True)
class IssueResult:
    issued: list[IssuedCode]
    skipped: list[tuple[str, str]]  # (who, why)


async def issue_codes(
    uow: UnitOfWork,
    clock: Clock,
    secret_key: str,
    school: School,
    target: Target,
    reference: str,
    *,
    actor: str,
    days: int = DEFAULT_CODE_DAYS,
    before_commit: Callable[[IssueResult], None] | None = None,
) -> IssueResult:
    """Issue the codes (re-issuing revokes the person's earlier unused code).

    ``before_commit`` gets the plaintext codes while they can still be taken back: if it
    raises (say, the letters cannot be written), nothing is committed and the old codes keep
    working, because the plaintext exists nowhere else."""
    now = clock.now()
    expires = now + timedelta(days=days)
    recipients, skipped = await _recipients(uow, school, target, reference)
    result = IssueResult([], skipped)
    for recipient in recipients:
        result.issued.append(await _issue(uow, secret_key, school, recipient, now, expires))
    uow.audit.record(
        at=now,
        actor=actor,
        action="codes.issued",
        school_id=school.id,
        details={
            "target": target,
            "reference": reference,
            "issued": len(result.issued),
            "skipped": len(result.skipped),
        },
    )
    if before_commit is not None:
        before_commit(result)
    await uow.commit()
    return result


@dataclass(frozen=True)
class _Recipient:
    """Who a code is for, and what it links to."""

    role: AccountRole
    name: str
    guardian_id: int | None = None
    student: Student | None = None
    school_class: SchoolClass | None = None
    teacher_id: int | None = None


async def _recipients(
    uow: UnitOfWork, school: School, target: Target, reference: str
) -> tuple[list[_Recipient], list[tuple[str, str]]]:
    """The people to issue codes to, and those skipped with the reason (no consent)."""
    if target in ("class", "guardian"):
        pairs = await _guardian_pairs(uow, school, target, reference)
        consents = await uow.linking.current_consents([g.id for g, _, _ in pairs])
        chosen, skipped = [], []
        for guardian, student, school_class in pairs:
            state = consents[guardian.id].state if guardian.id in consents else None
            if may_issue_code(state):
                chosen.append(_Recipient(AccountRole.GUARDIAN, guardian.full_name,
                                         guardian_id=guardian.id, student=student,
                                         school_class=school_class))  # fmt: skip
            else:
                skipped.append((guardian.full_name, f"consent {state}"))
        return chosen, skipped
    if target == "student":
        own = await uow.linking.student(school.id, reference)
        if own is None:
            raise LinkingError(f"no student {reference!r} in this school")
        record = await uow.linking.current_consent(student_id=own.id)
        if not may_issue_code(record.state if record else None):
            raise LinkingError(f"{own.full_name} refused or withdrew consent: no code issued")
        own_class = await uow.linking.class_of(own)
        return [_Recipient(AccountRole.STUDENT, own.full_name, student=own,
                           school_class=own_class)], []  # fmt: skip
    teacher = await uow.linking.teacher(school.id, reference)
    if teacher is None:
        raise LinkingError(f"no teacher {reference!r} in this school")
    return [_Recipient(AccountRole.TEACHER, teacher.full_name, teacher_id=teacher.id)], []


async def _issue(
    uow: UnitOfWork,
    secret_key: str,
    school: School,
    recipient: _Recipient,
    now: datetime,
    expires: datetime,
) -> IssuedCode:
    """Revoke the person's open codes of this kind and add a new one (only its hash)."""
    student_id = recipient.student.id if recipient.student else None
    await uow.linking.revoke_open_codes(
        role=recipient.role,
        guardian_id=recipient.guardian_id,
        student_id=student_id,
        teacher_id=recipient.teacher_id,
        now=now,
    )
    compact = new_code()
    uow.linking.add_code(
        LinkCode(
            school_id=school.id,
            code_hash=hash_code(secret_key, compact),
            role=recipient.role,
            guardian_id=recipient.guardian_id,
            student_id=student_id,
            teacher_id=recipient.teacher_id,
            issued_at=now,
            expires_at=expires,
        )
    )
    return IssuedCode(
        format_code(compact),
        compact,
        recipient.role,
        recipient.name,
        recipient.student.full_name if recipient.student else None,
        recipient.school_class.name if recipient.school_class else None,
        expires,
    )


async def _guardian_pairs(
    uow: UnitOfWork, school: School, target: Target, reference: str
) -> list[tuple[Guardian, Student, SchoolClass]]:
    if target == "class":
        school_class = await uow.linking.class_by_name(school.id, reference)
        if school_class is None:
            raise LinkingError(f"no class {reference!r} in this school")
        pairs = await uow.linking.guardian_pairs(class_id=school_class.id)
        if not pairs:
            raise LinkingError(f"class {school_class.name} has no guardians in the journal data")
        return pairs
    guardian = await uow.linking.guardian(school.id, reference)
    if guardian is None:
        raise LinkingError(f"no guardian {reference!r} in this school")
    pairs = await uow.linking.guardian_pairs(guardian_id=guardian.id)
    if not pairs:
        raise LinkingError(f"{guardian.full_name} has no children in the journal data")
    consent = await uow.linking.current_consent(guardian_id=guardian.id)
    if consent is not None and not may_issue_code(consent.state):
        raise LinkingError(
            f"{guardian.full_name} has {consent.state.value} consent: no code issued; the family "
            "gets paper statements"
        )
    return pairs


@dataclass(frozen=True)
class RecordedConsent:
    who: str
    state: ConsentState
    form: ConsentForm
    recorded_at: datetime
    text_version: str


async def record_consent(
    uow: UnitOfWork,
    clock: Clock,
    school: School,
    *,
    guardian_ref: str | None,
    student_ref: str | None,
    state: ConsentState,
    form: ConsentForm,
    document_ref: str | None,
    actor: str,
) -> RecordedConsent:
    """A consent the school holds (a signed paper form or an electronic document)."""
    now = clock.now()
    guardian, child = await _consent_subject(uow, school, guardian_ref, student_ref)
    school_class = await uow.linking.class_of(child)
    document = _signed_text(school, guardian, child, school_class.name)
    uow.linking.add_consent(
        ConsentRecord(
            school_id=school.id,
            guardian_id=guardian.id if guardian else None,
            student_id=None if guardian else child.id,
            state=state,
            form=form,
            text_version=document.version,
            text_hash=document.sha256,
            recorded_by=actor,
            recorded_at=now,
            document_ref=document_ref,
        )
    )
    who = guardian.full_name if guardian else child.full_name
    if state != ConsentState.GRANTED and guardian is not None:
        await end_guardian_links(uow, now, guardian.id, reason=f"consent_{state.value}")
    uow.audit.record(
        at=now,
        actor=actor,
        action=f"consent.{state.value}",
        school_id=school.id,
        subject_type="guardian" if guardian else "student",
        subject_id=guardian.id if guardian else child.id,
        details={"form": form.value, "document": document_ref, "version": document.version},
    )
    await uow.commit()
    return RecordedConsent(who, state, form, now, document.version)


async def _consent_subject(
    uow: UnitOfWork, school: School, guardian_ref: str | None, student_ref: str | None
) -> tuple[Guardian | None, Student]:
    """Whose consent it is: a guardian (for their first child in the journal) or an adult
    student for themselves; never both in one record."""
    if guardian_ref and student_ref:
        raise LinkingError("name one person: --guardian EXT or --student EXT, not both")
    if not guardian_ref and not student_ref:
        raise LinkingError("name the person: --guardian EXT or --student EXT")
    if guardian_ref:
        guardian = await uow.linking.guardian(school.id, guardian_ref)
        if guardian is None:
            raise LinkingError(f"no guardian {guardian_ref!r} in this school")
        children = await uow.linking.guardian_pairs(guardian_id=guardian.id)
        if not children:
            raise LinkingError("the guardian has no children in the journal data")
        return guardian, children[0][1]
    student = await uow.linking.student(school.id, student_ref or "")
    if student is None:
        raise LinkingError(f"no student {student_ref!r} in this school")
    return None, student


def _signed_text(
    school: School, guardian: Guardian | None, child: Student, class_name: str
) -> ConsentDocument:
    """The register proves which text was signed: the Russian text of the current version."""
    if guardian is not None:
        return consent_document(
            "guardian",
            "ru",
            school=school.name,
            guardian=guardian.full_name,
            child=child.full_name,
            class_name=class_name,
        )
    return consent_document(
        "student", "ru", school=school.name, student=child.full_name, class_name=class_name
    )
