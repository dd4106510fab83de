"""Risk alerts' pure rules: which state a subject is in, and when that is an alert."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from bot.grading.forecast import WeightedMark, forecast
from bot.grading.risk import RiskState, risk_state, should_alert

END = dt.date(2026, 10, 24)
EARLY = dt.date(2026, 9, 15)
LATE = dt.date(2026, 10, 10)  # two weeks before the end


def marks(*scores: int) -> list[WeightedMark]:
    return [WeightedMark(score, 1) for score in scores]


@pytest.mark.parametrize(
    ("scores", "today", "threshold", "expected"),
    [
        ((2, 2, 3), EARLY, None, RiskState.FAILING),
        ((5, 4), EARLY, None, RiskState.OK),  # too few marks, but early in the period
        ((5, 4), LATE, None, RiskState.NOT_ASSESSED),
        ((), LATE, None, RiskState.NOT_ASSESSED),
        ((4, 3, 3), EARLY, Fraction(7, 2), RiskState.BELOW_THRESHOLD),  # 3.33 < 3.5
        ((4, 3, 4, 3), EARLY, Fraction(7, 2), RiskState.OK),  # exactly 3.5 is not below
        ((4, 3, 3), EARLY, None, RiskState.OK),
    ],
)
def test_risk_states(
    scores: tuple[int, ...], today: dt.date, threshold: Fraction | None, expected: RiskState
) -> None:
    outlook = forecast(marks(*scores), minimum_marks=3)
    assert risk_state(outlook, today=today, period_ends_on=END, threshold=threshold) is expected


def test_alert_once_and_again_only_after_recovery_and_relapse() -> None:
    history = [RiskState.FAILING, RiskState.FAILING, RiskState.OK, RiskState.FAILING]
    alerts = []
    previous: RiskState | None = None
    for state in history:
        alerts.append(should_alert(previous, state))
        previous = state
    assert alerts == [True, False, False, True]
    assert should_alert(RiskState.NOT_ASSESSED, RiskState.FAILING) is True
    assert should_alert(None, RiskState.OK) is False
