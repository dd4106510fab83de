"""What the diary shows, as plain values: the services fill these in, and
``bot/presentation/diary_*`` renders them without touching the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.grading.forecast import Forecast, Thresholds
from bot.schools.settings import SchoolSettings
from db.models import LessonStatus


@dataclass(frozen=True)
class ChildRef:
    student_id: int
    name: str
    class_name: str


@dataclass(frozen=True)
class DiaryContext:
    """Whose diary is shown, to whom, and what "today" is in the school's zone."""

    child: ChildRef
    children: tuple[ChildRef, ...]
    school_id: int
    class_id: int
    today: dt.date
    guardian_ids: tuple[int, ...]  # the viewer's guardian roles for this child (reading log)
    timezone: str = "Europe/Moscow"  # the school's
    settings: SchoolSettings | None = None  # the school's, when read with the links


@dataclass(frozen=True)
class MarkLine:
    date: dt.date
    value: str
    work_type: str | None
    weight: float


@dataclass(frozen=True)
class SubjectMarks:
    subject: str
    subject_id: int
    marks: tuple[MarkLine, ...]
    average: float | None  # weighted, over the marks with a score


@dataclass(frozen=True)
class GradesView:
    """A week's or a period's marks by subject."""

    first: dt.date
    last: dt.date
    subjects: tuple[SubjectMarks, ...]
    period: str | None = None  # the period's name when the whole period is shown


@dataclass(frozen=True)
class LessonLine:
    number: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    subject: str
    teacher: str
    room: str | None
    topic: str | None
    status: LessonStatus
    substitute: str | None
    moved_to: tuple[dt.date, int] | None  # for a lesson moved away from this day
    moved_from: dt.date | None  # for a lesson moved onto this day


@dataclass(frozen=True)
class HomeworkLine:
    subject: str
    subject_id: int
    text: str
    assigned_on: dt.date
    due_on: dt.date


@dataclass(frozen=True)
class SubjectView:
    """One subject over the current period: its marks, forecast and lesson topics."""

    subject: str
    period: str | None
    marks: tuple[MarkLine, ...]
    forecast: Forecast
    topics: tuple[tuple[dt.date, str], ...]


@dataclass(frozen=True)
class SubjectForecast:
    subject: str
    forecast: Forecast


@dataclass(frozen=True)
class ForecastView:
    period: str
    starts_on: dt.date
    ends_on: dt.date
    thresholds: Thresholds
    minimum_marks: int
    subjects: list[SubjectForecast]


@dataclass(frozen=True)
class TestLine:
    date: dt.date
    subject: str
    kind: str
    topic: str | None


@dataclass(frozen=True)
class TestsView:
    period: str | None  # None: no current period, the tests around today are shown
    tests: tuple[TestLine, ...]


@dataclass(frozen=True)
class TeachersView:
    class_teacher: str | None
    by_subject: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class HolidayLine:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    current_or_next: bool


@dataclass(frozen=True)
class RecommendationLine:
    date: dt.date
    teacher: str
    subject: str | None
    text: str


@dataclass(frozen=True)
class FinalLine:
    subject: str
    value: str | None
    deferred_until: dt.date | None
    reason: str | None


@dataclass(frozen=True)
class FinalPeriod:
    name: str
    grades: list[FinalLine]
    acknowledged_at: dt.datetime | None  # by the viewer, as a legal representative
