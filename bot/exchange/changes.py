"""Which applied changes families must hear about (pure: rows in, change records out).

The push layer decides how and when to tell them (batching, quiet hours, backfills); this
module only records, in the sync's transaction, what changed and for whom.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import Enum
from typing import Any

Row = dict[str, Any]
# (action, row after — or before for a deletion, row before an update, today) → details.
Detector = Callable[[str, Row, Row | None, dt.date], "Change | None"]


class Change:
    __slots__ = ("class_id", "details", "occurred_on", "student_id")

    def __init__(
        self,
        details: dict[str, Any],
        *,
        student_id: int | None = None,
        class_id: int | None = None,
        occurred_on: dt.date | None = None,
    ) -> None:
        self.details = details
        self.student_id = student_id
        self.class_id = class_id
        self.occurred_on = occurred_on


def plain(value: Any) -> Any:
    """A JSON-ready form of a column value."""
    if value is None or type(value) in (str, int, float):  # most values: no conversion
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def picked(row: Row, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: plain(row.get(name)) for name in fields}


def differs(before: Row, after: Row, fields: tuple[str, ...]) -> bool:
    return any(plain(before.get(name)) != plain(after.get(name)) for name in fields)


def describe(
    action: str, after: Row, before: Row | None, fields: tuple[str, ...]
) -> dict[str, Any]:
    details = {"after" if action != "deleted" else "before": picked(after, fields)}
    if before is not None:
        details["before"] = picked(before, fields)
    return details


GRADE_FIELDS = ("subject_id", "date", "value", "work_type", "weight", "lesson_id")


def grade_change(action: str, row: Row, before: Row | None, today: dt.date) -> Change | None:
    if action == "updated" and before is not None and not differs(before, row, GRADE_FIELDS):
        return None
    return Change(
        describe(action, row, before, GRADE_FIELDS),
        student_id=row["student_id"],
        occurred_on=row["date"],
    )


LESSON_FIELDS = (
    "subject_id", "teacher_id", "date", "number", "starts_at", "ends_at", "room", "status",
    "substitute_teacher_id", "moved_to_date", "moved_to_number",
)  # fmt: skip
CHANGED_STATUSES = {"substituted", "moved", "cancelled"}


def _concerns_today_or_later(row: Row, today: dt.date) -> bool:
    moved_to = row.get("moved_to_date")
    return row["date"] >= today or (moved_to is not None and moved_to >= today)


def lesson_change(action: str, row: Row, before: Row | None, today: dt.date) -> Change | None:
    """Changes to lessons of today or later: substitutions, moves, cancellations, edits."""
    relevant = _concerns_today_or_later(row, today) or (
        before is not None and _concerns_today_or_later(before, today)
    )
    if not relevant:
        return None
    if action == "created" and plain(row["status"]) not in CHANGED_STATUSES:
        return None  # a newly published timetable is not news
    if action == "updated" and before is not None and not differs(before, row, LESSON_FIELDS):
        return None
    return Change(
        describe(action, row, before, LESSON_FIELDS),
        class_id=row["class_id"],
        occurred_on=row["date"],
    )


HOMEWORK_FIELDS = ("subject_id", "assigned_on", "due_on", "text")


def homework_change(action: str, row: Row, before: Row | None, today: dt.date) -> Change | None:
    if action == "deleted":
        return None
    if action == "updated" and before is not None and not differs(before, row, HOMEWORK_FIELDS):
        return None
    return Change(
        describe(action, row, before, HOMEWORK_FIELDS),
        class_id=row["class_id"],
        occurred_on=row["due_on"],
    )


RECOMMENDATION_FIELDS = ("teacher_id", "subject_id", "date", "text")


def recommendation_change(
    action: str, row: Row, before: Row | None, today: dt.date
) -> Change | None:
    if action == "deleted":
        return None
    if action == "updated" and before is not None and not differs(before, row, ("text",)):
        return None
    return Change(
        describe(action, row, before, RECOMMENDATION_FIELDS),
        student_id=row["student_id"],
        occurred_on=row["date"],
    )


FINAL_GRADE_FIELDS = ("subject_id", "period_id", "value", "status", "deferred_until", "reason")


def final_grade_change(action: str, row: Row, before: Row | None, today: dt.date) -> Change | None:
    """Published, deferred, changed or withdrawn final grades."""
    if action == "updated" and before is not None and not differs(before, row, FINAL_GRADE_FIELDS):
        return None
    return Change(describe(action, row, before, FINAL_GRADE_FIELDS), student_id=row["student_id"])


# Section → (entity name in change records, detector).
DETECTORS: dict[str, tuple[str, Detector]] = {
    "grades": ("grade", grade_change),
    "lessons": ("lesson", lesson_change),
    "homework": ("homework", homework_change),
    "recommendations": ("recommendation", recommendation_change),
    "final_grades": ("final_grade", final_grade_change),
}
