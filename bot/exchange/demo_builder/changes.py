"""Substitutions, moves and cancellations, and the status each lesson shows on a date."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta

from bot.exchange.demo_builder.lessons import TEST_KINDS, Lesson
from bot.exchange.demo_builder.school import PLANS_BY_CODE, SEED, TEACHERS
from bot.exchange.demo_builder.school_year import Period

# Changes to the timetable are known this many days ahead.
_CHANGES_AHEAD = timedelta(days=14)


class _Occupancy:
    """Who and what is where: to keep substitutes and moved lessons out of taken slots."""

    def __init__(self, lessons: list[Lesson]) -> None:
        self.teachers: dict[tuple[str, date, int], set[str]] = defaultdict(set)
        self.last_number: dict[tuple[str, date], int] = defaultdict(int)
        self.days: dict[tuple[str, str], list[date]] = defaultdict(list)
        for lesson in lessons:
            self.teachers[(lesson.plan.campus, lesson.day, lesson.number)].add(lesson.teacher_id)
            key = (lesson.plan.code, lesson.day)
            self.last_number[key] = max(self.last_number[key], lesson.number)
            days = self.days[(lesson.plan.code, lesson.term.external_id)]
            if not days or days[-1] != lesson.day:
                days.append(lesson.day)

    def substitute(self, lesson: Lesson, rng: random.Random) -> bool:
        taken = self.teachers[(lesson.plan.campus, lesson.day, lesson.number)]
        free = [
            teacher.external_id
            for teacher in TEACHERS
            if teacher.campus == lesson.plan.campus and teacher.external_id not in taken
        ]
        if not free:
            return False
        lesson.change, lesson.substitute_id = "substituted", rng.choice(free)
        taken.add(lesson.substitute_id)
        return True

    def move(self, lesson: Lesson) -> bool:
        """To the end of one of the next three school days of the term, if a slot is free."""
        days = self.days[(lesson.plan.code, lesson.term.external_id)]
        start = bisect_right(days, lesson.day)
        for day in days[start : start + 3]:
            number = self.last_number[(lesson.plan.code, day)] + 1
            taken = self.teachers[(lesson.plan.campus, day, number)]
            if number <= len(lesson.plan.bells) and lesson.teacher_id not in taken:
                lesson.change, lesson.moved_to = "moved", (day, number)
                self.last_number[(lesson.plan.code, day)] = number
                taken.add(lesson.teacher_id)
                return True
        return False


def plan_changes(lessons: list[Lesson]) -> None:
    """Decide every change once, whatever ``today`` is; ``settle_statuses`` shows them.

    Each class has one substitution, move and cancellation a week on a fixed weekday, so that
    any 7 days hold all three. When that weekday is a holiday the change falls on the school
    days either side of it, which mostly keeps the promise in a holiday week too.
    """
    occupancy = _Occupancy(lessons)
    weeks: dict[tuple[str, date], dict[date, list[Lesson]]] = defaultdict(dict)
    for lesson in lessons:
        monday = lesson.day - timedelta(days=lesson.day.weekday())
        weeks[(lesson.plan.code, monday)].setdefault(lesson.day, []).append(lesson)
    for (code, _), week in sorted(weeks.items(), key=lambda item: item[0][1]):
        days = sorted(week)
        term = week[days[0]][0].term
        for change, weekday in PLANS_BY_CODE[code].change_days:
            for day in _change_days(days, weekday, term):
                if _change_one(change, week[day], occupancy):
                    continue
                # A move needs a later free slot in the term: near its end, try earlier days.
                for other in reversed(days):
                    if other != day and _change_one(change, week[other], occupancy):
                        break
    for lesson in lessons:
        rng = random.Random(f"{SEED}/substitution/{lesson.external_id}")
        if rng.random() < 0.03 and lesson.change is None and lesson.kind not in TEST_KINDS:
            occupancy.substitute(lesson, rng)


def _change_days(days: list[date], weekday: int, term: Period) -> list[date]:
    """The school days of one week that get the change due on ``weekday``."""
    due = days[0] + timedelta(days=weekday - days[0].weekday())
    if due in days:
        return [due]
    if not term.starts_on <= due <= term.ends_on:
        return []  # the term has not begun or is over: no change this week
    before = [day for day in days if day < due][-1:]
    after = [day for day in days if day > due][:1]
    return before + after


def _change_one(change: str, day_lessons: list[Lesson], occupancy: _Occupancy) -> bool:
    lesson = day_lessons[0]
    rng = random.Random(f"{SEED}/{change}/{lesson.plan.code}/{lesson.day.isoformat()}")
    candidates = [
        lesson for lesson in day_lessons if lesson.kind not in TEST_KINDS and lesson.change is None
    ]
    rng.shuffle(candidates)
    return any(_apply_change(change, lesson, occupancy, rng) for lesson in candidates)


def _apply_change(change: str, lesson: Lesson, occupancy: _Occupancy, rng: random.Random) -> bool:
    if change == "substituted":
        return occupancy.substitute(lesson, rng)
    if change == "moved":
        return occupancy.move(lesson)
    lesson.change = "cancelled"
    return True


def settle_statuses(lessons: list[Lesson], today: date) -> None:
    for lesson in lessons:
        if lesson.change is not None and lesson.day < today + _CHANGES_AHEAD:
            lesson.status = lesson.change
        else:
            lesson.status = "conducted" if lesson.day < today else "scheduled"
