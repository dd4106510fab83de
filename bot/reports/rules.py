"""Pure rules of the reports: who gets paper, what the statistics count, when a scheduled
report is due. No I/O; every function is tested directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from bot.schools.settings import SchoolSettings
from db.models import ConsentState


class PaperReason(StrEnum):
    """Why a student's family gets paper statements; the order is the priority shown."""

    WITHDRAWN = "withdrawn"
    REFUSED = "refused"
    NOT_LINKED = "not_linked"


def paper_reason(
    consents: Iterable[ConsentState | None], *, linked_with_consent: bool
) -> PaperReason | None:
    """None when someone reads the student's diary electronically (an active link under a
    granted consent); otherwise why the family needs paper.

    One reading guardian is enough: the regulations want the family informed, and that
    guardian is. A withdrawal is named before a refusal because it is the newer decision
    against the electronic form.
    """
    if linked_with_consent:
        return None
    states = set(consents)
    if ConsentState.WITHDRAWN in states:
        return PaperReason.WITHDRAWN
    if ConsentState.REFUSED in states:
        return PaperReason.REFUSED
    return PaperReason.NOT_LINKED


# Statements -------------------------------------------------------------------------------

# Any Monday: fortnightly schools get their statements on the even weeks counted from it, so
# the rhythm does not jump at New Year as ISO week numbers do (52 or 53 weeks).
_FORTNIGHT_ANCHOR = dt.date(2024, 1, 1)


@dataclass(frozen=True)
class StatementSchedule:
    every_weeks: int  # 1 (weekly, the default) or 2 (fortnightly)
    weekday: int  # 0 = Monday
    hour: int  # local


def as_school_settings(settings: SchoolSettings | Mapping[str, object]) -> SchoolSettings:
    """The rules take the typed settings; a mapping is a stored document, parsed here."""
    if isinstance(settings, SchoolSettings):
        return settings
    return SchoolSettings.from_stored(settings)


def statement_schedule(settings: SchoolSettings | Mapping[str, object]) -> StatementSchedule:
    """The school's schedule (weekly by default: the stricter regulation demands it, and
    anything but 1 or 2 weeks counts as the default)."""
    school = as_school_settings(settings)
    return StatementSchedule(
        school.statements_every_weeks, school.statements_weekday, school.statements_hour
    )


def statement_range(
    schedule: StatementSchedule, local: dt.datetime
) -> tuple[dt.date, dt.date] | None:
    """The dates a statement due at this local time covers (the last one or two weeks up to
    today), or None when none is due now."""
    today = local.date()
    if today.weekday() != schedule.weekday or local.hour < schedule.hour:
        return None
    if schedule.every_weeks == 2 and ((today - _FORTNIGHT_ANCHOR).days // 7) % 2:
        return None
    return today - dt.timedelta(days=7 * schedule.every_weeks - 1), today


# Results: успеваемость and качество знаний ------------------------------------------------------


@dataclass(frozen=True)
class Results:
    students: int  # students with at least one counted mark
    passing: int  # no failing mark (all 3 or better)
    good: int  # only 4s and 5s

    @property
    def success_percent(self) -> float | None:
        """Успеваемость: the share of students with no failing mark."""
        return _percent(self.passing, self.students)

    @property
    def quality_percent(self) -> float | None:
        """Качество знаний: the share of students with only 4s and 5s."""
        return _percent(self.good, self.students)


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else float(Fraction(100 * part, whole))


def results(marks_by_student: Mapping[int, Sequence[int]]) -> Results:
    """Each student's result marks (one per subject for a subject's row, several for the
    class's whole row); students without any are not assessed and not counted."""
    assessed = [marks for marks in marks_by_student.values() if marks]
    return Results(
        students=len(assessed),
        passing=sum(1 for marks in assessed if min(marks) >= 3),
        good=sum(1 for marks in assessed if min(marks) >= 4),
    )


def distribution(marks: Iterable[int]) -> dict[int, int]:
    """How many of each mark 5..1 (all five keys, so tables line up)."""
    counts = dict.fromkeys((5, 4, 3, 2, 1), 0)
    for mark in marks:
        counts[mark] += 1
    return counts


def weighted_average(marks: Iterable[tuple[float, float]]) -> float | None:
    """(score, weight) pairs → the weighted average, None without marks."""
    total = weight = Fraction()
    for score, mark_weight in marks:
        total += Fraction(repr(score)) * Fraction(repr(mark_weight))
        weight += Fraction(repr(mark_weight))
    return float(total / weight) if weight else None


def numeric_final(value: str | None) -> int | None:
    """The mark a final grade counts for ("4" → 4); pass/fail and empty values → None."""
    if value and value[0] in "12345":
        return int(value[0])
    return None


# Monitoring -------------------------------------------------------------------------------

REQUIRED_READS_PER_WEEK = 2  # "не реже двух раз в неделю"


class ReadingCategory(StrEnum):
    ENOUGH = "enough"  # looked at current grades on at least two days of the week
    FEWER = "fewer"
    NEVER = "never"
    NO_ACCESS = "no_access"  # no electronic access: they get paper


def reading_category(days_read: int, *, has_access: bool) -> ReadingCategory:
    """A guardian's week. Days, not views: the reading log keeps one row per day, so two
    looks on one evening count once, as the regulation means two separate checks."""
    if not has_access:
        return ReadingCategory.NO_ACCESS
    if days_read >= REQUIRED_READS_PER_WEEK:
        return ReadingCategory.ENOUGH
    return ReadingCategory.FEWER if days_read > 0 else ReadingCategory.NEVER


def weeks_between(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The Monday–Sunday weeks touching [first, last], clipped to the range."""
    weeks: list[tuple[dt.date, dt.date]] = []
    monday = first - dt.timedelta(days=first.weekday())
    while monday <= last:
        weeks.append((max(monday, first), min(monday + dt.timedelta(days=6), last)))
        monday += dt.timedelta(days=7)
    return weeks


def monitoring_week_due(
    settings: SchoolSettings | Mapping[str, object], local: dt.datetime
) -> dt.date | None:
    """The Monday of the finished week whose summary is due at this local time, else None
    (by default Monday 08:00: the past week is complete)."""
    school = as_school_settings(settings)
    today = local.date()
    if today.weekday() != school.monitoring_weekday or local.hour < school.monitoring_hour:
        return None
    this_monday = today - dt.timedelta(days=today.weekday())
    return this_monday - dt.timedelta(days=7)
