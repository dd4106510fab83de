"""Redeeming one-time codes in the bot, with the consent asked first when needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.linking.codes import normalize_code
from bot.linking.consent_text import ConsentDocument, consent_document
from bot.linking.crowd_limit import count_towards_crowd_limit, entry_locked_until
from bot.linking.rules import FAILURE_WINDOW, failures_left, locked_until
from bot.secret_key import keyed_hash
from db.models import (
    AccountLink,
    AccountRole,
    ConsentForm,
    ConsentRecord,
    ConsentState,
    LinkCode,
    TelegramAccount,
)
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

CODE_PURPOSE = "link-code"


def hash_code(secret_key: str, compact: str) -> str:
    return keyed_hash(secret_key, CODE_PURPOSE, compact)


@dataclass(frozen=True)
class LinkSummary:
    role: AccountRole
    school: str
    person: str  # the child (guardian and student links) or the teacher
    class_name: str | None
    teacher_classes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Locked:
    until: datetime
    everyone: bool = False  # the crowd limit, not this account's own


@dataclass(frozen=True)
class Rejected:
    attempts_left: int


@dataclass(frozen=True)
class ConsentNeeded:
    code_id: int
    document: ConsentDocument


@dataclass(frozen=True)
class ConsentRefusedBefore:
    """The person refused or withdrew consent; only the school can record a new one."""


@dataclass(frozen=True)
class Linked:
    summary: LinkSummary
    already: bool = False


@dataclass(frozen=True)
class ConsentDeclined:
    pass


RedeemOutcome = Locked | Rejected | ConsentNeeded | ConsentRefusedBefore | Linked
ConsentOutcome = Linked | ConsentDeclined | Rejected


def actor_of(telegram_user_id: int) -> str:
    return f"telegram:{telegram_user_id}"


def usable(code: LinkCode, now: datetime) -> bool:
    return code.used_at is None and code.revoked_at is None and code.expires_at > now


async def redeem_code(
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    secret_key: str,
    *,
    telegram_user_id: int,
    chat_id: int,
    text: str,
    locale: str,
) -> RedeemOutcome:
    """Check a code and link (or ask for consent first). Every outcome ends the transaction,
    so no lock outlives the answer being sent."""
    now = clock.now()
    actor = actor_of(telegram_user_id)
    # Guesses sent at once by one account are checked one after another, so the limit holds.
    await uow.linking.serialize_attempts(telegram_user_id)
    failures = await uow.linking.failures_since(since=now - FAILURE_WINDOW, actor=actor)
    if (until := locked_until(failures, now)) is not None:
        await uow.commit()  # nothing written: ends the transaction and releases the lock
        return Locked(until)
    if (until := await entry_locked_until(uow, now, None)) is not None:
        await uow.commit()
        return Locked(until, everyone=True)
    compact = normalize_code(text)
    code = await uow.linking.code_by_hash(hash_code(secret_key, compact)) if compact else None
    if code is not None and (until := await entry_locked_until(uow, now, code.school_id)):
        await uow.commit()
        return Locked(until, everyone=True)
    code_locked = code is not None and locked_until(
        await uow.linking.failures_since(since=now - FAILURE_WINDOW, code_id=code.id), now
    )
    if code is None or code_locked or not usable(code, now):
        # One answer for unknown, expired, used and revoked codes: nothing for a guesser.
        reason = "unknown" if code is None else "locked" if code_locked else "unusable"
        return await _reject(uow, i18n, now, actor, _code_ref(code), reason, failures)
    state = await _consent_state(uow, code)
    if state in (ConsentState.REFUSED, ConsentState.WITHDRAWN):
        await uow.commit()
        return ConsentRefusedBefore()
    if code.role != AccountRole.TEACHER and state is None:
        document = await _document(uow, code, locale)
        await uow.commit()
        return ConsentNeeded(code.id, document)
    reference = _code_ref(code)
    linked = await _link(uow, now, code, telegram_user_id=telegram_user_id, chat_id=chat_id)
    if linked is None:  # another account redeemed the code a moment earlier
        return await _reject(uow, i18n, now, actor, reference, "used", failures)
    return linked


CodeRef = tuple[int, int] | None  # (school id, code id): still known after a rollback


def _code_ref(code: LinkCode | None) -> CodeRef:
    return (code.school_id, code.id) if code is not None else None


async def _reject(
    uow: UnitOfWork,
    i18n: I18n,
    now: datetime,
    actor: str,
    code: CodeRef,
    reason: str,
    failures: list[datetime],
) -> Locked | Rejected:
    """Record a failed attempt (it counts towards both limits) and say how many are left."""
    school_id, code_id = code if code is not None else (None, None)
    uow.audit.record(
        at=now,
        actor=actor,
        action="link.failed",
        school_id=school_id,
        subject_type="link_code" if code else None,
        subject_id=code_id,
        details={"reason": reason},
    )
    await count_towards_crowd_limit(uow, i18n, now, school_id)
    await uow.commit()
    failures = [*failures, now]
    left = failures_left(failures, now)
    if left == 0:
        return Locked(locked_until(failures, now) or now + FAILURE_WINDOW)
    return Rejected(left)


async def answer_consent(
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    *,
    telegram_user_id: int,
    chat_id: int,
    code_id: int,
    locale: str,
    agree: bool,
) -> ConsentOutcome:
    """Record the electronic consent (or refusal) given with the buttons, then link."""
    now = clock.now()
    await uow.linking.serialize_attempts(telegram_user_id)
    code = await uow.linking.code(code_id)
    if code is None or not usable(code, now) or code.role == AccountRole.TEACHER:
        await uow.commit()  # nothing written: ends the transaction and releases the lock
        return Rejected(attempts_left=0)
    await _record_electronic_consent(uow, now, code, telegram_user_id, locale, agree=agree)
    if not agree:
        await uow.commit()
        return ConsentDeclined()
    reference = _code_ref(code)
    linked = await _link(uow, now, code, telegram_user_id=telegram_user_id, chat_id=chat_id)
    if linked is None:
        # Another account redeemed the code first: its consent stands, this one is void.
        await _reject(uow, i18n, now, actor_of(telegram_user_id), reference, "used", [])
        return Rejected(attempts_left=0)
    return linked


async def _record_electronic_consent(
    uow: UnitOfWork,
    now: datetime,
    code: LinkCode,
    telegram_user_id: int,
    locale: str,
    *,
    agree: bool,
) -> None:
    """The register entry for the consent given with the buttons: the text version and hash
    shown in the reader's language prove what was agreed to."""
    document = await _document(uow, code, locale)
    uow.linking.add_consent(
        ConsentRecord(
            school_id=code.school_id,
            guardian_id=code.guardian_id,
            student_id=None if code.role == AccountRole.GUARDIAN else code.student_id,
            state=ConsentState.GRANTED if agree else ConsentState.REFUSED,
            form=ConsentForm.ELECTRONIC,
            text_version=document.version,
            text_hash=document.sha256,
            recorded_by=actor_of(telegram_user_id),
            recorded_at=now,
            telegram_user_id=telegram_user_id,
        )
    )
    uow.audit.record(
        at=now,
        actor=actor_of(telegram_user_id),
        action="consent.granted" if agree else "consent.refused",
        school_id=code.school_id,
        subject_type="link_code",
        subject_id=code.id,
        details={"version": document.version, "sha256": document.sha256, "locale": locale},
    )


