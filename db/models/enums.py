"""Closed vocabularies of the domain, stored as their string values (portable CHECKs)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


class PeriodKind(StrEnum):
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    TRIMESTER = "trimester"
    SEMESTER = "semester"


class EducationLevel(StrEnum):
    """Primary, basic, secondary general education and vocational (СПО) groups."""

    PRIMARY = "primary"
    BASIC = "basic"
    SECONDARY = "secondary"
    VOCATIONAL = "vocational"


class GuardianRelation(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    GUARDIAN = "guardian"
    OTHER = "other"


class LessonKind(StrEnum):
    LESSON = "lesson"
    TEST = "test"
    LAB = "lab"
    PRACTICE = "practice"
    EXAM = "exam"


class LessonStatus(StrEnum):
    SCHEDULED = "scheduled"
    CONDUCTED = "conducted"
    SUBSTITUTED = "substituted"
    MOVED = "moved"
    CANCELLED = "cancelled"


class FinalGradeStatus(StrEnum):
    FINAL = "final"
    DEFERRED = "deferred"


class ConsentState(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class ConsentForm(StrEnum):
    PAPER = "paper"
    ELECTRONIC = "electronic"


class ContactForm(StrEnum):
    """How a family's contact data reached the school (the regulations: «письменно или с
    применением электронных систем передачи документов»)."""

    PAPER = "paper"  # a written statement kept in the school's files
    ELECTRONIC = "electronic"  # through an electronic document system
    BOT = "bot"  # entered by the family in the bot and confirmed through a link sent to it


class DeliveryChannel(StrEnum):
    """The form of delivery a family agreed to («в согласованной форме»)."""

    TELEGRAM = "telegram"
    EMAIL = "email"
    BOTH = "both"
    PAPER = "paper"


class OutboxChannel(StrEnum):
    """What an outbox row goes through: a Telegram chat, or a letter to an address."""

    TELEGRAM = "telegram"
    EMAIL = "email"


class AccountRole(StrEnum):
    GUARDIAN = "guardian"
    STUDENT = "student"
    TEACHER = "teacher"
    ADMIN = "admin"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    DEAD = "dead"
    CANCELLED = "cancelled"


def enum_column(enum_type: type[StrEnum], name: str) -> Enum:
    """A VARCHAR with a CHECK constraint on both databases (no native PostgreSQL ENUM,
    which would need its own migration step for every new value)."""
    return Enum(
        enum_type,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_type),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
