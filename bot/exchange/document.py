"""The sync document (``../shared/EXCHANGE.md``) as pydantic models.

One model per entity; every field the contract names, with the same meaning. The same
models validate requests and generate the OpenAPI document, so the two cannot drift.
Unknown fields inside items are ignored (journals may send more than we use); unknown
sections are refused, because a misspelt section would otherwise lose data silently.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.grading.marks import InvalidMark, normalize_mark


def _storable(text: str) -> str:
    # PostgreSQL text cannot hold NUL (SQLite can): refused here, with the item's path, so
    # that a document means the same on both databases and nothing reaches the driver.
    # Lone surrogates never get this far: pydantic refuses text that is not valid Unicode.
    # A substring test, not a regex: it runs on every string of 10^5-item documents.
    if "\x00" in text:
        raise ValueError("text must not contain the NUL character (\\u0000)")
    return text


# Every string field below carries it (tests/faults/test_hostile_documents.py puts a NUL
# into each field of every section, so a field added without it fails there).
Storable = AfterValidator(_storable)
ExternalId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), Storable
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), Storable
]
# Journal texts (homework, topics, recommendations): generous, but bounded so that one
# hostile item cannot make every parent's message unreadable.
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000), Storable
]
Mark = Annotated[str, Storable]
# Dates from journals must be a real calendar date in a plausible range.
SchoolDate = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]


class Item(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class JournalEntity(Item):
    external_id: ExternalId
    deleted: Literal[False] = False


class Deletion(Item):
    """``{"external_id": "...", "deleted": true}``: remove the item (other fields ignored)."""

    external_id: ExternalId
    deleted: Literal[True]


class PeriodItem(JournalEntity):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100), Storable]
    kind: Literal["quarter", "half", "year", "trimester", "semester"]
    starts_on: SchoolDate
    ends_on: SchoolDate

    @model_validator(mode="after")
    def _ordered(self) -> PeriodItem:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class SubjectItem(JournalEntity):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), Storable]


class TeacherItem(JournalEntity):
    full_name: Name


class ClassItem(JournalEntity):
    name: Annotated[str, StringConstraints(min_length=1, max_length=50), Storable]
    level: Literal["primary", "basic", "secondary", "vocational"]
    class_teacher_id: ExternalId | None = None


class StudentItem(JournalEntity):
    full_name: Name
    class_id: ExternalId
    birth_date: SchoolDate | None = Field(default=None, ge=dt.date(1900, 1, 1))


class GuardianItem(JournalEntity):
    full_name: Name
    # The complete list of the guardian's children in this school; it replaces the stored one.
    student_ids: list[ExternalId] = Field(default_factory=list, max_length=50)
    relation: Literal["mother", "father", "guardian", "other"] | None = None
    email: (
        Annotated[str, StringConstraints(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$"), Storable]
        | None
    ) = None
    phone: Annotated[str, StringConstraints(max_length=50), Storable] | None = None


class CurriculumItem(Item):
    """Planned lessons; no external id — the key is class, subject, teacher and period."""

    class_id: ExternalId
    subject_id: ExternalId
    teacher_id: ExternalId
    period_id: ExternalId
    planned_lessons: int = Field(ge=0, le=2000)
    deleted: bool = False


class MovedTo(Item):
    date: SchoolDate
    number: int = Field(ge=0, le=20)


class LessonItem(JournalEntity):
    class_id: ExternalId
    subject_id: ExternalId
    teacher_id: ExternalId
    date: SchoolDate
    number: int = Field(ge=0, le=20)
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None
    room: Annotated[str, StringConstraints(max_length=50), Storable] | None = None
    topic: LongText | None = None
    kind: Literal["lesson", "test", "lab", "practice", "exam"] = "lesson"
    status: Literal["scheduled", "conducted", "substituted", "moved", "cancelled"]
    substitute_teacher_id: ExternalId | None = None
    moved_to: MovedTo | None = None

    @field_validator("starts_at", "ends_at", mode="before")
    @classmethod
    def _hh_mm(cls, value: object) -> object:
        # The contract says HH:MM; seconds are tolerated, anything else is not a time.
        if isinstance(value, str) and len(value) not in (5, 8):
            raise ValueError("use HH:MM")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> LessonItem:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at is not after starts_at")
        if self.status == "substituted" and self.substitute_teacher_id is None:
            raise ValueError("a substituted lesson needs substitute_teacher_id")
        if self.status == "moved" and self.moved_to is None:
            raise ValueError("a moved lesson needs moved_to")
        return self


class GradeItem(JournalEntity):
    student_id: ExternalId
    subject_id: ExternalId
    lesson_id: ExternalId | None = None
    date: SchoolDate
    value: Mark
    work_type: Annotated[str, StringConstraints(max_length=100), Storable] | None = None
    weight: float = Field(default=1, gt=0, le=10)
    comment: LongText | None = None

    @field_validator("value")
    @classmethod
    def _mark(cls, value: str) -> str:
        try:
            return normalize_mark(value)
        except InvalidMark as error:
            raise ValueError(str(error)) from error


class HomeworkItem(JournalEntity):
    class_id: ExternalId
    subject_id: ExternalId
    assigned_on: SchoolDate
    due_on: SchoolDate
    text: LongText

    @model_validator(mode="after")
    def _ordered(self) -> HomeworkItem:
        if self.due_on < self.assigned_on:
            raise ValueError("due_on is before assigned_on")
        return self


class AssessmentItem(JournalEntity):
    class_id: ExternalId
    subject_id: ExternalId
    date: SchoolDate
    kind: Annotated[str, StringConstraints(min_length=1, max_length=100), Storable]
    topic: LongText | None = None


class HolidayItem(JournalEntity):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), Storable]
    starts_on: SchoolDate
    ends_on: SchoolDate

    @model_validator(mode="after")
    def _ordered(self) -> HolidayItem:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class RecommendationItem(JournalEntity):
    student_id: ExternalId
    teacher_id: ExternalId
    subject_id: ExternalId | None = None
    date: SchoolDate
    text: LongText


class FinalGradeItem(JournalEntity):
    student_id: ExternalId
    subject_id: ExternalId
    period_id: ExternalId
    value: Mark | None = None
    status: Literal["final", "deferred"]
    deferred_until: SchoolDate | None = None
    reason: LongText | None = None

    @field_validator("value")
    @classmethod
    def _mark(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return normalize_mark(value)
        except InvalidMark as error:
            raise ValueError(str(error)) from error

    @model_validator(mode="after")
    def _consistent(self) -> FinalGradeItem:
        if self.status == "final" and self.value is None:
            raise ValueError("a final grade needs a value")
        if self.status == "deferred":
            if self.value is not None:
                raise ValueError("a deferred grade has no value yet")
            if self.deferred_until is None:
                raise ValueError("a deferred grade needs deferred_until")
        return self


class SyncDocument(BaseModel):
    """The whole document, for the OpenAPI schema; validation goes item by item."""

    model_config = ConfigDict(extra="forbid")

    periods: list[PeriodItem | Deletion] = []
    subjects: list[SubjectItem | Deletion] = []
    teachers: list[TeacherItem | Deletion] = []
    classes: list[ClassItem | Deletion] = []
    students: list[StudentItem | Deletion] = []
    guardians: list[GuardianItem | Deletion] = []
    curriculum: list[CurriculumItem] = []
    lessons: list[LessonItem | Deletion] = []
    grades: list[GradeItem | Deletion] = []
    homework: list[HomeworkItem | Deletion] = []
    assessments: list[AssessmentItem | Deletion] = []
    holidays: list[HolidayItem | Deletion] = []
    recommendations: list[RecommendationItem | Deletion] = []
    final_grades: list[FinalGradeItem | Deletion] = []


# Section name → item model, in the order the sync applies them (referenced first).
SECTIONS: dict[str, type[Item]] = {
    "periods": PeriodItem,
    "subjects": SubjectItem,
    "teachers": TeacherItem,
    "classes": ClassItem,
    "students": StudentItem,
    "guardians": GuardianItem,
    "curriculum": CurriculumItem,
    "lessons": LessonItem,
    "grades": GradeItem,
    "homework": HomeworkItem,
    "assessments": AssessmentItem,
    "holidays": HolidayItem,
    "recommendations": RecommendationItem,
    "final_grades": FinalGradeItem,
}
