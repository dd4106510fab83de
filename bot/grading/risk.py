"""When a child is slipping in a subject, and when that is worth an alert (pure, no I/O).

A subject is at risk when its predicted period mark is 2, when it still cannot be assessed
(too few marks) within the period's last three weeks, or when its weighted average is under
the threshold the parent chose. An alert goes out when the state becomes risky or changes
from one risk to another; not again while it stays the same, and again after a recovery
and a relapse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from bot.grading.forecast import Forecast, WeightedMark, fives_needed

FINAL_WEEKS = dt.timedelta(weeks=3)


class RiskState(StrEnum):
    OK = "ok"
    FAILING = "failing"  # heading for a 2
    NOT_ASSESSED = "not_assessed"  # too few marks, late in the period
    BELOW_THRESHOLD = "below_threshold"  # under the parent's own threshold


def risk_state(
    outlook: Forecast,
    *,
    today: dt.date,
    period_ends_on: dt.date,
    threshold: Fraction | None = None,
) -> RiskState:
    if outlook.predicted == 2:
        return RiskState.FAILING
    if not outlook.enough:
        late = period_ends_on - today < FINAL_WEEKS
        return RiskState.NOT_ASSESSED if late else RiskState.OK
    if (
        threshold is not None
        and outlook.average is not None
        and Fraction(repr(outlook.average)) < threshold
    ):
        return RiskState.BELOW_THRESHOLD
    return RiskState.OK


def should_alert(previous: RiskState | None, current: RiskState) -> bool:
    return current is not RiskState.OK and current != previous


class RecoveryKind(StrEnum):
    MORE_MARKS = "more_marks"  # to be assessed at all
    FIVES_TO_THREE = "fives_to_three"
    FIVES_TO_THRESHOLD = "fives_to_threshold"
    TALK_TO_TEACHER = "talk_to_teacher"  # no count of marks would do it


@dataclass(frozen=True)
class Recovery:
    kind: RecoveryKind
    count: int = 0


def recovery(
    state: RiskState,
    outlook: Forecast,
    marks: Sequence[WeightedMark],
    *,
    threshold: Fraction | None,
    minimum_marks: int,
) -> Recovery:
    """What it takes to recover: marks still needed, or fives of weight 1."""
    if state is RiskState.NOT_ASSESSED:
        return Recovery(RecoveryKind.MORE_MARKS, max(minimum_marks - outlook.marks, 1))
    if state is RiskState.FAILING and outlook.fives_to_next is not None:
        return Recovery(RecoveryKind.FIVES_TO_THREE, outlook.fives_to_next)
    if state is RiskState.BELOW_THRESHOLD and threshold is not None and marks:
        total = sum((Fraction(repr(m.score)) * Fraction(repr(m.weight)) for m in marks), Fraction())
        weight = sum((Fraction(repr(m.weight)) for m in marks), Fraction())
        return Recovery(RecoveryKind.FIVES_TO_THRESHOLD, fives_needed(total, weight, threshold))
    return Recovery(RecoveryKind.TALK_TO_TEACHER)