async def _consent_state(uow: UnitOfWork, code: LinkCode) -> ConsentState | None:
    if code.role == AccountRole.GUARDIAN:
        record = await uow.linking.current_consent(guardian_id=code.guardian_id)
    elif code.role == AccountRole.STUDENT:
        record = await uow.linking.current_consent(student_id=code.student_id)
    else:
        return None
    return record.state if record else None


async def _document(uow: UnitOfWork, code: LinkCode, locale: str) -> ConsentDocument:
    school = await uow.schools.get(code.school_id)
    student = await uow.linking.get_student(code.student_id) if code.student_id else None
    assert student is not None
    school_class = await uow.linking.class_of(student)
    if code.role == AccountRole.GUARDIAN:
        guardian = await uow.linking.get_guardian(code.guardian_id) if code.guardian_id else None
        assert guardian is not None
        return consent_document(
            "guardian",
            locale,
            school=school.name,
            guardian=guardian.full_name,
            child=student.full_name,
            class_name=school_class.name,
        )
    return consent_document(
        "student",
        locale,
        school=school.name,
        student=student.full_name,
        class_name=school_class.name,
    )


async def _account(
    uow: UnitOfWork, now: datetime, telegram_user_id: int, chat_id: int
) -> TelegramAccount:
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None:
        return await uow.accounts.add(telegram_user_id=telegram_user_id, chat_id=chat_id, now=now)
    # Writing to the bot again after blocking it means pushes may resume.
    account.is_active, account.blocked_at, account.chat_id = True, None, chat_id
    account.updated_at = now
    return account


async def _link(
    uow: UnitOfWork, now: datetime, code: LinkCode, *, telegram_user_id: int, chat_id: int
) -> Linked | None:
    """Link the account and spend the code, committed as one; None (rolled back) when the
    code was spent by someone else in the meantime."""
    account = await _account(uow, now, telegram_user_id, chat_id)
    if not await uow.linking.claim_code(code, account.id, now):
        await uow.rollback()
        return None
    target = (code.role, code.guardian_id, code.student_id, code.teacher_id)
    already = any(
        (link.role, link.guardian_id, link.student_id, link.teacher_id) == target
        for link in await uow.linking.active_links(account.id)
    )
    if not already:
        uow.linking.add_link(
            AccountLink(
                account_id=account.id,
                school_id=code.school_id,
                role=code.role,
                guardian_id=code.guardian_id,
                student_id=code.student_id,
                teacher_id=code.teacher_id,
                link_code_id=code.id,
                linked_at=now,
            )
        )
    uow.audit.record(
        at=now,
        actor=actor_of(telegram_user_id),
        action="link.succeeded",
        school_id=code.school_id,
        subject_type="link_code",
        subject_id=code.id,
        details={"role": code.role.value, "already": already},
    )
    summary = await describe_link(uow, code.school_id, code.role, code.student_id, code.teacher_id)
    await uow.commit()
    return Linked(summary, already=already)


async def describe_link(
    uow: UnitOfWork,
    school_id: int,
    role: AccountRole,
    student_id: int | None,
    teacher_id: int | None,
) -> LinkSummary:
    school = await uow.schools.get(school_id)
    if student_id is not None:
        student = await uow.linking.get_student(student_id)
        assert student is not None
        school_class = await uow.linking.class_of(student)
        return LinkSummary(role, school.name, student.full_name, school_class.name)
    if teacher_id is not None:
        teacher = await uow.linking.get_teacher(teacher_id)
        assert teacher is not None
        classes = tuple(c.name for c in await uow.linking.classes_of_teacher(teacher_id))
        return LinkSummary(role, school.name, teacher.full_name, None, classes)
    return LinkSummary(role, school.name, school.name, None)
