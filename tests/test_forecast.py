"""The forecast of final success: hand-checked examples, then properties over random marks."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.grading.forecast import (
    Forecast,
    Thresholds,
    WeightedMark,
    fives_needed,
    forecast,
    predicted_mark,
    rounded_average,
)

PROPERTY = settings(max_examples=150, deadline=None, database=None)


def marks_of(*pairs: tuple[float, float]) -> list[WeightedMark]:
    return [WeightedMark(score, weight) for score, weight in pairs]


def ones(*scores: int) -> list[WeightedMark]:
    return [WeightedMark(score, 1) for score in scores]


# --- hand-checked examples ---------------------------------------------------------------


def test_five_four_four() -> None:
    # total 13, weight 3, average 13/3 = 4.33 -> 4.
    # To 5: (13 + 5n) / (3 + n) >= 4.5 <=> 13 + 5n >= 13.5 + 4.5n <=> 0.5n >= 0.5 <=> n >= 1
    # (5,4,4,5 averages 18/4 = 4.5 exactly).
    # To lose the 4: (13 + 2n) / (3 + n) < 3.5 <=> 13 + 2n < 10.5 + 3.5n <=> n > 5/3, so n = 2
    # (one 2 gives 15/4 = 3.75, two give 17/5 = 3.4).
    result = forecast(ones(5, 4, 4))
    assert result == Forecast(
        marks=3,
        average=13 / 3,
        predicted=4,
        enough=True,
        next_mark=5,
        fives_to_next=1,
        fives_to_keep=2,
    )
    assert rounded_average(13 / 3) == "4.33"


def test_weights_count() -> None:
    # 5 of weight 3 and 2 of weight 1: 17 / 4 = 4.25 -> 4.
    # To 5: (17 + 5n) / (4 + n) >= 4.5 <=> 0.5n >= 1 <=> n >= 2: "ещё две пятёрки — и будет 5"
    # (one five gives 22/5 = 4.4, two give 27/6 = 4.5).
    result = forecast(marks_of((5, 3), (2, 1)), minimum_marks=2)
    assert (result.average, result.predicted, result.next_mark) == (4.25, 4, 5)
    assert result.fives_to_next == 2


def test_exactly_four_and_a_half_is_five() -> None:
    # 18 / 4 = 4.5; one 2 makes (18 + 2) / 5 = 4.0 < 4.5.
    result = forecast(ones(5, 5, 4, 4))
    assert (result.average, result.predicted, result.next_mark) == (4.5, 5, None)
    assert (result.fives_to_next, result.fives_to_keep) == (None, 1)
    assert predicted_mark(4.5) == 5


def test_just_under_a_threshold() -> None:
    assert predicted_mark(3.4999) == 3
    assert predicted_mark(3.5) == 4
    assert predicted_mark(2.4999) == 2
    assert predicted_mark(1) == 2
    assert predicted_mark(5) == 5
    assert predicted_mark(Fraction(9, 2) - Fraction(1, 10**30)) == 4


def test_lowest_mark_cannot_drop() -> None:
    # 7/3 = 2.33 -> 2. To 3: (7 + 5n) / (3 + n) >= 2.5 <=> 2.5n >= 0.5 <=> n >= 1.
    result = forecast(ones(2, 2, 3))
    assert (result.predicted, result.next_mark, result.fives_to_next) == (2, 3, 1)
    assert result.fives_to_keep is None


@pytest.mark.parametrize(
    ("pairs", "naive"),
    [
        # Summed in floats these come out as 4.499999999999999.
        (((4, 0.1), (5, 0.2), (4, 0.1)), "float"),
        (((4, 0.2), (5, 1.1), (3, 0.3)), "float"),
        # Exact binary values of 0.1 and 0.6 (Fraction(0.1)) give just under 4.5: the weights
        # must be read as the decimals the school typed.
        (((3, 0.1), (3, 0.1), (5, 0.6)), "binary"),
        # A hundred marks of weight 0.1: the float sum drifts.
        (tuple([(5, 0.1)] * 50 + [(4, 0.1)] * 50), "float"),
    ],
)
def test_decimal_weights_hit_the_threshold_exactly(
    pairs: tuple[tuple[int, float], ...], naive: str
) -> None:
    if naive == "float":
        assert sum(s * w for s, w in pairs) / sum(w for _, w in pairs) != 4.5
    else:
        exact = sum(Fraction(s) * Fraction(w) for s, w in pairs) / sum(
            Fraction(w) for _, w in pairs
        )
        assert exact < Fraction(9, 2)
    result = forecast(marks_of(*pairs))
    assert (result.average, result.predicted) == (4.5, 5)


def test_not_enough_marks() -> None:
    result = forecast(ones(5, 5))
    assert result == Forecast(2, 5.0, None, False, None, None, None)
    assert forecast([]) == Forecast(0, None, None, False, None, None, None)
    assert forecast(ones(3), minimum_marks=1).predicted == 3
    assert not forecast(ones(5, 5, 5), minimum_marks=4).enough


def test_school_thresholds_change_the_prediction() -> None:
    school = Thresholds(five=4.6, four=3.6, three=2.6)
    # 4.5 is a 5 by default but a 4 here; to 5: (18 + 5n) / (4 + n) >= 4.6 <=> 0.4n >= 0.4.
    default, strict = forecast(ones(5, 5, 4, 4)), forecast(ones(5, 5, 4, 4), thresholds=school)
    assert (default.predicted, strict.predicted, strict.fives_to_next) == (5, 4, 1)
    assert forecast(ones(5, 5, 5, 4, 4), thresholds=school).predicted == 5  # 23/5 = 4.6
    assert predicted_mark(3.55, school) == 3
    assert predicted_mark(2.55, school) == 2


def test_five_threshold_of_five_is_unreachable_by_fives() -> None:
    result = forecast(ones(5, 5, 4), thresholds=Thresholds(five=5))
    assert (result.predicted, result.next_mark, result.fives_to_next) == (4, 5, None)
    assert forecast(ones(5, 5, 5), thresholds=Thresholds(five=5)).predicted == 5


def test_fives_needed_examples() -> None:
    assert fives_needed(13, 3, 4.5) == 1
    # One 2: (2 + 5n) / (1 + n) >= 4.5 <=> 0.5n >= 2.5 <=> n >= 5 (27/6 = 4.5).
    assert fives_needed(2, 1, 4.5) == 5
    # A 2 of weight 1.5: (3 + 5n) / (1.5 + n) >= 3.5 <=> 1.5n >= 2.25 <=> n >= 1.5, so 2.
    assert fives_needed(3, 1.5, 3.5) == 2
    assert fives_needed(5, 1, 4.5) == 0
    assert fives_needed(4.5, 1, 4.5) == 0
    # The float sum 0.4 + 1.0 + 0.4 over 0.4 is exactly 4.5 as typed.
    assert fives_needed(1.8, 0.4, 4.5) == 0


def test_rounded_average() -> None:
    assert rounded_average(14 / 3) == "4.67"
    assert rounded_average(4.675) == "4.68"  # the float 4.675 is a hair under it in binary
    assert rounded_average(5) == "5.00"
    assert rounded_average(2.5) == "2.50"
    assert rounded_average(4.496) == "4.50"
    assert rounded_average(4.496, thresholds=Thresholds()) == "4.49"
    assert rounded_average(4.5, thresholds=Thresholds()) == "4.50"
    assert rounded_average(3.996, thresholds=Thresholds()) == "4.00"


@pytest.mark.parametrize(
    "make",
    [
        lambda: WeightedMark(0, 1),
        lambda: WeightedMark(0.99, 1),
        lambda: WeightedMark(5.01, 1),
        lambda: WeightedMark(6, 1),
        lambda: WeightedMark(5, 0),
        lambda: WeightedMark(5, -1),
        lambda: WeightedMark(float("nan"), 1),
        lambda: WeightedMark(5, float("inf")),
        lambda: Thresholds(five=3.5, four=3.5),
        lambda: Thresholds(five=5.1),
        lambda: Thresholds(three=0.9),
        lambda: Thresholds(three=4, four=3.5),
        lambda: forecast(ones(5, 5, 5), minimum_marks=0),
        lambda: forecast([], minimum_marks=-1),
        lambda: fives_needed(13, 3, 5),
        lambda: fives_needed(13, 3, 5.5),
        lambda: fives_needed(0, 0, 4.5),
        lambda: fives_needed(13, -3, 4.5),
        lambda: fives_needed(float("nan"), 3, 4.5),
        lambda: predicted_mark(0.5),
        lambda: predicted_mark(5.5),
        lambda: predicted_mark(float("nan")),
    ],
)
def test_invalid_input_is_rejected(make: Callable[[], object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        make()


# --- properties ----------------------------------------------------------------------------

weights = st.sampled_from([0.1, 0.2, 0.25, 0.3, 0.5, 0.6, 1.0, 1.1, 1.5, 2.0, 3.0]) | st.integers(
    1, 40
).map(lambda k: k / 10)
marks = st.builds(WeightedMark, st.integers(1, 5), weights)
mark_lists = st.lists(marks, min_size=3, max_size=25)


def thresholds_from(lowest: int) -> st.SearchStrategy[Thresholds]:
    """Thresholds with one decimal, the "three" one at least ``lowest`` / 10."""
    picks = st.lists(st.integers(lowest, 50), min_size=3, max_size=3, unique=True)
    return picks.map(sorted).map(
        lambda t: Thresholds(three=t[0] / 10, four=t[1] / 10, five=t[2] / 10)
    )


any_thresholds = st.just(Thresholds()) | thresholds_from(10)


def exact_totals(marks: list[WeightedMark]) -> tuple[Fraction, Fraction]:
    weight = sum((Fraction(str(m.weight)) for m in marks), Fraction())
    total = sum((Fraction(str(m.weight)) * int(m.score) for m in marks), Fraction())
    return total, weight


@PROPERTY
@given(mark_lists)
def test_average_lies_between_the_lowest_and_highest_score(marks: list[WeightedMark]) -> None:
    average = forecast(marks).average
    assert average is not None
    assert min(m.score for m in marks) <= average <= max(m.score for m in marks)


@PROPERTY
@given(mark_lists, any_thresholds)
def test_prediction_matches_a_decimal_oracle(marks: list[WeightedMark], school: Thresholds) -> None:
    # Cross-multiplied in Decimal, which is exact for these short decimals: no division at all.
    total = sum(Decimal(str(m.weight)) * int(m.score) for m in marks)
    weight = sum(Decimal(str(m.weight)) for m in marks)
    expected = 2
    for mark, threshold in ((3, school.three), (4, school.four), (5, school.five)):
        if total >= Decimal(str(threshold)) * weight:
            expected = mark
    assert forecast(marks, thresholds=school).predicted == expected


@PROPERTY
@given(mark_lists, any_thresholds, weights)
def test_a_five_never_lowers_the_prediction(
    marks: list[WeightedMark], school: Thresholds, weight: float
) -> None:
    before = forecast(marks, thresholds=school).predicted
    after = forecast([*marks, WeightedMark(5, weight)], thresholds=school).predicted
    assert before is not None
    assert after is not None
    assert after >= before


# A 2 raises an average below 2; that can raise the prediction only where "three" is under 2.
@PROPERTY
@given(mark_lists, st.just(Thresholds()) | thresholds_from(20), weights)
def test_a_two_never_raises_the_prediction(
    marks: list[WeightedMark], school: Thresholds, weight: float
) -> None:
    before = forecast(marks, thresholds=school).predicted
    after = forecast([*marks, WeightedMark(2, weight)], thresholds=school).predicted
    assert before is not None
    assert after is not None
    assert after <= before


@PROPERTY
@given(mark_lists, any_thresholds)
def test_fives_to_next_is_exactly_enough(marks: list[WeightedMark], school: Thresholds) -> None:
    result = forecast(marks, thresholds=school)
    if result.fives_to_next is None:
        assert result.next_mark is None or school.five == 5
        return
    assert result.next_mark is not None
    assert result.fives_to_next > 0
    with_n = forecast(marks + ones(*[5] * result.fives_to_next), thresholds=school).predicted
    one_fewer = forecast(marks + ones(*[5] * (result.fives_to_next - 1)), thresholds=school)
    assert with_n is not None
    assert with_n >= result.next_mark
    assert one_fewer.predicted is not None
    assert one_fewer.predicted < result.next_mark


@PROPERTY
@given(mark_lists, any_thresholds)
def test_fives_to_keep_is_exactly_the_twos_that_drop_it(
    marks: list[WeightedMark], school: Thresholds
) -> None:
    result = forecast(marks, thresholds=school)
    assert result.predicted is not None
    if result.fives_to_keep is None:
        assert result.predicted == 2 or school.three <= 2
        return
    dropped = forecast(marks + ones(*[2] * result.fives_to_keep), thresholds=school).predicted
    kept = forecast(marks + ones(*[2] * (result.fives_to_keep - 1)), thresholds=school).predicted
    assert dropped is not None
    assert dropped < result.predicted
    assert kept == result.predicted


@PROPERTY
@given(
    mark_lists,
    st.integers(10, 49).map(lambda k: k / 10) | st.integers(100, 499).map(lambda k: k / 100),
)
def test_fives_needed_is_zero_exactly_when_the_target_is_reached(
    marks: list[WeightedMark], target: float
) -> None:
    total, weight = exact_totals(marks)
    goal = Fraction(str(target))
    n = fives_needed(total, weight, target)
    assert (n == 0) == (total / weight >= goal)
    assert (total + 5 * n) / (weight + n) >= goal
    assert n == 0 or (total + 5 * (n - 1)) / (weight + n - 1) < goal


@PROPERTY
@given(mark_lists, any_thresholds, st.data())
def test_order_of_marks_does_not_matter(
    marks: list[WeightedMark], school: Thresholds, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(marks))
    assert forecast(shuffled, thresholds=school) == forecast(marks, thresholds=school)


@PROPERTY
@given(st.integers(100, 500), st.integers(100, 500), any_thresholds)
def test_predicted_mark_grows_with_the_average(a: int, b: int, school: Thresholds) -> None:
    low, high = sorted((a / 100, b / 100))
    assert 2 <= predicted_mark(low, school) <= predicted_mark(high, school) <= 5


@PROPERTY
@given(mark_lists)
def test_rounded_average_never_shows_an_unreached_threshold(marks: list[WeightedMark]) -> None:
    result = forecast(marks)
    assert result.average is not None
    assert result.predicted is not None
    shown = Decimal(rounded_average(result.average, thresholds=Thresholds()))
    assert abs(shown - Decimal(repr(result.average))) < Decimal("0.01")
    assert predicted_mark(float(shown)) == result.predicted
