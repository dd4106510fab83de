"""The lessons of the covered terms, their kinds and titles, and the tests among them."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from bot.exchange.demo_builder.school import PLANS, PLANS_BY_CODE, SEED, SUBJECTS, ClassPlan
from bot.exchange.demo_builder.school_year import Period, SchoolYear, covered_terms
from bot.exchange.demo_builder.timetable import Timetable
from bot.exchange.demo_builder.topics import TOPICS

# A lesson of these kinds is a test: no change touches it, and missing marks are not made up on it.
TEST_KINDS = frozenset({"test", "exam"})


@dataclass(slots=True)
class Lesson:
    external_id: str
    plan: ClassPlan
    slug: str
    teacher_id: str
    term: Period
    day: date
    number: int
    topic: str  # the subject's topic at this point of the year
    title: str  # what the journal shows: the topic, or "Лабораторная работа № 2. …"
    kind: str = "lesson"
    assessment_kind: str | None = None
    change: str | None = None  # "substituted", "moved" or "cancelled"
    substitute_id: str | None = None
    moved_to: tuple[date, int] | None = None
    status: str = "scheduled"

    @property
    def held(self) -> bool:
        """Takes place (or took place) in its own slot, so it can carry marks."""
        return self.change in (None, "substituted")


def make_lessons(year: SchoolYear, timetables: dict[str, Timetable], today: date) -> list[Lesson]:
    lessons: list[Lesson] = []
    for plan in PLANS:
        for term in covered_terms(year.terms(plan.term_kind), today):
            practicals: dict[str, int] = defaultdict(int)  # numbered per subject and term
            for day in year.school_days(term):
                share = year.share_of_year(plan.term_kind, day)
                for number, slug in enumerate(timetables[plan.code][day.weekday()], start=1):
                    lesson = _lesson(plan, term, day, number, slug, share)
                    if lesson.kind != "lesson":
                        practicals[slug] += 1
                        heading = PRACTICAL_TITLE[(lesson.kind, plan.campus)]
                        lesson.title = f"{heading} № {practicals[slug]}. {lesson.topic}"
                    lessons.append(lesson)
    return lessons


def _lesson(
    plan: ClassPlan, term: Period, day: date, number: int, slug: str, share: float
) -> Lesson:
    external_id = f"l-{plan.code}-{day.isoformat()}-{number}"
    topic = topic_of(plan, slug, share)
    kind = "lesson"
    practical = PRACTICAL_KIND.get((plan.level, slug))
    if practical is not None:
        chosen, chance = practical
        if random.Random(f"{SEED}/kind/{external_id}").random() < chance:
            kind = chosen
    teacher_id = plan.teacher_of(slug)
    return Lesson(external_id, plan, slug, teacher_id, term, day, number, topic, topic, kind)


def topic_of(plan: ClassPlan, slug: str, share: float) -> str:
    topics = TOPICS[(plan.level, slug)]
    return topics[min(len(topics) - 1, int(share * len(topics)))]


# --- The test schedule ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assessment:
    external_id: str
    lesson: Lesson
    kind: str
    topic: str


def schedule_assessments(lessons: list[Lesson]) -> list[Assessment]:
    """Tests at the end of each stretch of a term's lessons; the lesson becomes a test."""
    by_course: dict[tuple[str, str, str], list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        by_course[(lesson.plan.code, lesson.term.external_id, lesson.slug)].append(lesson)
    test_days: set[tuple[str, date]] = set()
    assessments: list[Assessment] = []
    for (code, _, slug), course in by_course.items():
        plan = PLANS_BY_CODE[code]
        weekly = next(load.weekly for load in plan.loads if load.slug == slug)
        count = min(len(course), _tests_per_term(plan.level, weekly))
        kinds = ASSESSMENT_KINDS.get((plan.level, slug), (DEFAULT_ASSESSMENT_KIND,))
        for index in range(count):
            stretch = course[len(course) * index // count : len(course) * (index + 1) // count]
            final = plan.level == "vocational" and index == count - 1
            # A college term ends with its exams, spread over the last lessons of each course.
            lesson = _test_lesson(stretch[-4:] if final else stretch, test_days, final)
            test_days.add((code, lesson.day))
            kind = TERM_EXAMS[slug] if final else kinds[index % len(kinds)]
            topic = _make_test(lesson, kind, final)
            assessment_id = f"a-{code}-{slug}-{lesson.term.code}-{index + 1}"
            assessments.append(Assessment(assessment_id, lesson, kind, topic))
    assessments.sort(key=lambda item: (item.lesson.plan.code, item.lesson.day, item.lesson.number))
    return assessments


def _test_lesson(stretch: list[Lesson], test_days: set[tuple[str, date]], any_kind: bool) -> Lesson:
    """The latest lesson of the stretch on a day without another test, if there is one.

    One test a day per class is the sanitary rule. Within a term a laboratory or practical
    lesson stays what it is; an exam may take any lesson.
    """
    ordinary = [lesson for lesson in stretch if any_kind or lesson.kind == "lesson"] or stretch
    free = [lesson for lesson in ordinary if (lesson.plan.code, lesson.day) not in test_days]
    return (free or ordinary)[-1]


def _make_test(lesson: Lesson, kind: str, final: bool) -> str:
    """Turn the lesson into the test of ``kind``; the assessment's topic."""
    lesson.kind = "exam" if kind == "экзамен" else "test"
    lesson.assessment_kind = kind
    heading = kind[0].upper() + kind[1:]
    if final:
        lesson.title = f"{heading} по дисциплине «{SUBJECTS[lesson.slug]}»"
        return f"Промежуточная аттестация за {lesson.term.name}"
    quoted = f"«{lesson.topic}»" if "«" not in lesson.topic else f"„{lesson.topic}“"
    lesson.title = f"{heading} по теме {quoted}"
    return lesson.topic


def _tests_per_term(level: str, weekly: int) -> int:
    if level == "vocational":
        return 2  # a control work mid-term and the term's exam or зачёт
    return 1 if weekly <= 1 else 2 if weekly <= 3 else 3


# --- Reference data -------------------------------------------------------------------------------

# Shares of lessons that are laboratory or practical work rather than an ordinary lesson.
PRACTICAL_KIND: dict[tuple[str, str], tuple[str, float]] = {
    ("primary", "technology"): ("practice", 0.5),
    ("basic", "physics"): ("lab", 0.2),
    ("basic", "biology"): ("lab", 0.15),
    ("basic", "geography"): ("practice", 0.12),
    ("basic", "informatics"): ("practice", 0.5),
    ("basic", "technology"): ("practice", 0.6),
    ("vocational", "drawing"): ("practice", 0.6),
    ("vocational", "mechanics"): ("practice", 0.35),
    ("vocational", "metrology"): ("practice", 0.4),
    ("vocational", "materials"): ("lab", 0.35),
    ("vocational", "prof-english"): ("practice", 0.5),
    ("vocational", "economics"): ("practice", 0.3),
}
PRACTICAL_TITLE: dict[tuple[str, str], str] = {
    ("lab", "school"): "Лабораторная работа",
    ("practice", "school"): "Практическая работа",
    ("lab", "college"): "Лабораторная работа",
    ("practice", "college"): "Практическое занятие",
}

# What the tests of a subject are called, in turn through the term.
ASSESSMENT_KINDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("primary", "russian"): ("диктант", "контрольное списывание", "проверочная работа"),
    ("primary", "reading"): ("проверка техники чтения", "проверочная работа"),
    ("primary", "math"): ("контрольная работа", "проверочная работа"),
    ("primary", "world"): ("проверочная работа", "тест"),
    ("primary", "english"): ("проверочная работа", "тест"),
    ("primary", "music"): ("проверочная работа",),
    ("primary", "art"): ("творческая работа",),
    ("primary", "technology"): ("практическая работа",),
    ("primary", "pe"): ("сдача нормативов",),
    ("basic", "russian"): ("диктант", "контрольная работа", "изложение"),
    ("basic", "literature"): ("сочинение", "тест"),
    ("basic", "history"): ("тест", "проверочная работа"),
    ("basic", "social"): ("тест",),
    ("basic", "geography"): ("проверочная работа", "тест"),
    ("basic", "biology"): ("тест", "проверочная работа"),
    ("basic", "english"): ("контрольная работа", "тест"),
    ("basic", "informatics"): ("тест", "практическая работа"),
    ("basic", "probability"): ("проверочная работа",),
    ("basic", "pe"): ("сдача нормативов",),
    ("basic", "music"): ("тест",),
    ("basic", "art"): ("творческая работа",),
    ("basic", "technology"): ("практическая работа",),
    ("vocational", "drawing"): ("графическая работа",),
    ("vocational", "pe"): ("сдача нормативов",),
}
DEFAULT_ASSESSMENT_KIND = "контрольная работа"
# A college term ends with промежуточная аттестация in every discipline.
TERM_EXAMS: dict[str, str] = {
    "drawing": "дифференцированный зачёт",
    "mechanics": "экзамен",
    "metrology": "дифференцированный зачёт",
    "materials": "экзамен",
    "prof-english": "дифференцированный зачёт",
    "economics": "дифференцированный зачёт",
    "pe": "зачёт",
}
