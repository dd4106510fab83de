"""Marks of the held lessons and the final grades of finished terms."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.exchange.demo_builder.lessons import TEST_KINDS, Lesson
from bot.exchange.demo_builder.people import People, Student
from bot.exchange.demo_builder.school import SEED, subject_id
from bot.exchange.demo_builder.school_year import Period
from bot.exchange.demo_builder.texts import PRAISE, REPROACH


@dataclass(frozen=True, slots=True)
class Grade:
    student: Student
    lesson: Lesson
    value: str
    work_type: str
    weight: int
    comment: str | None

    @property
    def external_id(self) -> str:
        return f"gr-{self.lesson.external_id.removeprefix('l-')}-{self.student.number}"


# (work type, weight, how much harder than the student's usual level)
_Work = tuple[str, int, float]


def make_grades(lessons: list[Lesson], people: People, today: date) -> list[Grade]:
    """Marks of the lessons held before ``today``.

    Every held lesson of a covered term is marked as if it were over, so that a lesson's marks
    never depend on the day the document is made; then only the past ones are kept.
    """
    order = {lesson.external_id: index for index, lesson in enumerate(lessons)}
    grades: list[Grade] = []
    for lesson in lessons:
        if lesson.held:
            rng = random.Random(f"{SEED}/marks/{lesson.external_id}")
            grades.extend(_lesson_marks(lesson, people.of_class(lesson.plan.code), rng))
    grades.extend(_missing_marks(lessons, people, grades))
    kept = [grade for grade in grades if grade.lesson.day < today]
    kept.sort(key=lambda grade: (order[grade.lesson.external_id], grade.student.external_id))
    return kept


def _lesson_marks(lesson: Lesson, students: list[Student], rng: random.Random) -> Iterator[Grade]:
    plan, slug = lesson.plan, lesson.slug
    if lesson.assessment_kind is not None:
        work, share = WORK_OF_ASSESSMENT[lesson.assessment_kind], 0.92  # the rest are absent
    elif lesson.kind == "lab":
        work, share = LAB_WORK, 0.75
    elif lesson.kind == "practice":
        work, share = PRACTICAL_WORK, 0.65
    elif slug not in NO_SELF_STUDY and rng.random() < 0.14:
        work, share = SELF_STUDY, 0.8
    else:
        oral = ORAL_WORK.get(slug, DEFAULT_ORAL_WORK)
        for student in students:
            if rng.random() < plan.oral_rate:
                yield _mark(rng, student, lesson, rng.choice(oral))
        return
    for student in students:
        if rng.random() < share:
            yield _mark(rng, student, lesson, work)


def _mark(rng: random.Random, student: Student, lesson: Lesson, work: _Work) -> Grade:
    work_type, weight, ease = work
    if lesson.slug in lesson.plan.pass_fail:
        passed = rng.random() < (0.7 if student.profile == "at_risk" else 0.95)
        return Grade(student, lesson, "зачёт" if passed else "незачёт", work_type, weight, None)
    mean = student.ability(lesson.slug) + ease
    digit = min(5, max(2, math.floor(mean + rng.gauss(0.0, 0.75) + 0.5)))
    value = str(digit)
    if digit >= 3 and rng.random() < 0.05:
        value += rng.choice(("-", "+") if digit < 5 else ("-", "-", "+"))
    comment = None
    if rng.random() < 0.03:
        comment = rng.choice(PRAISE if digit >= 4 else REPROACH)
    return Grade(student, lesson, value, work_type, weight, comment)


def _missing_marks(lessons: list[Lesson], people: People, grades: list[Grade]) -> Iterator[Grade]:
    """At least three marks per student, subject and term, as school rules require."""
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    marked: set[tuple[str, str]] = set()
    for grade in grades:
        counts[(grade.student.external_id, grade.lesson.slug, grade.lesson.term.external_id)] += 1
        marked.add((grade.student.external_id, grade.lesson.external_id))
    courses: dict[tuple[str, str, str], list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        if lesson.held and lesson.kind not in TEST_KINDS:
            courses[(lesson.plan.code, lesson.slug, lesson.term.external_id)].append(lesson)
    for (code, slug, term_id), course in courses.items():
        work = ORAL_WORK.get(slug, DEFAULT_ORAL_WORK)[0]
        for student in people.of_class(code):
            missing = 3 - counts[(student.external_id, slug, term_id)]
            if missing <= 0:
                continue
            rng = random.Random(f"{SEED}/extra/{student.external_id}/{slug}/{term_id}")
            free = [
                lesson
                for lesson in course
                if (student.external_id, lesson.external_id) not in marked
            ]
            for lesson in sorted(
                rng.sample(free, min(missing, len(free))), key=lambda chosen: chosen.day
            ):
                yield _mark(rng, student, lesson, work)


def _rounded_mark(marks: Iterable[tuple[str, float]]) -> str | None:
    """The weighted average of numeric marks, rounded as the forecast rounds it.

    A modifier does not count ("4-" is 4); pass/fail marks do not count at all. Integer
    arithmetic keeps 4.5 exactly on the boundary.
    """
    total = weights = 0.0
    for value, weight in marks:
        if value[:1].isdigit():
            total += int(value[0]) * weight
            weights += weight
    if not weights:
        return None
    for threshold, mark in ((4.5, "5"), (3.5, "4"), (2.5, "3")):
        if total >= threshold * weights:
            return mark
    return "2"


def final_grade_items(
    people: People, grades: list[Grade], finished: list[Period]
) -> list[dict[str, Any]]:
    marks: dict[tuple[str, str, str], list[Grade]] = defaultdict(list)
    for grade in grades:
        key = (grade.student.external_id, grade.lesson.slug, grade.lesson.term.external_id)
        marks[key].append(grade)
    deferred = _deferred(people, finished)
    items: list[dict[str, Any]] = []
    for term in finished:
        for student in people.students:
            if student.plan.term_kind != term.kind:
                continue
            for load in student.plan.loads:
                item: dict[str, Any] = {
                    "external_id": f"f-{student.suffix}-{load.slug}-{term.code}",
                    "student_id": student.external_id,
                    "subject_id": subject_id(load.slug),
                    "period_id": term.external_id,
                }
                reason = deferred.get((student.external_id, load.slug, term.external_id))
                if reason is not None:
                    until = term.ends_on + timedelta(days=21)
                    item.update(status="deferred", deferred_until=until.isoformat(), reason=reason)
                else:
                    value = _final_value(
                        marks[(student.external_id, load.slug, term.external_id)],
                        pass_fail=load.slug in student.plan.pass_fail,
                    )
                    item.update(status="final", value=value)
                items.append(item)
    return items


def _final_value(marks: list[Grade], pass_fail: bool) -> str:
    if pass_fail:
        passed = sum(grade.value == "зачёт" for grade in marks)
        return "зачёт" if passed * 2 >= len(marks) else "незачёт"
    value = _rounded_mark((grade.value, grade.weight) for grade in marks)
    assert value is not None, "every student has marks in every subject of a finished term"
    return value


def _deferred(people: People, finished: list[Period]) -> dict[tuple[str, str, str], str]:
    """One 7Б student fell ill at the end of the latest finished quarter: two subjects wait."""
    quarters = [term for term in finished if term.kind == "quarter"]
    if not quarters:
        return {}
    term = quarters[-1]
    student = next(
        student
        for student in people.of_class("7b")
        if student.profile == "regular" and student.number >= "05"
    )
    note = random.Random(f"{SEED}/sick-note/{term.external_id}").randint(100, 999)
    reason = f"болезнь (справка № {note})"
    return {
        (student.external_id, slug, term.external_id): reason for slug in ("algebra", "physics")
    }


# --- Reference data: kinds of work ---------------------------------------------------------------

WORK_OF_ASSESSMENT: dict[str, _Work] = {
    "контрольная работа": ("контрольная работа", 3, -0.25),
    "диктант": ("диктант", 3, -0.2),
    "экзамен": ("экзамен", 3, -0.2),
    "дифференцированный зачёт": ("дифференцированный зачёт", 3, -0.1),
    "изложение": ("изложение", 2, 0.0),
    "сочинение": ("сочинение", 2, 0.0),
    "проверочная работа": ("проверочная работа", 2, -0.1),
    "контрольное списывание": ("контрольное списывание", 2, 0.1),
    "проверка техники чтения": ("проверка техники чтения", 2, 0.1),
    "тест": ("тест", 2, 0.0),
    "творческая работа": ("творческая работа", 2, 0.3),
    "практическая работа": ("практическая работа", 2, 0.1),
    "графическая работа": ("графическая работа", 2, 0.0),
    "сдача нормативов": ("сдача нормативов", 2, 0.0),
    "зачёт": ("зачёт", 1, 0.0),
}
SELF_STUDY: _Work = ("самостоятельная работа", 2, -0.1)
LAB_WORK: _Work = ("лабораторная работа", 2, 0.1)
PRACTICAL_WORK: _Work = ("практическая работа", 2, 0.1)
ORAL_WORK: dict[str, tuple[_Work, ...]] = {
    "pe": (("работа на уроке", 1, 0.3), ("сдача нормативов", 2, 0.0)),
    "music": (("работа на уроке", 1, 0.3), ("творческая работа", 2, 0.3)),
    "art": (("работа на уроке", 1, 0.3), ("творческая работа", 2, 0.3)),
    "technology": (("работа на уроке", 1, 0.3), ("практическая работа", 2, 0.1)),
    "russian": (
        ("ответ на уроке", 1, 0.0),
        ("домашняя работа", 1, 0.2),
        ("словарный диктант", 1, -0.1),
    ),
    "reading": (("ответ на уроке", 1, 0.1), ("чтение наизусть", 1, 0.2)),
    "literature": (("ответ на уроке", 1, 0.1), ("чтение наизусть", 1, 0.2)),
}
DEFAULT_ORAL_WORK: tuple[_Work, ...] = (
    ("ответ на уроке", 1, 0.0),
    ("ответ на уроке", 1, 0.0),
    ("домашняя работа", 1, 0.2),
)
# Subjects where the whole class rarely writes a самостоятельная работа.
NO_SELF_STUDY: frozenset[str] = frozenset({"pe", "music", "art", "technology"})
