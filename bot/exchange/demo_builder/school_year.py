"""The calendar of the demo school: the school year containing a date, its terms and holidays."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class Period:
    external_id: str
    name: str
    kind: str
    starts_on: date
    ends_on: date

    @property
    def code(self) -> str:
        return self.external_id.removeprefix("p-")


@dataclass(frozen=True, slots=True)
class Holiday:
    external_id: str
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class SchoolYear:
    start_year: int
    quarters: tuple[Period, ...]
    semesters: tuple[Period, ...]
    whole_year: Period
    holidays: tuple[Holiday, ...]
    days_off: frozenset[date]

    @property
    def periods(self) -> tuple[Period, ...]:
        return (*self.quarters, self.whole_year, *self.semesters)

    def terms(self, kind: str) -> tuple[Period, ...]:
        return self.quarters if kind == "quarter" else self.semesters

    def school_days(self, period: Period) -> Iterator[date]:
        """Weekdays of the period that are no holiday (a five-day week)."""
        for offset in range((period.ends_on - period.starts_on).days + 1):
            day = period.starts_on + timedelta(days=offset)
            if day.weekday() < 5 and day not in self.days_off:
                yield day

    def share_of_year(self, kind: str, day: date) -> float:
        """How far into the school year ``day`` is, from 0 to 1 (it picks the topic)."""
        terms = self.terms(kind)
        start, end = terms[0].starts_on, terms[-1].ends_on
        return min(1.0, max(0.0, (day - start).days / (end - start).days))


def school_year_of(today: date) -> SchoolYear:
    y = today.year if today.month >= 9 else today.year - 1
    p = f"p-{y}"
    quarters = (
        Period(f"{p}-q1", "I четверть", "quarter", date(y, 9, 1), date(y, 10, 24)),
        Period(f"{p}-q2", "II четверть", "quarter", date(y, 11, 5), date(y, 12, 28)),
        Period(f"{p}-q3", "III четверть", "quarter", date(y + 1, 1, 12), date(y + 1, 3, 20)),
        Period(f"{p}-q4", "IV четверть", "quarter", date(y + 1, 4, 1), date(y + 1, 5, 31)),
    )
    # A college's second semester runs on through June (промежуточная аттестация).
    semesters = (
        Period(f"{p}-s1", "1 семестр", "semester", date(y, 9, 1), date(y, 12, 28)),
        Period(f"{p}-s2", "2 семестр", "semester", date(y + 1, 1, 12), date(y + 1, 6, 30)),
    )
    whole = Period(
        f"{p}-year", f"{y}/{y + 1} учебный год", "year", date(y, 9, 1), date(y + 1, 5, 31)
    )
    holidays = _holidays(y)
    days_off = {
        holiday.starts_on + timedelta(days=offset)
        for holiday in holidays
        for offset in range((holiday.ends_on - holiday.starts_on).days + 1)
    }
    return SchoolYear(y, quarters, semesters, whole, holidays, frozenset(days_off))


def _holidays(y: int) -> tuple[Holiday, ...]:
    def one_day(slug: str, name: str, day: date) -> Holiday:
        return Holiday(f"h-{y}-{slug}", name, day, day)

    # The breaks fill the gaps between the quarters exactly. State holidays inside a break are
    # listed as well, because the bot names them; there is no summer break in the list since
    # the college group still studies in June.
    return (
        Holiday(f"h-{y}-autumn", "Осенние каникулы", date(y, 10, 25), date(y, 11, 4)),
        one_day("unity", "День народного единства", date(y, 11, 4)),
        Holiday(f"h-{y}-winter", "Зимние каникулы", date(y, 12, 29), date(y + 1, 1, 11)),
        one_day("defender", "День защитника Отечества", date(y + 1, 2, 23)),
        one_day("women", "Международный женский день", date(y + 1, 3, 8)),
        Holiday(f"h-{y}-spring", "Весенние каникулы", date(y + 1, 3, 21), date(y + 1, 3, 31)),
        one_day("labour", "Праздник Весны и Труда", date(y + 1, 5, 1)),
        one_day("victory", "День Победы", date(y + 1, 5, 9)),
        one_day("russia", "День России", date(y + 1, 6, 12)),
    )


def covered_terms(terms: tuple[Period, ...], today: date) -> tuple[Period, ...]:
    current = next((i for i, term in enumerate(terms) if term.ends_on >= today), len(terms) - 1)
    return terms[max(0, current - 1) : current + 1]
