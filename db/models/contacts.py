"""Contact data the families gave the school: e-mail addresses and the agreed form of delivery."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId
from db.models.enums import ContactForm, DeliveryChannel, enum_column

# RFC 5321: a forward path is at most 256 octets with its angle brackets, so an address is
# at most 254; the stored form keeps a Unicode domain, which is never longer than its ASCII.
EMAIL_MAX_LENGTH = 254


class ContactRecord(Base):
    """One entry of a family's contact history, like the consent register: an address
    recorded, changed or removed, or the agreed form of delivery chosen.

    Every entry holds the whole state after it (the address and the chosen form), so the
    current contact data is the newest entry. Entries are never deleted and only ever
    changed by erasure: once the person's consent has been refused or withdrawn for 30
    days the address is blanked (``email`` NULL, ``erased_at`` set) and the rest of the
    entry stays as the record of what the school did with the statement.
    """

    __tablename__ = "contact_record"
    __table_args__ = (
        CheckConstraint(
            "(guardian_id IS NULL) <> (student_id IS NULL)", name="exactly_one_subject"
        ),
        Index(None, "guardian_id", "recorded_at"),
        Index(None, "student_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    # A guardian (for the children they represent) or an adult student for themself.
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardian.id", ondelete="CASCADE"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    # The address on record after this entry (a Unicode domain as the family wrote it);
    # NULL: none (removed, never given, or erased).
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX_LENGTH))
    # The form the family agreed to; NULL: none chosen, the default rule decides.
    channel: Mapped[DeliveryChannel | None] = mapped_column(
        enum_column(DeliveryChannel, "delivery_channel")
    )
    form: Mapped[ContactForm] = mapped_column(enum_column(ContactForm, "contact_form"))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]
    # "№ 14 от 02.09.2026": the family's statement in the school's files.
    document_ref: Mapped[str | None] = mapped_column(String(200))
    erased_at: Mapped[datetime | None]
    # Set on an entry the mail worker added when the relay refused the address for good
    # (a 5xx): the address stays on record, but nothing is mailed to it until a new one is
    # recorded. The relay's answer, for the class teacher.
    invalid_reason: Mapped[str | None] = mapped_column(String(500))


class EmailConfirmation(Base):
    """A request in the bot to put an address on record, waiting for the link sent to it to
    be opened. The address counts only once confirmed: then an entry of form ``bot`` is
    added to the contact history. Short-lived (48 hours): the daily erasure job deletes
    expired requests, so no address outlives its purpose here."""

    __tablename__ = "email_confirmation"
    __table_args__ = (
        CheckConstraint(
            "(guardian_id IS NULL) <> (student_id IS NULL)", name="exactly_one_subject"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    # Whose address it is to be, as in contact_record: a parent (for the children they
    # represent) or an adult student for themself.
    guardian_id: Mapped[int | None] = mapped_column(
        ForeignKey("guardian.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    # Who asked (told in the bot when it is confirmed); NULL once the account is erased.
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("telegram_account.id", ondelete="SET NULL")
    )
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH))
    requested_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    # Set once, by the POST of the link's page: a link works a single time.
    confirmed_at: Mapped[datetime | None]


class MailPreference(Base):
    """What a person reached by e-mail (a guardian, or an adult student for themself) chose
    to receive beyond what every family on e-mail gets: the evening brief, which is opt-in
    by letter. One row per person, changed in place (the audit trail keeps each change);
    no row is the default, off. Personal data under the consent like the address: the
    erasure job deletes it with the addresses (``bot.contacts.erasure``)."""

    __tablename__ = "mail_preference"
    __table_args__ = (
        CheckConstraint(
            "(guardian_id IS NULL) <> (student_id IS NULL)", name="exactly_one_subject"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    guardian_id: Mapped[int | None] = mapped_column(
        ForeignKey("guardian.id", ondelete="CASCADE"), unique=True
    )
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), unique=True
    )
    evening_brief: Mapped[bool] = mapped_column(default=False, server_default=false())
    # "cli:…", "office:<telegram id>" or "letter" (the family itself, by the signed link).
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime]
