"""How each section of the sync document maps onto a table and its references."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.grading.marks import score_of
from db.base import Base
from db.models import (
    Assessment,
    CurriculumRow,
    FinalGrade,
    Grade,
    Guardian,
    Holiday,
    Homework,
    Lesson,
    Period,
    Recommendation,
    SchoolClass,
    Student,
    Subject,
    Teacher,
)


@dataclass(frozen=True)
class Reference:
    field: str  # the item's field holding an external id (or a list of them)
    target: str  # the section it points into


# Sections keyed by external_id, with their tables. Curriculum (natural key) is separate.
MODELS: dict[str, type[Base]] = {
    "periods": Period,
    "subjects": Subject,
    "teachers": Teacher,
    "classes": SchoolClass,
    "students": Student,
    "guardians": Guardian,
    "lessons": Lesson,
    "grades": Grade,
    "homework": Homework,
    "assessments": Assessment,
    "holidays": Holiday,
    "recommendations": Recommendation,
    "final_grades": FinalGrade,
}

REFERENCES: dict[str, tuple[Reference, ...]] = {
    "classes": (Reference("class_teacher_id", "teachers"),),
    "students": (Reference("class_id", "classes"),),
    "guardians": (Reference("student_ids", "students"),),
    "curriculum": (
        Reference("class_id", "classes"),
        Reference("subject_id", "subjects"),
        Reference("teacher_id", "teachers"),
        Reference("period_id", "periods"),
    ),
    "lessons": (
        Reference("class_id", "classes"),
        Reference("subject_id", "subjects"),
        Reference("teacher_id", "teachers"),
        Reference("substitute_teacher_id", "teachers"),
    ),
    "grades": (
        Reference("student_id", "students"),
        Reference("subject_id", "subjects"),
        Reference("lesson_id", "lessons"),
    ),
    "homework": (Reference("class_id", "classes"), Reference("subject_id", "subjects")),
    "assessments": (Reference("class_id", "classes"), Reference("subject_id", "subjects")),
    "recommendations": (
        Reference("student_id", "students"),
        Reference("teacher_id", "teachers"),
        Reference("subject_id", "subjects"),
    ),
    "final_grades": (
        Reference("student_id", "students"),
        Reference("subject_id", "subjects"),
        Reference("period_id", "periods"),
    ),
}

# Deleting these is refused while other items still point at them (RESTRICT keys);
# everything else cascades, as the journal's own deletion would.
# (table, its column, the section people know it by).
BLOCKING_REFERENCES: dict[str, tuple[tuple[type[Base], str, str], ...]] = {
    "classes": ((Student, "class_id", "students"),),
    "teachers": (
        (Lesson, "teacher_id", "lessons"),
        (CurriculumRow, "teacher_id", "curriculum"),
        (Recommendation, "teacher_id", "recommendations"),
    ),
}

NOT_COLUMNS = {"external_id", "deleted", "student_ids", "moved_to"}


def item_columns(section: str, item: Any, resolve: Any) -> dict[str, Any]:
    """The table columns for a validated item, its references resolved to row ids."""
    reference_fields = {reference.field for reference in REFERENCES.get(section, ())}
    row = {
        name: value
        for name, value in item
        if name not in NOT_COLUMNS and name not in reference_fields
    }
    for reference in REFERENCES.get(section, ()):
        if reference.field != "student_ids":
            row[reference.field] = resolve(reference.target, getattr(item, reference.field))
    if section == "lessons":
        moved_to = item.moved_to
        row["moved_to_date"] = moved_to.date if moved_to else None
        row["moved_to_number"] = moved_to.number if moved_to else None
    elif section == "grades":
        row["score"] = score_of(item.value)
        row["weight"] = float(item.weight)
    return row


def referenced_ids(item: Any, reference: Reference) -> list[tuple[tuple[object, ...], str]]:
    """The external ids an item points to via ``reference``, with their sub-path."""
    value = getattr(item, reference.field)
    if value is None:
        return []
    if isinstance(value, list):
        return [((reference.field, position), entry) for position, entry in enumerate(value)]
    return [((reference.field,), value)]
