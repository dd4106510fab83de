"""Who may see which student — the one authorization function — and the privacy actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import Clock
from bot.contacts.stored import (
    PendingAddress,
    StoredContact,
    linked_subjects,
    pending_addresses,
    stored_contacts,
)
from bot.linking.rules import may_receive_data
from bot.linking.service import LinkSummary, actor_of, describe_link
from db.models import (
    AccountLink,
    AccountRole,
    ConsentForm,
    ConsentRecord,
    ConsentState,
    School,
    TelegramAccount,
)
from db.unit_of_work import UnitOfWork


async def _link_grants_data(uow: UnitOfWork, link: AccountLink) -> bool:
    if link.role == AccountRole.GUARDIAN:
        record = await uow.linking.current_consent(guardian_id=link.guardian_id)
    elif link.role == AccountRole.STUDENT:
        record = await uow.linking.current_consent(student_id=link.student_id)
    else:
        return True  # teachers and admins act for the school, not as data subjects
    return may_receive_data(record.state if record else None)


async def may_see_student(uow: UnitOfWork, telegram_user_id: int, student_id: int) -> bool:
    """The single gate: an active account with an active link and a granted consent.

    Guardians and students see their own linked children/selves; a class teacher sees the
    students of their classes; an admin sees the students of their school.
    """
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None or not account.is_active:
        return False
    student = await uow.linking.get_student(student_id)
    if student is None:
        return False
    for link in await uow.linking.active_links(account.id):
        if link.school_id != student.school_id:
            continue
        if link.role in (AccountRole.GUARDIAN, AccountRole.STUDENT):
            if link.student_id == student_id and await _link_grants_data(uow, link):
                return True
        elif link.role == AccountRole.TEACHER and link.teacher_id is not None:
            classes = await uow.linking.classes_of_teacher(link.teacher_id)
            if any(c.id == student.class_id for c in classes):
                return True
        elif link.role == AccountRole.ADMIN:
            return True
    return False


@dataclass(frozen=True)
class LinkedRole:
    link_id: int
    summary: LinkSummary
    student_id: int | None


async def linked_roles(uow: UnitOfWork, telegram_user_id: int) -> list[LinkedRole]:
    """The account's active links that currently grant access (for /children and menus)."""
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None:
        return []
    roles = []
    for link in await uow.linking.active_links(account.id):
        if not await _link_grants_data(uow, link):
            continue
        summary = await describe_link(
            uow, link.school_id, link.role, link.student_id, link.teacher_id
        )
        roles.append(LinkedRole(link.id, summary, link.student_id))
    return roles


async def unlink(uow: UnitOfWork, clock: Clock, telegram_user_id: int, link_id: int) -> bool:
    """End one of the account's own links; False (and nothing changed) for anyone else's."""
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None:
        return False
    own = await uow.linking.active_links(account.id)
    link = next((candidate for candidate in own if candidate.id == link_id), None)
    if link is None:
        return False
    now = clock.now()
    link.ended_at, link.end_reason = now, "unlinked"
    still_linked = any(other.student_id == link.student_id for other in own if other.id != link.id)
    if link.student_id is not None and not still_linked:
        # What was queued about this child must not arrive after the unlinking.
        await uow.outbox.cancel_about_student(account.id, link.student_id, "unlinked")
    uow.audit.record(
        at=now,
        actor=actor_of(telegram_user_id),
        action="link.ended",
        school_id=link.school_id,
        subject_type="account_link",
        subject_id=link.id,
    )
    await uow.commit()
    return True


async def end_guardian_links(
    uow: UnitOfWork, now: datetime, guardian_id: int, *, reason: str
) -> int:
    """End every link of a guardian (all their accounts) and cancel what was queued for them."""
    links = await uow.linking.active_links_of_guardian(guardian_id)
    for link in links:
        link.ended_at, link.end_reason = now, reason
    for account_id in {link.account_id for link in links}:
        await uow.outbox.cancel_pending(account_id, now)
    return len(links)


@dataclass(frozen=True)
class Withdrawal:
    consents: int
    links_ended: int


