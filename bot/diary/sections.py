"""The diary's sections, by the short code their buttons carry, and how they page."""

from __future__ import annotations

from enum import StrEnum


class Section(StrEnum):
    """The diary's sections, by the short code their buttons carry."""

    GRADES = "g"
    SCHEDULE = "s"
    HOMEWORK = "h"
    FORECAST = "f"
    TESTS = "t"
    TEACHERS = "c"
    HOLIDAYS = "o"
    RECOMMENDATIONS = "r"
    FINALS = "n"
    GRADES_PERIOD = "p"
    SCHEDULE_WEEK = "w"


GRADES, SCHEDULE, HOMEWORK, FORECAST = (
    Section.GRADES, Section.SCHEDULE, Section.HOMEWORK, Section.FORECAST
)  # fmt: skip
TESTS, TEACHERS, HOLIDAYS, RECOMMENDATIONS, FINALS = (
    Section.TESTS, Section.TEACHERS, Section.HOLIDAYS, Section.RECOMMENDATIONS, Section.FINALS
)  # fmt: skip
GRADES_PERIOD, SCHEDULE_WEEK = Section.GRADES_PERIOD, Section.SCHEDULE_WEEK
# The other view of the same thing: a week's grades ↔ the period's, a day ↔ a week.
TOGGLES = {
    GRADES: GRADES_PERIOD,
    GRADES_PERIOD: GRADES,
    SCHEDULE: SCHEDULE_WEEK,
    SCHEDULE_WEEK: SCHEDULE,
}
SECTIONS = tuple(Section)
# Sections shown for a day or a week, with «/Today/» buttons; the others show one list.
PAGED = (GRADES, SCHEDULE, HOMEWORK, SCHEDULE_WEEK)
