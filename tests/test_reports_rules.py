"""The pure rules of the reports, tested directly."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.reports.rules import (
    PaperReason,
    ReadingCategory,
    distribution,
    monitoring_week_due,
    numeric_final,
    paper_reason,
    reading_category,
    results,
    statement_range,
    statement_schedule,
    weeks_between,
)
from db.models import ConsentState

GRANTED, REFUSED, WITHDRAWN = ConsentState.GRANTED, ConsentState.REFUSED, ConsentState.WITHDRAWN


@pytest.mark.parametrize(
    ("states", "linked", "expected"),
    [
        ([GRANTED], True, None),
        ([REFUSED, GRANTED], True, None),  # one reading guardian informs the family
        ([REFUSED], False, PaperReason.REFUSED),
        ([GRANTED, WITHDRAWN], False, PaperReason.WITHDRAWN),
        ([REFUSED, WITHDRAWN], False, PaperReason.WITHDRAWN),
        ([GRANTED], False, PaperReason.NOT_LINKED),
        ([None], False, PaperReason.NOT_LINKED),
        ([], False, PaperReason.NOT_LINKED),  # no guardian in the journal at all
    ],
)
def test_who_gets_paper(
    states: list[ConsentState | None], linked: bool, expected: PaperReason | None
) -> None:
    assert paper_reason(states, linked_with_consent=linked) == expected


def test_results_count_students_not_marks() -> None:
    found = results({1: [5, 4], 2: [3, 5], 3: [2, 5], 4: [], 5: [4]})
    assert (found.students, found.passing, found.good) == (4, 3, 2)
    assert found.success_percent == 75.0
    assert found.quality_percent == 50.0
    assert results({}).success_percent is None
    assert results({1: [5], 2: [4], 3: [3]}).quality_percent == pytest.approx(200 / 3)


def test_marks_of_final_grades() -> None:
    assert [numeric_final(v) for v in ("5", "4-", "зачёт", None, "")] == [5, 4, None, None, None]
    assert distribution([5, 5, 2]) == {5: 2, 4: 0, 3: 0, 2: 1, 1: 0}


def moscow(year: int, month: int, day: int, hour: int) -> dt.datetime:
    # A local wall-clock time, as the rules take it.
    return dt.datetime(year, month, day, hour, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def test_weekly_and_fortnightly_statement_dates() -> None:
    weekly = statement_schedule({})
    assert (weekly.every_weeks, weekly.weekday, weekly.hour) == (1, 4, 14)
    assert statement_range(weekly, moscow(2026, 9, 11, 15)) == (
        dt.date(2026, 9, 5), dt.date(2026, 9, 11)
    )  # fmt: skip
    assert statement_range(weekly, moscow(2026, 9, 11, 13)) is None
    assert statement_range(weekly, moscow(2026, 9, 10, 15)) is None
    fortnightly = statement_schedule({"statements_every_weeks": 2, "statements_weekday": 0})
    due = [
        statement_range(fortnightly, moscow(2026, 9, 7, 15) + dt.timedelta(days=7 * n))
        for n in range(4)
    ]
    assert [d is not None for d in due] == [True, False, True, False]
    assert due[0] == (dt.date(2026, 8, 25), dt.date(2026, 9, 7))
    # Across New Year the rhythm stays every other week (ISO weeks 53 and 1 are both odd).
    days = [moscow(2026, 12, 28, 15) + dt.timedelta(days=7 * n) for n in range(4)]
    assert [statement_range(fortnightly, d) is not None for d in days] == [True, False, True, False]
    assert statement_schedule({"statements_every_weeks": 3}).every_weeks == 1


def test_reading_categories_and_weeks() -> None:
    assert reading_category(2, has_access=True) == ReadingCategory.ENOUGH
    assert reading_category(5, has_access=True) == ReadingCategory.ENOUGH
    assert reading_category(1, has_access=True) == ReadingCategory.FEWER
    assert reading_category(0, has_access=True) == ReadingCategory.NEVER
    assert reading_category(3, has_access=False) == ReadingCategory.NO_ACCESS
    assert weeks_between(dt.date(2026, 9, 1), dt.date(2026, 9, 16)) == [
        (dt.date(2026, 9, 1), dt.date(2026, 9, 6)),
        (dt.date(2026, 9, 7), dt.date(2026, 9, 13)),
        (dt.date(2026, 9, 14), dt.date(2026, 9, 16)),
    ]
    assert monitoring_week_due({}, moscow(2026, 9, 14, 9)) == dt.date(2026, 9, 7)
    assert monitoring_week_due({}, moscow(2026, 9, 14, 7)) is None
    assert monitoring_week_due({}, moscow(2026, 9, 15, 9)) is None
