"""The families' contact history (e-mail addresses, the agreed form of delivery)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, ScalarSelect, and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.base import table_of
from db.dialect import among, upsert
from db.models import (
    AccountLink,
    AccountRole,
    ConsentRecord,
    ConsentState,
    ContactRecord,
    EmailConfirmation,
    GuardianStudent,
    MailPreference,
    School,
    SchoolClass,
    Student,
    TelegramAccount,
)


class ContactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, record: ContactRecord) -> None:
        self._session.add(record)

    async def current(
        self, *, guardian_id: int | None = None, student_id: int | None = None
    ) -> ContactRecord | None:
        """The person's newest entry: their contact data now (None: never recorded)."""
        result = await self._session.execute(
            select(ContactRecord)
            .where(_subject(guardian_id, student_id))
            .order_by(ContactRecord.recorded_at.desc(), ContactRecord.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def history(
        self, *, guardian_id: int | None = None, student_id: int | None = None
    ) -> list[ContactRecord]:
        """Every entry about the person, oldest first."""
        result = await self._session.execute(
            select(ContactRecord)
            .where(_subject(guardian_id, student_id))
            .order_by(ContactRecord.recorded_at, ContactRecord.id)
        )
        return list(result.scalars())

    async def current_of_guardians(self, guardian_ids: Sequence[int]) -> dict[int, ContactRecord]:
        """The newest entry per guardian (one query for a whole class)."""
        result = await self._session.execute(
            select(ContactRecord)
            .where(ContactRecord.guardian_id.in_(list(guardian_ids)))
            .order_by(ContactRecord.recorded_at, ContactRecord.id)
        )
        return {record.guardian_id: record for record in result.scalars() if record.guardian_id}

    async def current_of_students(self, student_ids: Sequence[int]) -> dict[int, ContactRecord]:
        """The newest entry per adult student recorded for themself."""
        result = await self._session.execute(
            select(ContactRecord)
            .where(ContactRecord.student_id.in_(list(student_ids)))
            .order_by(ContactRecord.recorded_at, ContactRecord.id)
        )
        return {record.student_id: record for record in result.scalars() if record.student_id}

    async def students_with_contacts(
        self, school_id: int, class_id: int | None
    ) -> list[tuple[Student, SchoolClass]]:
        """Students who have contact entries or letter choices of their own (adult
        students), by name."""
        recorded = (
            select(ContactRecord.student_id)
            .where(ContactRecord.student_id.is_not(None))
            .union(select(MailPreference.student_id).where(MailPreference.student_id.is_not(None)))
        )
        statement = (
            select(Student, SchoolClass)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.school_id == school_id, Student.id.in_(recorded))
            .order_by(Student.full_name)
        )
        if class_id is not None:
            statement = statement.where(Student.class_id == class_id)
        return [(student, school_class) for student, school_class in
                (await self._session.execute(statement)).all()]  # fmt: skip

    async def students_with_guardian_addresses(self, school_id: int) -> list[int]:
        """Students of the school with a guardian who has ever had an address on record: the
        families that may be reached by e-mail (the caller applies the rule to the current
        entry; a superset keeps this one query cheap)."""
        addressed = select(ContactRecord.guardian_id).where(
            ContactRecord.school_id == school_id,
            ContactRecord.guardian_id.is_not(None),
            ContactRecord.email.is_not(None),
        )
        result = await self._session.execute(
            select(GuardianStudent.student_id)
            .join(Student, Student.id == GuardianStudent.student_id)
            .where(Student.school_id == school_id, GuardianStudent.guardian_id.in_(addressed))
            .distinct()
        )
        return list(result.scalars())

    async def students_with_own_addresses(self, school_id: int) -> list[int]:
        """Students of the school who have ever had an address of their own on record
        (adult students; the caller applies the rule, adulthood included)."""
        result = await self._session.execute(
            select(ContactRecord.student_id)
            .where(
                ContactRecord.school_id == school_id,
                ContactRecord.student_id.is_not(None),
                ContactRecord.email.is_not(None),
            )
            .distinct()
        )
        return [student for student in result.scalars() if student is not None]

    async def birth_dates(self, student_ids: Sequence[int]) -> dict[int, tuple[date | None, str]]:
        """Student id → (the journal's date of birth, the school's time zone): whether a
        student is an adult is told on the school's date."""
        if not student_ids:
            return {}
        result = await self._session.execute(
            select(Student.id, Student.birth_date, School.timezone)
            .join(School, School.id == Student.school_id)
            .where(among(self._session, table_of(Student).c.id, list(student_ids)))
        )
        return {student_id: (born, zone) for student_id, born, zone in result.all()}

    async def reachable_in_telegram(
        self, *, guardian_ids: Sequence[int] = (), student_ids: Sequence[int] = ()
    ) -> tuple[set[int], set[int]]:
        """Of these guardians and students, those with an active link of their own on an
        account that has not blocked the bot: (guardian ids, student ids)."""
        result = await self._session.execute(
            select(AccountLink.role, AccountLink.guardian_id, AccountLink.student_id)
            .join(TelegramAccount, TelegramAccount.id == AccountLink.account_id)
            .where(
                AccountLink.ended_at.is_(None),
                TelegramAccount.is_active.is_(True),
                or_(
                    and_(AccountLink.role == AccountRole.GUARDIAN,
                         AccountLink.guardian_id.in_(list(guardian_ids))),
                    and_(AccountLink.role == AccountRole.STUDENT,
                         AccountLink.student_id.in_(list(student_ids))),
                ),
            )
        )  # fmt: skip
        guardians: set[int] = set()
        students: set[int] = set()
        for role, guardian_id, student_id in result.all():
            if role == AccountRole.GUARDIAN and guardian_id is not None:
                guardians.add(guardian_id)
            elif student_id is not None:
                students.add(student_id)
        return guardians, students

    # Addresses given in the bot, waiting for confirmation ---------------------------------

    async def request_confirmation(self, request: EmailConfirmation, now: datetime) -> None:
        """Add a request; the person's earlier ones still open stop working (only the
        newest link counts)."""
        same_person = (
            EmailConfirmation.guardian_id == request.guardian_id
            if request.guardian_id is not None
            else EmailConfirmation.student_id == request.student_id
        )
        await self._session.execute(
            update(EmailConfirmation)
            .where(
                same_person,
                EmailConfirmation.confirmed_at.is_(None),
                EmailConfirmation.expires_at > now,
            )
            .values(expires_at=now)
            .execution_options(synchronize_session=False)
        )
        self._session.add(request)
        await self._session.flush()

    async def confirmation(self, confirmation_id: int) -> EmailConfirmation | None:
        return await self._session.get(EmailConfirmation, confirmation_id)

    async def open_confirmations(
        self, now: datetime, *, guardian_ids: Sequence[int] = (), student_ids: Sequence[int] = ()
    ) -> list[EmailConfirmation]:
        """The requests of these guardians and students that can still be confirmed."""
        result = await self._session.execute(
            select(EmailConfirmation)
            .where(
                or_(
                    EmailConfirmation.guardian_id.in_(list(guardian_ids)),
                    EmailConfirmation.student_id.in_(list(student_ids)),
                ),
                EmailConfirmation.confirmed_at.is_(None),
                EmailConfirmation.expires_at > now,
            )
            .order_by(EmailConfirmation.id)
        )
        return list(result.scalars())

    async def asked_together(
        self, request: EmailConfirmation, now: datetime
    ) -> list[EmailConfirmation]:
        """The other open requests made with this one: the same account, address and moment
        (an account linked as several people gives the address to each)."""
        if request.account_id is None:
            return []
        result = await self._session.execute(
            select(EmailConfirmation)
            .where(
                EmailConfirmation.id != request.id,
                EmailConfirmation.account_id == request.account_id,
                EmailConfirmation.email == request.email,
                EmailConfirmation.requested_at == request.requested_at,
                EmailConfirmation.confirmed_at.is_(None),
                EmailConfirmation.expires_at > now,
            )
            .order_by(EmailConfirmation.id)
        )
        return list(result.scalars())

    async def use_confirmation(self, confirmation_id: int, now: datetime) -> bool:
        """Mark the request confirmed, once: False when it was used, replaced or expired
        meanwhile (one conditional statement, so two presses confirm once)."""
        result = await self._session.execute(
            update(EmailConfirmation)
            .where(
                EmailConfirmation.id == confirmation_id,
                EmailConfirmation.confirmed_at.is_(None),
                EmailConfirmation.expires_at > now,
            )
            .values(confirmed_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def delete_expired_confirmations(self, now: datetime) -> int:
        result = await self._session.execute(
            delete(EmailConfirmation).where(EmailConfirmation.expires_at <= now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def languages(
        self, *, guardian_ids: Sequence[int] = (), student_ids: Sequence[int] = ()
    ) -> dict[tuple[str, int], str]:
        """The language chosen by the account linked to each of these people (active
        links; a blocked bot does not change what the family reads): ("g"|"s", id) → code."""
        result = await self._session.execute(
            select(AccountLink.role, AccountLink.guardian_id, AccountLink.student_id,
                   TelegramAccount.language)
            .join(TelegramAccount, TelegramAccount.id == AccountLink.account_id)
            .where(
                AccountLink.ended_at.is_(None),
                TelegramAccount.language.is_not(None),
                or_(
                    and_(AccountLink.role == AccountRole.GUARDIAN,
                         AccountLink.guardian_id.in_(list(guardian_ids))),
                    and_(AccountLink.role == AccountRole.STUDENT,
                         AccountLink.student_id.in_(list(student_ids))),
                ),
            )
            .order_by(AccountLink.linked_at, AccountLink.id)
        )  # fmt: skip
        found: dict[tuple[str, int], str] = {}
        for role, guardian_id, student_id, language in result.all():
            person = guardian_id if role == AccountRole.GUARDIAN else student_id
            if person is not None and language:
                found.setdefault(("g" if role == AccountRole.GUARDIAN else "s", person), language)
        return found

    # Erasure ------------------------------------------------------------------------------

    async def erasable(self, decided_before: datetime) -> list[ContactRecord]:
        """Entries still holding an address whose person's newest consent record refuses or
        withdraws consent and was made before the cutoff."""
        newest_consent = _newest_consent(ContactRecord.guardian_id, ContactRecord.student_id)
        result = await self._session.execute(
            select(ContactRecord)
            .join(ConsentRecord, ConsentRecord.id == newest_consent.correlate(ContactRecord))
            .where(ContactRecord.email.is_not(None), _decided(decided_before))
            .order_by(ContactRecord.id)
        )
        return list(result.scalars())

    async def erase_addresses(self, record_ids: Sequence[int], now: datetime) -> None:
        """Blank the addresses of these entries; the rest of each entry stays."""
        await self._session.execute(
            update(ContactRecord)
            .where(ContactRecord.id.in_(list(record_ids)))
            .values(email=None, erased_at=now)
            .execution_options(synchronize_session=False)
        )

    async def erase_mail_preferences(self, decided_before: datetime) -> int:
        """Delete the letter choices of the people whose newest consent record refuses or
        withdraws consent and was made before the cutoff (the same people as
        :meth:`erasable`, whether or not an address is still on record)."""
        newest_consent = _newest_consent(MailPreference.guardian_id, MailPreference.student_id)
        found = select(MailPreference.id).join(
            ConsentRecord, ConsentRecord.id == newest_consent.correlate(MailPreference)
        )
        ids = list((await self._session.execute(found.where(_decided(decided_before)))).scalars())
        if ids:
            await self._session.execute(
                delete(MailPreference)
                .where(MailPreference.id.in_(ids))
                .execution_options(synchronize_session=False)
            )
        return len(ids)

    # What a person on e-mail chose to receive by letter -----------------------------------

    async def mail_preferences(
        self, *, guardian_ids: Sequence[int] = (), student_ids: Sequence[int] = ()
    ) -> dict[tuple[str, int], MailPreference]:
        """The stored choices of these people: ("g"|"s", id) → row (none: the defaults)."""
        result = await self._session.execute(
            select(MailPreference).where(
                or_(
                    MailPreference.guardian_id.in_(list(guardian_ids)),
                    MailPreference.student_id.in_(list(student_ids)),
                )
            )
        )
        found: dict[tuple[str, int], MailPreference] = {}
        for row in result.scalars():
            if row.guardian_id is not None:
                found[("g", row.guardian_id)] = row
            elif row.student_id is not None:
                found[("s", row.student_id)] = row
        return found

    async def set_evening_brief(
        self,
        *,
        school_id: int,
        guardian_id: int | None,
        student_id: int | None,
        chosen: bool,
        actor: str,
        now: datetime,
    ) -> None:
        """Store the person's choice (one statement: two requests at once leave one row)."""
        await upsert(
            self._session,
            table_of(MailPreference),
            [{"school_id": school_id, "guardian_id": guardian_id, "student_id": student_id,
              "evening_brief": chosen, "changed_by": actor, "changed_at": now}],
            conflict=["guardian_id"] if guardian_id is not None else ["student_id"],
        )  # fmt: skip


def _newest_consent(
    guardian_id: InstrumentedAttribute[int | None], student_id: InstrumentedAttribute[int | None]
) -> ScalarSelect[int]:
    """The id of the newest consent record about the person of a row with these columns
    (the caller correlates it to the row's table)."""
    return (
        select(ConsentRecord.id)
        .where(
            or_(
                and_(guardian_id.is_not(None), ConsentRecord.guardian_id == guardian_id),
                and_(
                    student_id.is_not(None),
                    ConsentRecord.student_id == student_id,
                    ConsentRecord.guardian_id.is_(None),
                ),
            )
        )
        .order_by(ConsentRecord.recorded_at.desc(), ConsentRecord.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _decided(decided_before: datetime) -> ColumnElement[bool]:
    """The joined consent record refuses or withdraws, and was made before the cutoff."""
    return and_(
        ConsentRecord.state.in_((ConsentState.REFUSED, ConsentState.WITHDRAWN)),
        ConsentRecord.recorded_at < decided_before,
    )


def _subject(guardian_id: int | None, student_id: int | None) -> ColumnElement[bool]:
    if guardian_id is not None:
        return ContactRecord.guardian_id == guardian_id
    return and_(ContactRecord.student_id == student_id, ContactRecord.guardian_id.is_(None))
