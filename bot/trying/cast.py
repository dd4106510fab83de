"""Whom a newcomer can be in the try mode, chosen from a school's families (a pure rule).

The four people show every side of the bot: a parent with two children (two links, the
switch between children), a student old enough to consent for themselves, the class teacher
of the parent's elder child (so an announcement reaches the parent in the next tab) and a
parent of that class who holds a printed letter's code but has no link yet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class FamilyRow:
    """One guardian-child pair of the school, with what the choice needs."""

    guardian_id: int
    student_id: int
    birth_date: date | None
    class_id: int
    class_teacher_id: int | None


@dataclass(frozen=True, slots=True)
class Cast:
    parent_id: int  # a guardian
    parent_children: tuple[int, ...]  # student ids, the elder first
    student_id: int
    teacher_id: int
    newcomer_id: int  # a guardian


def _age_order(row: FamilyRow) -> tuple[bool, date, int]:
    # The elder first; a missing birth date last; the id keeps the order total.
    return (row.birth_date is None, row.birth_date or date.max, row.student_id)


def choose_cast(rows: Sequence[FamilyRow]) -> Cast | None:
    """The four people, or None when the school has no such families (not the demo)."""
    children: dict[int, list[FamilyRow]] = defaultdict(list)
    for row in rows:
        children[row.guardian_id].append(row)
    for guardian_id in sorted(children, key=lambda g: (-len(children[g]), g)):
        own = sorted(children[guardian_id], key=_age_order)
        elder = own[0]
        if len(own) < 2 or elder.class_teacher_id is None:
            continue
        family = {row.student_id for row in own}
        newcomer = _newcomer(children, elder.class_id, family)
        student = min(
            (row for row in rows if row.student_id not in family), key=_age_order, default=None
        )
        if newcomer is None or student is None:
            continue
        return Cast(
            parent_id=guardian_id,
            parent_children=tuple(row.student_id for row in own),
            student_id=student.student_id,
            teacher_id=elder.class_teacher_id,
            newcomer_id=newcomer,
        )
    return None


def _newcomer(children: dict[int, list[FamilyRow]], class_id: int, family: set[int]) -> int | None:
    """A guardian of one child in that class, from another family."""
    for guardian_id in sorted(children):
        own = children[guardian_id]
        if len(own) == 1 and own[0].class_id == class_id and own[0].student_id not in family:
            return guardian_id
    return None


@dataclass(frozen=True, slots=True)
class Persona:
    key: str  # parent, student, teacher or newcomer
    telegram_user_id: int
    full_name: str
    first_name: str
    details: tuple[str, ...]  # the children (with class), the student's or teacher's class
    code: str | None  # a code to type (the newcomer's printed letter), shown once
    start_texts: tuple[str, ...]  # what the person sends when the page opens the chat
