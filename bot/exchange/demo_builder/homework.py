"""Homework set at the lessons, and teachers' recommendations to students."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from bot.exchange.demo_builder.lessons import Lesson, topic_of
from bot.exchange.demo_builder.people import People, Student
from bot.exchange.demo_builder.school import (
    PLANS,
    PLANS_BY_CODE,
    SEED,
    SUBJECTS,
    TEACHERS_BY_ID,
    ClassPlan,
    subject_id,
)
from bot.exchange.demo_builder.school_year import Period, SchoolYear, covered_terms
from bot.exchange.demo_builder.texts import (
    CLASS_TEACHER_ADVICE,
    COLLEGE_STRONG_ADVICE,
    COLLEGE_TEACHER_ADVICE,
    HOMEWORK,
    HTML_HOSTILE_HOMEWORK,
    POEMS,
    PRIMARY_WEAK_ADVICE,
    STRONG_ADVICE,
    WEAK_ADVICE,
)

# Homework is known a week ahead.
_HOMEWORK_AHEAD = timedelta(days=7)


def homework_items(lessons: list[Lesson], year: SchoolYear, today: date) -> list[dict[str, Any]]:
    """Homework for held lessons up to a week ahead, due at the subject's next lesson."""
    courses: dict[tuple[str, str, str], list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        if lesson.held:
            courses[(lesson.plan.code, lesson.slug, lesson.term.external_id)].append(lesson)
    items: list[tuple[Lesson, dict[str, Any]]] = []
    for (code, slug, _), course in courses.items():
        plan = PLANS_BY_CODE[code]
        templates = HOMEWORK.get((plan.level, slug))
        # The last lesson of a term sets nothing: the break follows.
        for lesson, following in pairwise(course):
            if templates is None or lesson.day > today + _HOMEWORK_AHEAD:
                continue
            rng = random.Random(f"{SEED}/homework/{lesson.external_id}")
            if rng.random() >= 0.85:
                continue
            share = year.share_of_year(plan.term_kind, lesson.day)
            text = _homework_text(rng, rng.choice(templates), lesson.topic, share)
            item = {
                "external_id": f"hw-{lesson.external_id.removeprefix('l-')}",
                "class_id": plan.external_id,
                "subject_id": subject_id(slug),
                "assigned_on": lesson.day.isoformat(),
                "due_on": following.day.isoformat(),
                "text": text,
            }
            items.append((lesson, item))
    _add_hostile_text(items)
    items.sort(key=lambda pair: (pair[0].plan.code, pair[0].day, pair[0].number))
    return [item for _, item in items]


def _homework_text(rng: random.Random, template: str, topic: str, share: float) -> str:
    page = 5 + int(share * 150) + rng.randint(0, 3)
    number = 1 + int(share * 500) + rng.randint(0, 8)
    return template.format(
        p=page,
        p2=page + rng.randint(1, 3),
        n=number,
        m=number + rng.randint(1, 4),
        s=1 + int(share * 30),
        w=3 + int(share * 60),
        k=1 + int(share * 8),
        topic=topic,
        poem=POEMS[min(len(POEMS) - 1, int(share * len(POEMS)))],
    )


def _add_hostile_text(items: list[tuple[Lesson, dict[str, Any]]]) -> None:
    """The first 7Б algebra homework of each term reads like HTML: the bot must escape it."""
    seen: set[str] = set()
    for lesson, item in sorted(items, key=lambda pair: pair[0].day):
        if (lesson.plan.code, lesson.slug) == ("7b", "algebra") and lesson.term.code not in seen:
            seen.add(lesson.term.code)
            item["text"] = HTML_HOSTILE_HOMEWORK


def recommendation_items(people: People, year: SchoolYear, today: date) -> list[dict[str, Any]]:
    """Advice from teachers during each covered term, each on a fixed day of the term."""
    items: list[dict[str, Any]] = []
    for plan in PLANS:
        students = people.of_class(plan.code)
        for term in covered_terms(year.terms(plan.term_kind), today):
            rng = random.Random(f"{SEED}/advice/{plan.code}/{term.external_id}")
            for index, (student, slug, text) in enumerate(_advice(rng, plan, students), start=1):
                day = _advice_day(rng, year, term)
                if day > today:
                    continue
                share = year.share_of_year(plan.term_kind, day)
                topic = topic_of(plan, slug, share) if slug else ""
                teacher_id = plan.teacher_of(slug) if slug else plan.class_teacher_id
                item: dict[str, Any] = {
                    "external_id": f"r-{plan.code}-{term.code}-{index:02d}",
                    "student_id": student.external_id,
                    "teacher_id": teacher_id,
                    "date": day.isoformat(),
                    "text": text.format(
                        topic=topic,
                        subject=SUBJECTS.get(slug or "", ""),
                        room=TEACHERS_BY_ID[teacher_id].room,
                    ),
                }
                if slug:
                    item["subject_id"] = subject_id(slug)
                items.append(item)
    items.sort(key=lambda item: (item["date"], item["external_id"]))
    return items


def _advice(
    rng: random.Random, plan: ClassPlan, students: list[Student]
) -> Iterator[tuple[Student, str | None, str]]:
    college = plan.level == "vocational"
    for student in students:
        for slug in student.weak:
            pool = PRIMARY_WEAK_ADVICE if plan.level == "primary" else WEAK_ADVICE
            yield student, slug, rng.choice(pool)
    strong = [student for student in students if student.profile == "strong"]
    for student in rng.sample(strong, 2):
        graded = [load.slug for load in plan.loads if load.slug not in plan.pass_fail]
        best = max(graded, key=student.ability)
        yield student, best, rng.choice(COLLEGE_STRONG_ADVICE if college else STRONG_ADVICE)
    for student in rng.sample(students, 2):
        yield student, None, rng.choice(COLLEGE_TEACHER_ADVICE if college else CLASS_TEACHER_ADVICE)


def _advice_day(rng: random.Random, year: SchoolYear, term: Period) -> date:
    days = list(year.school_days(term))
    # Not in the first week: a teacher advises once there is something to go on.
    return days[min(len(days) - 1, 5 + int(rng.random() * (len(days) - 5)))]
