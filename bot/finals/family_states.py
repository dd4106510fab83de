"""Where each family of a class stands with a period's final grades (pure, from rows)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.finals.standing import FamilyLine, FamilyState
from db.models import FinalGradeNotice, Guardian, OutboxMessage, OutboxStatus, Student


def family_lines(
    families: Sequence[tuple[Guardian, Student]],
    students_with_finals: set[int],
    notices: Sequence[tuple[FinalGradeNotice, OutboxMessage | None]],
) -> list[FamilyLine]:
    """One line per guardian and child who has final grades in the period. A guardian
    with several accounts counts once: acknowledged if any of them did."""
    by_family: dict[tuple[int, int], list[tuple[FinalGradeNotice, OutboxMessage | None]]] = {}
    for notice, message in notices:
        if notice.guardian_id is not None:
            by_family.setdefault((notice.guardian_id, notice.student_id), []).append(
                (notice, message)
            )
    lines = []
    for guardian, student in families:
        if student.id not in students_with_finals:
            continue
        told = by_family.get((guardian.id, student.id), [])
        acknowledged = [
            n.acknowledged_at
            for n, _ in told
            if n.acknowledged_version == n.version and n.acknowledged_at is not None
        ]
        delivered = [n for n, m in told if m is not None and m.status == OutboxStatus.SENT]
        if not told:
            state, at = FamilyState.NO_ACCESS, None
        elif acknowledged:
            state, at = FamilyState.ACKNOWLEDGED, max(acknowledged)
        elif delivered:
            reminded = [n.reminded_at for n in delivered if n.reminded_at is not None]
            state = FamilyState.REMINDED if reminded else FamilyState.WAITING
            at = max(reminded) if reminded else None
        else:
            state, at = FamilyState.UNDELIVERED, None
        lines.append(FamilyLine(guardian.full_name, student.full_name, state, at))
    return lines
