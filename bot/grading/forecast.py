"""Forecast of final success (прогноз итоговой успешности) for one child and subject.

Pure rule, no I/O. Marks arrive as numeric scores with weights (pass/fail marks never get
here, see :mod:`bot.grading.marks`). All arithmetic is exact: a float such as 0.1 is read
as the decimal the school typed (1/10), not as its binary approximation, so an average
of exactly 4.5 reaches a 4.5 threshold however many marks or fractional weights it sums.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

Number = float | Fraction


def _exact(value: Number, name: str) -> Fraction:
    # repr() of a float is the shortest decimal that round-trips, i.e. what was typed:
    # 0.1 -> 1/10, where Fraction(0.1) would be 3602879701896397/2**55.
    if isinstance(value, Fraction):
        return value
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return _decimal_fraction(float(value))


# Marks, weights and thresholds take a handful of values, and parsing a decimal into a
# Fraction was most of a forecast's time: a /grades answer reads hundreds of marks.
@functools.lru_cache(maxsize=4096)
def _decimal_fraction(value: float) -> Fraction:
    return Fraction(repr(value))


@dataclass(frozen=True)
class WeightedMark:
    score: float  # 1..5
    weight: float  # > 0

    def __post_init__(self) -> None:
        if not 1 <= _exact(self.score, "score") <= 5:
            raise ValueError(f"a score is from 1 to 5, not {self.score!r}")
        if _exact(self.weight, "weight") <= 0:
            raise ValueError(f"a weight is positive, not {self.weight!r}")


@dataclass(frozen=True)
class Thresholds:
    """The lowest average giving each mark; schools set their own (default 4.5/3.5/2.5)."""

    five: float = 4.5
    four: float = 3.5
    three: float = 2.5

    def __post_init__(self) -> None:
        three, four, five = (_exact(v, "threshold") for v in (self.three, self.four, self.five))
        if not 1 <= three < four < five <= 5:
            raise ValueError(f"thresholds need 1 <= three < four < five <= 5, got {self}")

    def lowest_average(self, mark: int) -> Fraction:
        """The exact average at which ``mark`` (3..5) begins."""
        return _exact({5: self.five, 4: self.four, 3: self.three}[mark], "threshold")


@dataclass(frozen=True)
class Forecast:
    marks: int  # how many marks counted
    average: float | None  # weighted average, None without marks
    predicted: int | None  # 2..5, None when not enough marks
    enough: bool  # marks >= minimum
    next_mark: int | None  # predicted + 1, None when predicted is 5 or not enough marks
    # How many more 5s of weight 1 reach next_mark; None when next_mark is None, and also when
    # no number of fives reaches it (a school whose "five" threshold is exactly 5).
    fives_to_next: int | None
    # How many 2s of weight 1 in a row drop the predicted mark; None when it cannot drop
    # (predicted 2, or a "three" threshold of 2 or less, which an average of 2s never falls under).
    fives_to_keep: int | None = None


def _predicted(average: Fraction, thresholds: Thresholds) -> int:
    for mark in (5, 4, 3):
        if average >= thresholds.lowest_average(mark):
            return mark
    return 2


def predicted_mark(average: Number, thresholds: Thresholds = Thresholds()) -> int:
    exact = _exact(average, "average")
    if not 1 <= exact <= 5:
        raise ValueError(f"an average of scores 1..5 is from 1 to 5, not {average!r}")
    return _predicted(exact, thresholds)


def _least(guess: int, low: int, holds: Callable[[int], bool]) -> int:
    """The least k >= low where the monotonic ``holds`` is true, checked around an exact guess."""
    while not holds(guess):
        guess += 1
    while guess > low and holds(guess - 1):
        guess -= 1
    return guess


def fives_needed(total: Number, weight: Number, target: Number) -> int:
    """Minimal n >= 0 with (total + 5n) / (weight + n) >= target; total = sum of score*weight."""
    s, w, t = _exact(total, "total"), _exact(weight, "weight"), _exact(target, "target")
    if w <= 0:
        raise ValueError(f"the marks' total weight must be positive, not {weight!r}")
    if t >= 5:  # fives approach 5 only from below: 5 would be unreachable
        raise ValueError(f"the target must be below 5, not {target!r}")
    # s + 5n >= t(w + n)  <=>  n >= (t*w - s) / (5 - t)
    guess = max(0, math.ceil((t * w - s) / (5 - t)))
    return _least(guess, 0, lambda n: (s + 5 * n) / (w + n) >= t)


def _twos_to_drop(total: Fraction, weight: Fraction, floor: Fraction) -> int | None:
    """Minimal n >= 1 with (total + 2n) / (weight + n) < floor, None if no n does."""
    if floor <= 2:  # 2s pull the average towards 2, never under it
        return None
    # total + 2n < floor(weight + n)  <=>  n > (total - floor*weight) / (floor - 2)
    guess = max(1, math.floor((total - floor * weight) / (floor - 2)) + 1)
    return _least(guess, 1, lambda n: (total + 2 * n) / (weight + n) < floor)


def weighted_average(marks: Sequence[WeightedMark]) -> Fraction | None:
    """Σ score × weight / Σ weight, exactly; None when there are no marks."""
    if not marks:
        return None
    total = sum((_exact(m.score, "score") * _exact(m.weight, "weight") for m in marks), Fraction())
    return total / sum((_exact(m.weight, "weight") for m in marks), Fraction())


def forecast(
    marks: Sequence[WeightedMark],
    *,
    thresholds: Thresholds = Thresholds(),
    minimum_marks: int = 3,
) -> Forecast:
    if minimum_marks < 1:
        raise ValueError(f"minimum_marks must be at least 1, not {minimum_marks!r}")
    if not marks:
        return Forecast(0, None, None, False, None, None)
    total = sum((_exact(m.score, "score") * _exact(m.weight, "weight") for m in marks), Fraction())
    weight = sum((_exact(m.weight, "weight") for m in marks), Fraction())
    average = total / weight
    if len(marks) < minimum_marks:
        return Forecast(len(marks), float(average), None, False, None, None)
    predicted = _predicted(average, thresholds)
    next_mark = predicted + 1 if predicted < 5 else None
    fives_to_next = None
    if next_mark is not None and thresholds.lowest_average(next_mark) < 5:
        fives_to_next = fives_needed(total, weight, thresholds.lowest_average(next_mark))
    floor = thresholds.lowest_average(predicted) if predicted > 2 else None
    twos = _twos_to_drop(total, weight, floor) if floor is not None else None
    return Forecast(len(marks), float(average), predicted, True, next_mark, fives_to_next, twos)


def rounded_average(average: float, *, thresholds: Thresholds | None = None) -> str:
    """The average with 2 decimals, half up ("4.67" for 14/3). Given the school's thresholds,
    never rounds up onto one the average has not reached: no "4.50" next to a predicted 4."""
    exact = Decimal(repr(float(average)))
    shown = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    limits = [thresholds.lowest_average(m) for m in (3, 4, 5)] if thresholds is not None else []
    if any(Fraction(exact) < limit <= Fraction(shown) for limit in limits):
        shown = exact.quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return f"{shown:.2f}"
