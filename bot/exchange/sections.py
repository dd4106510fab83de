"""How each section of the sync document maps onto a table and its references."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.exchange.document import SECTIONS
from bot.grading.marks import score_of
from db.base import Base, table_of
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


@dataclass(frozen=True)
class Dependent:
    """Items of ``section`` (rows of ``model``) that point at another item via ``column``."""

    section: str
    model: type[Base]
    column: str


def _dependents() -> dict[str, tuple[Dependent, ...]]:
    """Per section, the items of other sections that a deletion would take with it.

    The rule: deleting an item is refused while it would silently remove (a CASCADE key) or
    trip over (a RESTRICT key) rows that were themselves synced as items of another section;
    the journal must delete or re-point them first, or in the same document, so that their
    deletions are counted and recorded like any other (families hear of deleted grades).
    Not dependents: rows that only lose a link (SET NULL: a grade's lesson, a lesson's
    substitute, a class's class teacher, a recommendation's subject) and rows that are part
    of the item itself or the bot's own (a guardian's list of children, consents, links,
    notices) — those are not items the journal sends. Read off the foreign keys, so a new
    table or key cannot be forgotten here.
    """
    section_of = {table_of(model).name: section for section, model in MODELS.items()}
    section_of[table_of(CurriculumRow).name] = "curriculum"
    found: dict[str, list[Dependent]] = {section: [] for section in MODELS}
    models: list[type[Base]] = [*MODELS.values(), CurriculumRow]
    for model in models:
        for key in table_of(model).foreign_keys:
            target = section_of.get(key.column.table.name)
            if target is not None and key.ondelete != "SET NULL":
                found[target].append(
                    Dependent(section_of[table_of(model).name], model, key.parent.name)
                )
    order = [*SECTIONS]  # deterministic (foreign keys come as a set), in document order
    return {
        section: tuple(sorted(found[section], key=lambda d: (order.index(d.section), d.column)))
        for section in MODELS
        if found[section]
    }


DEPENDENTS: dict[str, tuple[Dependent, ...]] = _dependents()
# How many of a section's items, in a message: (one, several).
ITEM_NAMES = {
    "students": ("student", "students"),
    "curriculum": ("curriculum row", "curriculum rows"),
    "lessons": ("lesson", "lessons"),
    "grades": ("grade", "grades"),
    "homework": ("homework", "homework"),
    "assessments": ("assessment", "assessments"),
    "recommendations": ("recommendation", "recommendations"),
    "final_grades": ("final grade", "final grades"),
}


def still_has(counts: dict[str, int]) -> str:
    """Why a deletion is refused: its dependents per section, the most numerous first."""
    order = list(SECTIONS)
    sections = sorted(counts, key=lambda section: (-counts[section], order.index(section)))
    listing = ", ".join(
        f"{counts[section]} {ITEM_NAMES[section][counts[section] != 1]}" for section in sections
    )
    return (
        f"cannot delete: it still has {listing}; delete or re-point them first, or in the "
        f"same document ({', '.join(sections)} still refer to it)"
    )


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