async def withdraw_consent(uow: UnitOfWork, clock: Clock, telegram_user_id: int) -> Withdrawal:
    """Withdraw every consent this account gave: deliveries stop at once, links end."""
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None:
        return Withdrawal(0, 0)
    now = clock.now()
    actor = actor_of(telegram_user_id)
    consents = ended = 0
    subjects: set[tuple[str, int]] = set()
    for link in await uow.linking.active_links(account.id):
        if link.role == AccountRole.GUARDIAN and link.guardian_id is not None:
            subjects.add(("guardian", link.guardian_id))
        elif link.role == AccountRole.STUDENT and link.student_id is not None:
            subjects.add(("student", link.student_id))
    for kind, subject_id in sorted(subjects):
        current = await uow.linking.current_consent(
            guardian_id=subject_id if kind == "guardian" else None,
            student_id=subject_id if kind == "student" else None,
        )
        uow.linking.add_consent(
            ConsentRecord(
                school_id=(await _school_of(uow, kind, subject_id)).id,
                guardian_id=subject_id if kind == "guardian" else None,
                student_id=subject_id if kind == "student" else None,
                state=ConsentState.WITHDRAWN,
                form=ConsentForm.ELECTRONIC,
                text_version=current.text_version if current else "-",
                text_hash=current.text_hash if current else "-",
                recorded_by=actor,
                recorded_at=now,
                telegram_user_id=telegram_user_id,
            )
        )
        consents += 1
        if kind == "guardian":
            ended += await end_guardian_links(uow, now, subject_id, reason="consent_withdrawn")
    for link in await uow.linking.active_links(account.id):
        if link.role == AccountRole.STUDENT:
            link.ended_at, link.end_reason = now, "consent_withdrawn"
            ended += 1
    await uow.outbox.cancel_pending(account.id, now)
    uow.audit.record(
        at=now,
        actor=actor,
        action="consent.withdrawn",
        details={"consents": consents, "links": ended},
    )
    await uow.commit()
    return Withdrawal(consents, ended)


async def _school_of(uow: UnitOfWork, kind: str, subject_id: int) -> School:
    person = (
        await uow.linking.get_guardian(subject_id)
        if kind == "guardian"
        else await uow.linking.get_student(subject_id)
    )
    assert person is not None
    return await uow.schools.get(person.school_id)


@dataclass(frozen=True)
class PrivacyReport:
    account: TelegramAccount | None
    roles: list[LinkedRole]
    consents: list[ConsentRecord]
    contacts: list[StoredContact]
    pending: list[PendingAddress] = field(default_factory=list)


async def privacy_report(uow: UnitOfWork, telegram_user_id: int, now: datetime) -> PrivacyReport:
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None:
        return PrivacyReport(None, [], [], [])
    roles = await linked_roles(uow, telegram_user_id)
    consents: list[ConsentRecord] = []
    for link in await uow.linking.active_links(account.id):
        record = (
            await uow.linking.current_consent(guardian_id=link.guardian_id)
            if link.role == AccountRole.GUARDIAN
            else await uow.linking.current_consent(student_id=link.student_id)
            if link.role == AccountRole.STUDENT
            else None
        )
        if record is not None and record not in consents:
            consents.append(record)
    subjects = await linked_subjects(uow, account.id)
    return PrivacyReport(
        account, roles, consents, await stored_contacts(uow, subjects),
        await pending_addresses(uow, subjects, now),
    )  # fmt: skip


async def add_admin(
    uow: UnitOfWork, clock: Clock, school: School, telegram_user_id: int, *, actor: str
) -> bool:
    """Make a Telegram user an admin of the school; False if they already are."""
    now = clock.now()
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None:
        account = await uow.accounts.add(
            telegram_user_id=telegram_user_id, chat_id=telegram_user_id, now=now
        )
    links = await uow.linking.active_links(account.id)
    if any(link.role == AccountRole.ADMIN and link.school_id == school.id for link in links):
        return False
    uow.linking.add_link(
        AccountLink(
            account_id=account.id, school_id=school.id, role=AccountRole.ADMIN, linked_at=now
        )
    )
    uow.audit.record(
        at=now,
        actor=actor,
        action="admin.added",
        school_id=school.id,
        details={"telegram_user_id": telegram_user_id},
    )
    await uow.commit()
    return True


@dataclass(frozen=True)
class SchoolAdmin:
    telegram_user_id: int
    since: datetime
    active: bool  # False: the account has blocked the bot


async def school_admins(uow: UnitOfWork, school: School) -> list[SchoolAdmin]:
    return [
        SchoolAdmin(account.telegram_user_id, link.linked_at, account.is_active)
        for link, account in await uow.linking.admin_links(school.id)
    ]


async def remove_admin(
    uow: UnitOfWork, clock: Clock, school: School, telegram_user_id: int, *, actor: str
) -> bool:
    """End a Telegram user's administration of the school; False if they were not an admin.
    The link is ended, not deleted: the audit trail keeps who administered when."""
    now = clock.now()
    ended = False
    for link, account in await uow.linking.admin_links(school.id):
        if account.telegram_user_id == telegram_user_id:
            link.ended_at, link.end_reason = now, "admin_removed"
            ended = True
    if not ended:
        return False
    uow.audit.record(
        at=now,
        actor=actor,
        action="admin.removed",
        school_id=school.id,
        details={"telegram_user_id": telegram_user_id},
    )
    await uow.commit()
    return True
