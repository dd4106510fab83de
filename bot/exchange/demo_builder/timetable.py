"""The weekly timetable of every class, and the lessons it plans for each term (curriculum)."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from bot.exchange.demo_builder.school import PLANS, SEED, ClassPlan, subject_id
from bot.exchange.demo_builder.school_year import SchoolYear

# Per class: for Monday..Friday, the subject slugs of lessons 1, 2, …
Timetable = tuple[tuple[str, ...], ...]


def weekly_timetables() -> dict[str, Timetable]:
    """Place every weekly hour so that no teacher is in two classes at once.

    Randomised greedy placement with restarts; the fixed seed keeps it the same every time.
    """
    rng = random.Random(f"{SEED}/timetable")
    busy: set[tuple[str, int, int, str]] = set()  # campus, weekday, number, teacher
    timetables: dict[str, Timetable] = {}
    for plan in PLANS:
        for _ in range(1000):  # a few restarts at most: the loads fit comfortably
            grid = _place_hours(rng, plan, busy)
            if grid is not None:
                break
        else:  # pragma: no cover - only if someone overloads a class
            raise RuntimeError(f"the weekly hours of {plan.name} do not fit its timetable")
        for weekday, day in enumerate(grid):
            for number, slug in enumerate(day, start=1):
                busy.add((plan.campus, weekday, number, plan.teacher_of(slug)))
        timetables[plan.code] = grid
    return timetables


def _place_hours(
    rng: random.Random, plan: ClassPlan, busy: set[tuple[str, int, int, str]]
) -> Timetable | None:
    grid: list[list[str | None]] = [[None] * length for length in plan.day_lengths]
    hours = [load for load in plan.loads for _ in range(load.weekly)]
    rng.shuffle(hours)
    # The subjects with most hours are the hardest to spread one a day, so they go first.
    hours.sort(key=lambda load: -load.weekly)
    for load in hours:
        free = [
            (weekday, index)
            for weekday, day in enumerate(grid)
            if load.slug not in day
            for index, slot in enumerate(day)
            if slot is None and (plan.campus, weekday, index + 1, load.teacher_id) not in busy
        ]
        if not free:
            return None
        weekday, index = rng.choice(free)
        grid[weekday][index] = load.slug
    return tuple(tuple(slug for slug in day if slug is not None) for day in grid)


def curriculum_items(year: SchoolYear, timetables: dict[str, Timetable]) -> list[dict[str, Any]]:
    """Planned lessons: the weekly timetable laid over the school days of every term."""
    items: list[dict[str, Any]] = []
    for plan in PLANS:
        for term in year.terms(plan.term_kind):
            planned: dict[str, int] = defaultdict(int)
            for day in year.school_days(term):
                for slug in timetables[plan.code][day.weekday()]:
                    planned[slug] += 1
            items.extend(
                {
                    "class_id": plan.external_id,
                    "subject_id": subject_id(load.slug),
                    "teacher_id": load.teacher_id,
                    "period_id": term.external_id,
                    "planned_lessons": planned[load.slug],
                }
                for load in plan.loads
            )
    return items
