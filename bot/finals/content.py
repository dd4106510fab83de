"""What a final-grade message says, as data (pure): built from the grades, compared with
what the family was last told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

FINAL, DEFERRED = "final", "deferred"


@dataclass(frozen=True)
class FinalLine:
    subject: str
    value: str | None
    status: str
    deferred_until: dt.date | None
    reason: str | None

    @property
    def deferred(self) -> bool:
        return self.status == DEFERRED


Content = dict[str, dict[str, Any]]


def content_of(grades: Iterable[tuple[Any, str]]) -> Content:
    """{final grade id: its subject, value, status, deferral} — JSON for the notice row."""
    return {
        str(grade.id): {
            "subject": subject,
            "value": grade.value,
            "status": str(getattr(grade.status, "value", grade.status)),
            "until": grade.deferred_until.isoformat() if grade.deferred_until else None,
            "reason": grade.reason,
        }
        for grade, subject in grades
    }


def lines_of(content: Content, ids: Iterable[str] | None = None) -> list[FinalLine]:
    chosen = content if ids is None else {i: content[i] for i in ids if i in content}
    lines = [
        FinalLine(
            subject=item["subject"],
            value=item["value"],
            status=item["status"],
            deferred_until=dt.date.fromisoformat(item["until"]) if item.get("until") else None,
            reason=item.get("reason"),
        )
        for item in chosen.values()
    ]
    return sorted(lines, key=lambda line: line.subject)


@dataclass(frozen=True)
class ContentChange:
    changed: list[str]  # ids new or different since the family was last told
    resolved: list[str]  # ids that were deferred and are final now
    removed: list[str]  # ids the journal withdrew


def compare(told: Content, now: Content) -> ContentChange:
    changed = [i for i, item in now.items() if told.get(i) != item]
    resolved = [
        i
        for i in changed
        if i in told and told[i]["status"] == DEFERRED and now[i]["status"] == FINAL
    ]
    removed = [i for i in told if i not in now]
    return ContentChange(changed, resolved, removed)
