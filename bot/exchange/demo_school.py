"""A realistic demo school as a sync document (the format of ``../shared/EXCHANGE.md``).

``demo_document(today)`` is a pure function: no I/O, no clock, no global random state. The
same ``today`` gives the same document, byte for byte.

Which dates are covered
    The school year runs from 1 September to 31 May and is the one containing ``today``; in
    June–August it is the year that has just ended, so that there is data in the past. 2А and
    7Б learn in quarters, the college group ТМ-21 in semesters (the second one runs to 30 June).
    For each class the *current term* is the first one that has not ended by ``today`` (during
    a break that is the coming term, so its timetable is visible; in summer the last term), and
    the *covered terms* are the current term and the one before it in the same school year. In
    the first quarter (first semester) only that term is covered. Lessons exist for every
    school day (Monday–Friday, not a holiday) of the covered terms.

Which terms are finished
    A covered term that ended before ``today``. Finished terms carry final grades for every
    student and subject; two of them (one 7Б student, ill at the end of the latest finished
    quarter) are deferred instead. With ``today`` in the first quarter nothing is finished yet;
    ТМ-21 gets its first final grades after 28 December.

Status of a lesson
    Before ``today`` a lesson was conducted, unless it was substituted, moved or cancelled;
    from ``today`` on it is scheduled, and its changes are known two weeks ahead. Every week
    each class has one substitution, one move and one cancellation on a fixed weekday (plus a
    few random substitutions), so that any 7 days from ``today`` inside a term show all three.

Stability from day to day
    People and the timetable come from a fixed seed; every per-lesson choice (kind, marks,
    homework, changes) is seeded by the lesson's own external id, never by ``today``, and the
    marks are drawn for a whole term and then cut at ``today``. So within a term, the document
    of the next day only adds what that day brings (the marks of the day's lessons, changes and
    homework that came into view, recommendations that fell due) and rewrites nothing. The end
    of a term adds its final grades; the previous quarter's deferred grades become final then.

External ids
    Readable and stable: ``p-2026-q1``, ``subj-algebra``, ``t-07``, ``c-7b``, ``s-7b-12``,
    ``g-7b-12-1`` (named after the guardian's first child), ``l-7b-2026-11-23-3`` (class,
    date, lesson number), ``gr-7b-2026-11-23-3-12`` (lesson and student), ``hw-…`` (lesson),
    ``a-7b-algebra-2026-q2-1``, ``h-2026-autumn``, ``r-7b-2026-q2-03``,
    ``f-7b-12-algebra-2026-q1``. Names and guardians do not depend on the year; birth dates do,
    so that a class keeps its age.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

DEMO_SCHOOL_NAME = "МБОУ «Средняя общеобразовательная школа № 7» (демо)"
DEMO_TIMEZONE = "Europe/Moscow"

_SEED = "ediary-demo-school-v1"
# Changes to the timetable are known this many days ahead; homework a week ahead.
_CHANGES_AHEAD = timedelta(days=14)
_HOMEWORK_AHEAD = timedelta(days=7)
_TEST_KINDS = frozenset({"test", "exam"})


def demo_document(today: date) -> dict[str, Any]:
    """The whole demo school as seen by its journal on ``today`` (see the module docstring)."""
    year = _school_year(today)
    people = _people(year.start_year)
    timetables = _timetables()
    lessons = _lessons(year, timetables, today)
    assessments = _assessments(lessons)
    _plan_changes(lessons)
    _settle_statuses(lessons, today)
    grades = _grades(lessons, people, today)
    finished = [term for term in _covered_terms_all(year, today) if term.ends_on < today]
    return {
        "periods": [_period_item(period) for period in year.periods],
        "subjects": [
            {"external_id": _subject_id(slug), "name": name} for slug, name in SUBJECTS.items()
        ],
        "teachers": [
            {"external_id": teacher.external_id, "full_name": teacher.full_name}
            for teacher in TEACHERS
        ],
        "classes": [
            {
                "external_id": plan.external_id,
                "name": plan.name,
                "level": plan.level,
                "class_teacher_id": plan.class_teacher_id,
            }
            for plan in PLANS
        ],
        "students": [_student_item(student) for student in people.students],
        "guardians": [_guardian_item(guardian) for guardian in people.guardians],
        "curriculum": _curriculum(year, timetables),
        "lessons": [_lesson_item(lesson) for lesson in lessons],
        "grades": [_grade_item(grade) for grade in grades],
        "homework": _homework(lessons, year, today),
        "assessments": [_assessment_item(assessment) for assessment in assessments],
        "holidays": [_holiday_item(holiday) for holiday in year.holidays],
        "recommendations": _recommendations(people, year, today),
        "final_grades": _final_grades(people, grades, finished),
    }


# --- The calendar ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Period:
    external_id: str
    name: str
    kind: str
    starts_on: date
    ends_on: date

    @property
    def code(self) -> str:
        return self.external_id.removeprefix("p-")


@dataclass(frozen=True, slots=True)
class _Holiday:
    external_id: str
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class _SchoolYear:
    start_year: int
    quarters: tuple[_Period, ...]
    semesters: tuple[_Period, ...]
    whole_year: _Period
    holidays: tuple[_Holiday, ...]
    days_off: frozenset[date]

    @property
    def periods(self) -> tuple[_Period, ...]:
        return (*self.quarters, self.whole_year, *self.semesters)

    def terms(self, kind: str) -> tuple[_Period, ...]:
        return self.quarters if kind == "quarter" else self.semesters

    def school_days(self, period: _Period) -> Iterator[date]:
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


def _school_year(today: date) -> _SchoolYear:
    y = today.year if today.month >= 9 else today.year - 1
    p = f"p-{y}"
    quarters = (
        _Period(f"{p}-q1", "I четверть", "quarter", date(y, 9, 1), date(y, 10, 24)),
        _Period(f"{p}-q2", "II четверть", "quarter", date(y, 11, 5), date(y, 12, 28)),
        _Period(f"{p}-q3", "III четверть", "quarter", date(y + 1, 1, 12), date(y + 1, 3, 20)),
        _Period(f"{p}-q4", "IV четверть", "quarter", date(y + 1, 4, 1), date(y + 1, 5, 31)),
    )
    # A college's second semester runs on through June (промежуточная аттестация).
    semesters = (
        _Period(f"{p}-s1", "1 семестр", "semester", date(y, 9, 1), date(y, 12, 28)),
        _Period(f"{p}-s2", "2 семестр", "semester", date(y + 1, 1, 12), date(y + 1, 6, 30)),
    )
    whole = _Period(
        f"{p}-year", f"{y}/{y + 1} учебный год", "year", date(y, 9, 1), date(y + 1, 5, 31)
    )
    holidays = _holidays(y)
    days_off = {
        holiday.starts_on + timedelta(days=offset)
        for holiday in holidays
        for offset in range((holiday.ends_on - holiday.starts_on).days + 1)
    }
    return _SchoolYear(y, quarters, semesters, whole, holidays, frozenset(days_off))


def _holidays(y: int) -> tuple[_Holiday, ...]:
    def one_day(slug: str, name: str, day: date) -> _Holiday:
        return _Holiday(f"h-{y}-{slug}", name, day, day)

    # The breaks fill the gaps between the quarters exactly. State holidays inside a break are
    # listed as well, because the bot names them; there is no summer break in the list since
    # the college group still studies in June.
    return (
        _Holiday(f"h-{y}-autumn", "Осенние каникулы", date(y, 10, 25), date(y, 11, 4)),
        one_day("unity", "День народного единства", date(y, 11, 4)),
        _Holiday(f"h-{y}-winter", "Зимние каникулы", date(y, 12, 29), date(y + 1, 1, 11)),
        one_day("defender", "День защитника Отечества", date(y + 1, 2, 23)),
        one_day("women", "Международный женский день", date(y + 1, 3, 8)),
        _Holiday(f"h-{y}-spring", "Весенние каникулы", date(y + 1, 3, 21), date(y + 1, 3, 31)),
        one_day("labour", "Праздник Весны и Труда", date(y + 1, 5, 1)),
        one_day("victory", "День Победы", date(y + 1, 5, 9)),
        one_day("russia", "День России", date(y + 1, 6, 12)),
    )


def _covered_terms(terms: tuple[_Period, ...], today: date) -> tuple[_Period, ...]:
    current = next((i for i, term in enumerate(terms) if term.ends_on >= today), len(terms) - 1)
    return terms[max(0, current - 1) : current + 1]


def _covered_terms_all(year: _SchoolYear, today: date) -> list[_Period]:
    kinds = dict.fromkeys(plan.term_kind for plan in PLANS)
    return [term for kind in kinds for term in _covered_terms(year.terms(kind), today)]


# --- The shape of the school ----------------------------------------------------------------------


def _subject_id(slug: str) -> str:
    return f"subj-{slug}"


@dataclass(frozen=True, slots=True)
class _Teacher:
    external_id: str
    full_name: str
    room: str
    campus: str


@dataclass(frozen=True, slots=True)
class _Load:
    slug: str
    weekly: int
    teacher_id: str


@dataclass(frozen=True, slots=True)
class _ClassPlan:
    code: str
    name: str
    level: str
    class_teacher_id: str
    term_kind: str
    campus: str
    bells: tuple[tuple[str, str], ...]
    day_lengths: tuple[int, ...]
    loads: tuple[_Load, ...]
    size: int
    male_share: float
    # Birth dates lie in [born_from, born_until): (years before the school year, month, day).
    born_from: tuple[int, int, int]
    born_until: tuple[int, int, int]
    # The chance that a student is asked (and marked) in an ordinary lesson.
    oral_rate: float
    # (change, weekday) of the weekly substitution, move and cancellation; 0 is Monday.
    change_days: tuple[tuple[str, int], ...]
    pass_fail: frozenset[str] = frozenset()

    @property
    def external_id(self) -> str:
        return f"c-{self.code}"

    def teacher_of(self, slug: str) -> str:
        return next(load.teacher_id for load in self.loads if load.slug == slug)


# --- People ---------------------------------------------------------------------------------------
# Names, families and abilities come from a fixed seed and do not depend on the date; only
# birth dates follow the school year, so that a class keeps its age.


@dataclass(slots=True)
class _Student:
    external_id: str
    plan: _ClassPlan
    full_name: str
    female: bool
    birth_date: date
    profile: str = "regular"  # "regular", "strong" or "at_risk"
    base: float = 4.0
    offsets: dict[str, float] = field(default_factory=dict)
    weak: tuple[str, ...] = ()

    @property
    def number(self) -> str:
        return self.external_id.rsplit("-", 1)[1]

    @property
    def suffix(self) -> str:
        return self.external_id.removeprefix("s-")

    def ability(self, slug: str) -> float:
        return self.base + self.offsets.get(slug, 0.0)


@dataclass(slots=True)
class _Family:
    surname: str
    father: str
    father_patronymic: str
    mother: str
    mother_patronymic: str
    mother_surname: str
    grandmother: str
    grandmother_patronymic: str
    members: str  # "both", "mother", "father" or "grandmother"
    children: list[_Student] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Guardian:
    external_id: str
    full_name: str
    relation: str
    student_ids: tuple[str, ...]
    phone: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class _People:
    students: tuple[_Student, ...]
    guardians: tuple[_Guardian, ...]

    def of_class(self, code: str) -> list[_Student]:
        return [student for student in self.students if student.plan.code == code]


# A pupil (class, index in creation order) who is the sibling of another one.
_SIBLINGS: dict[tuple[str, int], tuple[str, int]] = {
    ("7b", 0): ("2a", 0),
    ("7b", 1): ("2a", 1),
    ("tm21", 0): ("7b", 2),
}
# Pupils raised by a grandmother who is their legal guardian.
_RAISED_BY_GRANDMOTHER = frozenset({("2a", 7), ("tm21", 5)})


def _people(start_year: int) -> _People:
    rng = random.Random(f"{_SEED}/people")
    surnames = list(SURNAMES)
    rng.shuffle(surnames)
    families: dict[tuple[str, int], _Family] = {}
    students: list[_Student] = []
    for plan in PLANS:
        pupils: list[tuple[_Student, _Family]] = []
        for index in range(plan.size):
            key = (plan.code, index)
            if key in _SIBLINGS:
                family = families[_SIBLINGS[key]]
            else:
                family = _new_family(rng, surnames.pop(), key in _RAISED_BY_GRANDMOTHER)
            families[key] = family
            pupils.append((_new_student(rng, plan, family, start_year), family))
        # Numbers follow the alphabetical order of the class register.
        pupils.sort(key=lambda pair: _sort_key(pair[0].full_name))
        for number, (student, family) in enumerate(pupils, start=1):
            student.external_id = f"s-{plan.code}-{number:02d}"
            family.children.append(student)
            students.append(student)
        _assign_profiles(rng, plan, [student for student, _ in pupils])
    unique = list({id(family): family for family in families.values()}.values())
    return _People(tuple(students), _guardians(rng, unique))


def _new_family(rng: random.Random, surname: str, by_grandmother: bool) -> _Family:
    own_surname = rng.random() < 0.1  # about one mother in ten kept her own surname
    roll = rng.random()
    members = "both" if roll < 0.62 else "mother" if roll < 0.93 else "father"
    return _Family(
        surname=surname,
        father=rng.choice(FATHER_NAMES),
        father_patronymic=_patronymic(rng.choice(GRANDFATHER_NAMES), female=False),
        mother=rng.choice(MOTHER_NAMES),
        mother_patronymic=_patronymic(rng.choice(GRANDFATHER_NAMES), female=True),
        mother_surname=_surname_for(rng.choice(SURNAMES) if own_surname else surname, True),
        grandmother=rng.choice(GRANDMOTHER_NAMES),
        grandmother_patronymic=_patronymic(rng.choice(GRANDFATHER_NAMES), female=True),
        members="grandmother" if by_grandmother else members,
    )


def _new_student(
    rng: random.Random, plan: _ClassPlan, family: _Family, start_year: int
) -> _Student:
    female = rng.random() >= plan.male_share
    first = rng.choice(GIRL_NAMES if female else BOY_NAMES)
    surname = _surname_for(family.surname, female)
    full_name = f"{surname} {first} {_patronymic(family.father, female)}"
    # One uniform draw whatever the year, so that the rest of the sequence never shifts.
    share = rng.random()
    years, month, day = plan.born_from
    start = date(start_year - years, month, day)
    years, month, day = plan.born_until
    span = (date(start_year - years, month, day) - start).days
    return _Student("", plan, full_name, female, start + timedelta(days=int(share * span)))


def _assign_profiles(rng: random.Random, plan: _ClassPlan, students: list[_Student]) -> None:
    """Most students do fine; three per class excel and two are at risk of failing."""
    graded = [load.slug for load in plan.loads if load.slug not in plan.pass_fail]
    special = rng.sample(range(len(students)), 5)
    for index, student in enumerate(students):
        student.base = min(4.5, max(3.3, rng.gauss(3.95, 0.35)))
        student.offsets = {load.slug: rng.gauss(0.0, 0.3) for load in plan.loads}
        if index in special[:2]:
            student.profile = "at_risk"
            student.base = 3.05
            student.weak = tuple(rng.sample(graded, 2))
            for slug in student.weak:
                student.offsets[slug] = -0.8
        elif index in special[2:]:
            student.profile = "strong"
            student.base = 4.75


def _guardians(rng: random.Random, families: list[_Family]) -> tuple[_Guardian, ...]:
    guardians: list[_Guardian] = []
    emails: set[str] = set()
    phones: set[str] = set()
    for family in families:
        child_ids = tuple(child.external_id for child in family.children)
        adults: list[tuple[str, str, str, str]] = []  # relation, surname, name, patronymic
        if family.members in ("both", "mother"):
            adults.append(
                ("mother", family.mother_surname, family.mother, family.mother_patronymic)
            )
        if family.members in ("both", "father"):
            adults.append(("father", family.surname, family.father, family.father_patronymic))
        if family.members == "grandmother":
            surname = _surname_for(family.surname, True)
            adults.append(("guardian", surname, family.grandmother, family.grandmother_patronymic))
        for index, (relation, surname, first, patronymic) in enumerate(adults, start=1):
            guardians.append(
                _Guardian(
                    external_id=f"g-{family.children[0].suffix}-{index}",
                    full_name=f"{surname} {first} {patronymic}",
                    relation=relation,
                    student_ids=child_ids,
                    phone=_phone(rng, phones) if rng.random() < 0.93 else None,
                    email=_email(rng, emails, surname, first) if rng.random() < 0.55 else None,
                )
            )
    guardians.sort(key=lambda guardian: guardian.external_id)
    return tuple(guardians)


def _phone(rng: random.Random, taken: set[str]) -> str:
    while True:
        phone = (
            f"+7 9{rng.randrange(100):02d} {rng.randrange(1000):03d}-"
            f"{rng.randrange(100):02d}-{rng.randrange(100):02d}"
        )
        if phone not in taken:
            taken.add(phone)
            return phone


def _email(rng: random.Random, taken: set[str], surname: str, first: str) -> str:
    # Reserved example domains: a demo must never hold a stranger's deliverable address.
    domain = rng.choice(("example.com", "example.org", "example.net"))
    while True:
        email = f"{_translit(first)}.{_translit(surname)}{rng.randint(70, 99)}@{domain}"
        if email not in taken:
            taken.add(email)
            return email


def _surname_for(surname: str, female: bool) -> str:
    """The surname in the person's gender: Петров → Петрова, Высоцкий → Высоцкая.

    Surnames in -енко, -их/-ых and the like do not change.
    """
    if not female:
        return surname
    if surname.endswith(("ский", "цкий", "ой", "ый")):
        return surname[:-2] + "ая"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname


def _patronymic(father: str, female: bool) -> str:
    male_form, female_form = PATRONYMICS[father]
    return female_form if female else male_form


def _translit(text: str) -> str:
    return "".join(_TRANSLIT.get(char, char) for char in text.lower())


def _sort_key(full_name: str) -> str:
    # As in a class register: ё sorts with е, not after я.
    return full_name.replace("Ё", "Е").replace("ё", "е")


# --- The weekly timetable -------------------------------------------------------------------------

# Per class: for Monday..Friday, the subject slugs of lessons 1, 2, …
_Timetable = tuple[tuple[str, ...], ...]


def _timetables() -> dict[str, _Timetable]:
    """Place every weekly hour so that no teacher is in two classes at once.

    Randomised greedy placement with restarts; the fixed seed keeps it the same every time.
    """
    rng = random.Random(f"{_SEED}/timetable")
    busy: set[tuple[str, int, int, str]] = set()  # campus, weekday, number, teacher
    timetables: dict[str, _Timetable] = {}
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
    rng: random.Random, plan: _ClassPlan, busy: set[tuple[str, int, int, str]]
) -> _Timetable | None:
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


# --- Lessons --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Lesson:
    external_id: str
    plan: _ClassPlan
    slug: str
    teacher_id: str
    term: _Period
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


def _lessons(year: _SchoolYear, timetables: dict[str, _Timetable], today: date) -> list[_Lesson]:
    lessons: list[_Lesson] = []
    for plan in PLANS:
        for term in _covered_terms(year.terms(plan.term_kind), today):
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
    plan: _ClassPlan, term: _Period, day: date, number: int, slug: str, share: float
) -> _Lesson:
    external_id = f"l-{plan.code}-{day.isoformat()}-{number}"
    topic = _topic(plan, slug, share)
    kind = "lesson"
    practical = PRACTICAL_KIND.get((plan.level, slug))
    if practical is not None:
        chosen, chance = practical
        if random.Random(f"{_SEED}/kind/{external_id}").random() < chance:
            kind = chosen
    teacher_id = plan.teacher_of(slug)
    return _Lesson(external_id, plan, slug, teacher_id, term, day, number, topic, topic, kind)


def _topic(plan: _ClassPlan, slug: str, share: float) -> str:
    topics = TOPICS[(plan.level, slug)]
    return topics[min(len(topics) - 1, int(share * len(topics)))]


# --- The test schedule ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Assessment:
    external_id: str
    lesson: _Lesson
    kind: str
    topic: str


def _assessments(lessons: list[_Lesson]) -> list[_Assessment]:
    """Tests at the end of each stretch of a term's lessons; the lesson becomes a test."""
    by_course: dict[tuple[str, str, str], list[_Lesson]] = defaultdict(list)
    for lesson in lessons:
        by_course[(lesson.plan.code, lesson.term.external_id, lesson.slug)].append(lesson)
    test_days: set[tuple[str, date]] = set()
    assessments: list[_Assessment] = []
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
            assessments.append(_Assessment(assessment_id, lesson, kind, topic))
    assessments.sort(key=lambda item: (item.lesson.plan.code, item.lesson.day, item.lesson.number))
    return assessments


def _test_lesson(
    stretch: list[_Lesson], test_days: set[tuple[str, date]], any_kind: bool
) -> _Lesson:
    """The latest lesson of the stretch on a day without another test, if there is one.

    One test a day per class is the sanitary rule. Within a term a laboratory or practical
    lesson stays what it is; an exam may take any lesson.
    """
    ordinary = [lesson for lesson in stretch if any_kind or lesson.kind == "lesson"] or stretch
    free = [lesson for lesson in ordinary if (lesson.plan.code, lesson.day) not in test_days]
    return (free or ordinary)[-1]


def _make_test(lesson: _Lesson, kind: str, final: bool) -> str:
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


# --- Substitutions, moves and cancellations -------------------------------------------------------


class _Occupancy:
    """Who and what is where: to keep substitutes and moved lessons out of taken slots."""

    def __init__(self, lessons: list[_Lesson]) -> None:
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

    def substitute(self, lesson: _Lesson, rng: random.Random) -> bool:
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

    def move(self, lesson: _Lesson) -> bool:
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


def _plan_changes(lessons: list[_Lesson]) -> None:
    """Decide every change once, whatever ``today`` is; ``_settle_statuses`` shows them.

    Each class has one substitution, move and cancellation a week on a fixed weekday, so that
    any 7 days hold all three. When that weekday is a holiday the change falls on the school
    days either side of it, which mostly keeps the promise in a holiday week too.
    """
    occupancy = _Occupancy(lessons)
    weeks: dict[tuple[str, date], dict[date, list[_Lesson]]] = defaultdict(dict)
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
        rng = random.Random(f"{_SEED}/substitution/{lesson.external_id}")
        if rng.random() < 0.03 and lesson.change is None and lesson.kind not in _TEST_KINDS:
            occupancy.substitute(lesson, rng)


def _change_days(days: list[date], weekday: int, term: _Period) -> list[date]:
    """The school days of one week that get the change due on ``weekday``."""
    due = days[0] + timedelta(days=weekday - days[0].weekday())
    if due in days:
        return [due]
    if not term.starts_on <= due <= term.ends_on:
        return []  # the term has not begun or is over: no change this week
    before = [day for day in days if day < due][-1:]
    after = [day for day in days if day > due][:1]
    return before + after


def _change_one(change: str, day_lessons: list[_Lesson], occupancy: _Occupancy) -> bool:
    lesson = day_lessons[0]
    rng = random.Random(f"{_SEED}/{change}/{lesson.plan.code}/{lesson.day.isoformat()}")
    candidates = [
        lesson for lesson in day_lessons if lesson.kind not in _TEST_KINDS and lesson.change is None
    ]
    rng.shuffle(candidates)
    return any(_apply_change(change, lesson, occupancy, rng) for lesson in candidates)


def _apply_change(change: str, lesson: _Lesson, occupancy: _Occupancy, rng: random.Random) -> bool:
    if change == "substituted":
        return occupancy.substitute(lesson, rng)
    if change == "moved":
        return occupancy.move(lesson)
    lesson.change = "cancelled"
    return True


def _settle_statuses(lessons: list[_Lesson], today: date) -> None:
    for lesson in lessons:
        if lesson.change is not None and lesson.day < today + _CHANGES_AHEAD:
            lesson.status = lesson.change
        else:
            lesson.status = "conducted" if lesson.day < today else "scheduled"


# --- Marks ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Grade:
    student: _Student
    lesson: _Lesson
    value: str
    work_type: str
    weight: int
    comment: str | None

    @property
    def external_id(self) -> str:
        return f"gr-{self.lesson.external_id.removeprefix('l-')}-{self.student.number}"


# (work type, weight, how much harder than the student's usual level)
_Work = tuple[str, int, float]


def _grades(lessons: list[_Lesson], people: _People, today: date) -> list[_Grade]:
    """Marks of the lessons held before ``today``.

    Every held lesson of a covered term is marked as if it were over, so that a lesson's marks
    never depend on the day the document is made; then only the past ones are kept.
    """
    order = {lesson.external_id: index for index, lesson in enumerate(lessons)}
    grades: list[_Grade] = []
    for lesson in lessons:
        if lesson.held:
            rng = random.Random(f"{_SEED}/marks/{lesson.external_id}")
            grades.extend(_lesson_marks(lesson, people.of_class(lesson.plan.code), rng))
    grades.extend(_missing_marks(lessons, people, grades))
    kept = [grade for grade in grades if grade.lesson.day < today]
    kept.sort(key=lambda grade: (order[grade.lesson.external_id], grade.student.external_id))
    return kept


def _lesson_marks(
    lesson: _Lesson, students: list[_Student], rng: random.Random
) -> Iterator[_Grade]:
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


def _mark(rng: random.Random, student: _Student, lesson: _Lesson, work: _Work) -> _Grade:
    work_type, weight, ease = work
    if lesson.slug in lesson.plan.pass_fail:
        passed = rng.random() < (0.7 if student.profile == "at_risk" else 0.95)
        return _Grade(student, lesson, "зачёт" if passed else "незачёт", work_type, weight, None)
    mean = student.ability(lesson.slug) + ease
    digit = min(5, max(2, math.floor(mean + rng.gauss(0.0, 0.75) + 0.5)))
    value = str(digit)
    if digit >= 3 and rng.random() < 0.05:
        value += rng.choice(("-", "+") if digit < 5 else ("-", "-", "+"))
    comment = None
    if rng.random() < 0.03:
        comment = rng.choice(PRAISE if digit >= 4 else REPROACH)
    return _Grade(student, lesson, value, work_type, weight, comment)


def _missing_marks(
    lessons: list[_Lesson], people: _People, grades: list[_Grade]
) -> Iterator[_Grade]:
    """At least three marks per student, subject and term, as school rules require."""
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    marked: set[tuple[str, str]] = set()
    for grade in grades:
        counts[(grade.student.external_id, grade.lesson.slug, grade.lesson.term.external_id)] += 1
        marked.add((grade.student.external_id, grade.lesson.external_id))
    courses: dict[tuple[str, str, str], list[_Lesson]] = defaultdict(list)
    for lesson in lessons:
        if lesson.held and lesson.kind not in _TEST_KINDS:
            courses[(lesson.plan.code, lesson.slug, lesson.term.external_id)].append(lesson)
    for (code, slug, term_id), course in courses.items():
        work = ORAL_WORK.get(slug, DEFAULT_ORAL_WORK)[0]
        for student in people.of_class(code):
            missing = 3 - counts[(student.external_id, slug, term_id)]
            if missing <= 0:
                continue
            rng = random.Random(f"{_SEED}/extra/{student.external_id}/{slug}/{term_id}")
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


def _final_grades(
    people: _People, grades: list[_Grade], finished: list[_Period]
) -> list[dict[str, Any]]:
    marks: dict[tuple[str, str, str], list[_Grade]] = defaultdict(list)
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
                    "subject_id": _subject_id(load.slug),
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


def _final_value(marks: list[_Grade], pass_fail: bool) -> str:
    if pass_fail:
        passed = sum(grade.value == "зачёт" for grade in marks)
        return "зачёт" if passed * 2 >= len(marks) else "незачёт"
    value = _rounded_mark((grade.value, grade.weight) for grade in marks)
    assert value is not None, "every student has marks in every subject of a finished term"
    return value


def _deferred(people: _People, finished: list[_Period]) -> dict[tuple[str, str, str], str]:
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
    note = random.Random(f"{_SEED}/sick-note/{term.external_id}").randint(100, 999)
    reason = f"болезнь (справка № {note})"
    return {
        (student.external_id, slug, term.external_id): reason for slug in ("algebra", "physics")
    }


# --- Homework and recommendations -----------------------------------------------------------------


def _homework(lessons: list[_Lesson], year: _SchoolYear, today: date) -> list[dict[str, Any]]:
    """Homework for held lessons up to a week ahead, due at the subject's next lesson."""
    courses: dict[tuple[str, str, str], list[_Lesson]] = defaultdict(list)
    for lesson in lessons:
        if lesson.held:
            courses[(lesson.plan.code, lesson.slug, lesson.term.external_id)].append(lesson)
    items: list[tuple[_Lesson, dict[str, Any]]] = []
    for (code, slug, _), course in courses.items():
        plan = PLANS_BY_CODE[code]
        templates = HOMEWORK.get((plan.level, slug))
        # The last lesson of a term sets nothing: the break follows.
        for lesson, following in pairwise(course):
            if templates is None or lesson.day > today + _HOMEWORK_AHEAD:
                continue
            rng = random.Random(f"{_SEED}/homework/{lesson.external_id}")
            if rng.random() >= 0.85:
                continue
            share = year.share_of_year(plan.term_kind, lesson.day)
            text = _homework_text(rng, rng.choice(templates), lesson.topic, share)
            item = {
                "external_id": f"hw-{lesson.external_id.removeprefix('l-')}",
                "class_id": plan.external_id,
                "subject_id": _subject_id(slug),
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


def _add_hostile_text(items: list[tuple[_Lesson, dict[str, Any]]]) -> None:
    """The first 7Б algebra homework of each term reads like HTML: the bot must escape it."""
    seen: set[str] = set()
    for lesson, item in sorted(items, key=lambda pair: pair[0].day):
        if (lesson.plan.code, lesson.slug) == ("7b", "algebra") and lesson.term.code not in seen:
            seen.add(lesson.term.code)
            item["text"] = HTML_HOSTILE_HOMEWORK


def _recommendations(people: _People, year: _SchoolYear, today: date) -> list[dict[str, Any]]:
    """Advice from teachers during each covered term, each on a fixed day of the term."""
    items: list[dict[str, Any]] = []
    for plan in PLANS:
        students = people.of_class(plan.code)
        for term in _covered_terms(year.terms(plan.term_kind), today):
            rng = random.Random(f"{_SEED}/advice/{plan.code}/{term.external_id}")
            for index, (student, slug, text) in enumerate(_advice(rng, plan, students), start=1):
                day = _advice_day(rng, year, term)
                if day > today:
                    continue
                share = year.share_of_year(plan.term_kind, day)
                topic = _topic(plan, slug, share) if slug else ""
                teacher_id = plan.teacher_of(slug) if slug else plan.class_teacher_id
                item: dict[str, Any] = {
                    "external_id": f"r-{plan.code}-{term.code}-{index:02d}",
                    "student_id": student.external_id,
                    "teacher_id": teacher_id,
                    "date": day.isoformat(),
                    "text": text.format(
                        topic=topic,
                        subject=SUBJECTS.get(slug or "", ""),
                        room=_TEACHERS_BY_ID[teacher_id].room,
                    ),
                }
                if slug:
                    item["subject_id"] = _subject_id(slug)
                items.append(item)
    items.sort(key=lambda item: (item["date"], item["external_id"]))
    return items


def _advice(
    rng: random.Random, plan: _ClassPlan, students: list[_Student]
) -> Iterator[tuple[_Student, str | None, str]]:
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


def _advice_day(rng: random.Random, year: _SchoolYear, term: _Period) -> date:
    days = list(year.school_days(term))
    # Not in the first week: a teacher advises once there is something to go on.
    return days[min(len(days) - 1, 5 + int(rng.random() * (len(days) - 5)))]


# --- The document's items -------------------------------------------------------------------------


def _curriculum(year: _SchoolYear, timetables: dict[str, _Timetable]) -> list[dict[str, Any]]:
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
                    "subject_id": _subject_id(load.slug),
                    "teacher_id": load.teacher_id,
                    "period_id": term.external_id,
                    "planned_lessons": planned[load.slug],
                }
                for load in plan.loads
            )
    return items


def _period_item(period: _Period) -> dict[str, Any]:
    return {
        "external_id": period.external_id,
        "name": period.name,
        "kind": period.kind,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
    }


def _holiday_item(holiday: _Holiday) -> dict[str, Any]:
    return {
        "external_id": holiday.external_id,
        "name": holiday.name,
        "starts_on": holiday.starts_on.isoformat(),
        "ends_on": holiday.ends_on.isoformat(),
    }


def _student_item(student: _Student) -> dict[str, Any]:
    return {
        "external_id": student.external_id,
        "full_name": student.full_name,
        "class_id": student.plan.external_id,
        "birth_date": student.birth_date.isoformat(),
    }


def _guardian_item(guardian: _Guardian) -> dict[str, Any]:
    item: dict[str, Any] = {
        "external_id": guardian.external_id,
        "full_name": guardian.full_name,
        "student_ids": list(guardian.student_ids),
        "relation": guardian.relation,
    }
    if guardian.phone is not None:
        item["phone"] = guardian.phone
    if guardian.email is not None:
        item["email"] = guardian.email
    return item


def _lesson_item(lesson: _Lesson) -> dict[str, Any]:
    starts_at, ends_at = lesson.plan.bells[lesson.number - 1]
    item: dict[str, Any] = {
        "external_id": lesson.external_id,
        "class_id": lesson.plan.external_id,
        "subject_id": _subject_id(lesson.slug),
        "teacher_id": lesson.teacher_id,
        "date": lesson.day.isoformat(),
        "number": lesson.number,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "room": _TEACHERS_BY_ID[lesson.teacher_id].room,
        "topic": lesson.title,
        "kind": lesson.kind,
        "status": lesson.status,
    }
    if lesson.status == "substituted":
        item["substitute_teacher_id"] = lesson.substitute_id
    if lesson.status == "moved" and lesson.moved_to is not None:
        day, number = lesson.moved_to
        item["moved_to"] = {"date": day.isoformat(), "number": number}
    return item


def _grade_item(grade: _Grade) -> dict[str, Any]:
    item: dict[str, Any] = {
        "external_id": grade.external_id,
        "student_id": grade.student.external_id,
        "subject_id": _subject_id(grade.lesson.slug),
        "lesson_id": grade.lesson.external_id,
        "date": grade.lesson.day.isoformat(),
        "value": grade.value,
        "work_type": grade.work_type,
        "weight": grade.weight,
    }
    if grade.comment is not None:
        item["comment"] = grade.comment
    return item


def _assessment_item(assessment: _Assessment) -> dict[str, Any]:
    lesson = assessment.lesson
    return {
        "external_id": assessment.external_id,
        "class_id": lesson.plan.external_id,
        "subject_id": _subject_id(lesson.slug),
        "date": lesson.day.isoformat(),
        "kind": assessment.kind,
        "topic": assessment.topic,
    }


# --- Reference data: the school -------------------------------------------------------------------

SUBJECTS: dict[str, str] = {
    "russian": "Русский язык",
    "reading": "Литературное чтение",
    "math": "Математика",
    "world": "Окружающий мир",
    "english": "Английский язык",
    "music": "Музыка",
    "art": "Изобразительное искусство",
    "technology": "Технология",
    "pe": "Физическая культура",
    "literature": "Литература",
    "algebra": "Алгебра",
    "geometry": "Геометрия",
    "probability": "Вероятность и статистика",
    "history": "История",
    "social": "Обществознание",
    "geography": "География",
    "biology": "Биология",
    "physics": "Физика",
    "informatics": "Информатика",
    "drawing": "Инженерная графика",
    "mechanics": "Техническая механика",
    "materials": "Материаловедение",
    "metrology": "Метрология, стандартизация и сертификация",
    "prof-english": "Иностранный язык в профессиональной деятельности",
    "economics": "Основы экономики",
}

TEACHERS: tuple[_Teacher, ...] = (
    _Teacher("t-01", "Смирнова Галина Петровна", "104", "school"),
    _Teacher("t-02", "Орлова Наталья Викторовна", "301", "school"),
    _Teacher("t-03", "Кравченко Игорь Николаевич", "305", "school"),
    _Teacher("t-04", "Белов Андрей Сергеевич", "207", "school"),
    _Teacher("t-05", "Тихонова Марина Юрьевна", "209", "school"),
    _Teacher("t-06", "Зайцева Ольга Анатольевна", "211", "school"),
    _Teacher("t-07", "Гусев Владимир Петрович", "210", "school"),
    _Teacher("t-08", "Морозова Екатерина Александровна", "214", "school"),
    _Teacher("t-09", "Лебедев Дмитрий Олегович", "312", "school"),
    _Teacher("t-10", "Волков Сергей Иванович", "Спортзал", "school"),
    _Teacher("t-11", "Никитина Светлана Борисовна", "115", "school"),
    _Teacher("t-12", "Ковалёв Павел Геннадьевич", "Мастерская", "school"),
    _Teacher("t-13", "Кузьмин Роман Андреевич", "Спортзал корпуса 2", "college"),
    _Teacher("t-14", "Фролов Виктор Михайлович", "2-12", "college"),
    _Teacher("t-15", "Захаров Алексей Юрьевич", "2-08", "college"),
    _Teacher("t-16", "Полякова Ирина Владимировна", "Лаборатория 1-04", "college"),
    _Teacher("t-17", "Егорова Анна Дмитриевна", "2-15", "college"),
    _Teacher("t-18", "Степанова Татьяна Николаевна", "2-10", "college"),
)
_TEACHERS_BY_ID: dict[str, _Teacher] = {teacher.external_id: teacher for teacher in TEACHERS}

SCHOOL_BELLS: tuple[tuple[str, str], ...] = (
    ("08:30", "09:15"),
    ("09:25", "10:10"),
    ("10:30", "11:15"),
    ("11:35", "12:20"),
    ("12:30", "13:15"),
    ("13:25", "14:10"),
    ("14:20", "15:05"),
)
# Pairs (пары) of 90 minutes; the fifth exists for lessons moved to the end of the day.
COLLEGE_BELLS: tuple[tuple[str, str], ...] = (
    ("08:30", "10:00"),
    ("10:10", "11:40"),
    ("12:20", "13:50"),
    ("14:00", "15:30"),
    ("15:40", "17:10"),
)


PLANS: tuple[_ClassPlan, ...] = (
    _ClassPlan(
        code="2a",
        name="2А",
        level="primary",
        class_teacher_id="t-01",
        term_kind="quarter",
        campus="school",
        bells=SCHOOL_BELLS,
        day_lengths=(5, 5, 4, 4, 4),
        loads=(
            _Load("russian", 5, "t-01"),
            _Load("reading", 4, "t-01"),
            _Load("math", 4, "t-01"),
            _Load("world", 2, "t-01"),
            _Load("english", 2, "t-08"),
            _Load("music", 1, "t-11"),
            _Load("art", 1, "t-01"),
            _Load("technology", 1, "t-01"),
            _Load("pe", 2, "t-10"),
        ),
        size=26,
        male_share=0.5,
        born_from=(9, 9, 2),
        born_until=(7, 3, 1),
        oral_rate=0.3,
        change_days=(("substituted", 1), ("moved", 2), ("cancelled", 3)),
    ),
    _ClassPlan(
        code="7b",
        name="7Б",
        level="basic",
        class_teacher_id="t-03",
        term_kind="quarter",
        campus="school",
        bells=SCHOOL_BELLS,
        day_lengths=(7, 7, 6, 6, 6),
        loads=(
            _Load("russian", 4, "t-02"),
            _Load("literature", 2, "t-02"),
            _Load("algebra", 3, "t-03"),
            _Load("geometry", 2, "t-03"),
            _Load("probability", 1, "t-03"),
            _Load("history", 2, "t-04"),
            _Load("social", 1, "t-04"),
            _Load("geography", 2, "t-05"),
            _Load("biology", 2, "t-06"),
            _Load("physics", 2, "t-07"),
            _Load("english", 3, "t-08"),
            _Load("informatics", 1, "t-09"),
            _Load("pe", 3, "t-10"),
            _Load("music", 1, "t-11"),
            _Load("art", 1, "t-11"),
            _Load("technology", 2, "t-12"),
        ),
        size=28,
        male_share=0.5,
        born_from=(14, 9, 2),
        born_until=(12, 3, 1),
        oral_rate=0.2,
        change_days=(("substituted", 0), ("moved", 2), ("cancelled", 4)),
    ),
    _ClassPlan(
        code="tm21",
        name="ТМ-21",
        level="vocational",
        class_teacher_id="t-14",
        term_kind="semester",
        campus="college",
        bells=COLLEGE_BELLS,
        day_lengths=(4, 3, 4, 3, 3),
        loads=(
            _Load("drawing", 3, "t-14"),
            _Load("mechanics", 3, "t-15"),
            _Load("metrology", 2, "t-15"),
            _Load("materials", 3, "t-16"),
            _Load("prof-english", 2, "t-17"),
            _Load("economics", 2, "t-18"),
            _Load("pe", 2, "t-13"),
        ),
        size=23,
        male_share=0.85,
        born_from=(19, 9, 2),
        born_until=(17, 7, 1),
        oral_rate=0.22,
        change_days=(("substituted", 2), ("moved", 0), ("cancelled", 1)),
        pass_fail=frozenset({"pe"}),
    ),
)
PLANS_BY_CODE: dict[str, _ClassPlan] = {plan.code: plan for plan in PLANS}


# --- Reference data: names ------------------------------------------------------------------------

# Patronymics are irregular often enough (Илья → Ильич, Пётр → Петрович) to be listed whole.
PATRONYMICS: dict[str, tuple[str, str]] = {
    "Александр": ("Александрович", "Александровна"),
    "Алексей": ("Алексеевич", "Алексеевна"),
    "Анатолий": ("Анатольевич", "Анатольевна"),
    "Андрей": ("Андреевич", "Андреевна"),
    "Антон": ("Антонович", "Антоновна"),
    "Аркадий": ("Аркадьевич", "Аркадьевна"),
    "Артём": ("Артёмович", "Артёмовна"),
    "Борис": ("Борисович", "Борисовна"),
    "Вадим": ("Вадимович", "Вадимовна"),
    "Валентин": ("Валентинович", "Валентиновна"),
    "Валерий": ("Валерьевич", "Валерьевна"),
    "Василий": ("Васильевич", "Васильевна"),
    "Виктор": ("Викторович", "Викторовна"),
    "Виталий": ("Витальевич", "Витальевна"),
    "Владимир": ("Владимирович", "Владимировна"),
    "Вячеслав": ("Вячеславович", "Вячеславовна"),
    "Геннадий": ("Геннадьевич", "Геннадьевна"),
    "Григорий": ("Григорьевич", "Григорьевна"),
    "Денис": ("Денисович", "Денисовна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Егор": ("Егорович", "Егоровна"),
    "Иван": ("Иванович", "Ивановна"),
    "Игорь": ("Игоревич", "Игоревна"),
    "Илья": ("Ильич", "Ильинична"),
    "Кирилл": ("Кириллович", "Кирилловна"),
    "Константин": ("Константинович", "Константиновна"),
    "Леонид": ("Леонидович", "Леонидовна"),
    "Максим": ("Максимович", "Максимовна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Никита": ("Никитич", "Никитична"),
    "Николай": ("Николаевич", "Николаевна"),
    "Олег": ("Олегович", "Олеговна"),
    "Павел": ("Павлович", "Павловна"),
    "Пётр": ("Петрович", "Петровна"),
    "Роман": ("Романович", "Романовна"),
    "Руслан": ("Русланович", "Руслановна"),
    "Сергей": ("Сергеевич", "Сергеевна"),
    "Станислав": ("Станиславович", "Станиславовна"),
    "Степан": ("Степанович", "Степановна"),
    "Тимур": ("Тимурович", "Тимуровна"),
    "Фёдор": ("Фёдорович", "Фёдоровна"),
    "Юрий": ("Юрьевич", "Юрьевна"),
}

# Parents of today's pupils were born around 1975–1995, their fathers around 1950–1970.
FATHER_NAMES: tuple[str, ...] = (
    "Александр", "Алексей", "Андрей", "Антон", "Артём", "Вадим", "Виталий", "Владимир",
    "Денис", "Дмитрий", "Евгений", "Егор", "Иван", "Игорь", "Илья", "Кирилл", "Константин",
    "Максим", "Михаил", "Никита", "Николай", "Олег", "Павел", "Роман", "Руслан", "Сергей",
    "Станислав", "Тимур", "Юрий",
)  # fmt: skip
GRANDFATHER_NAMES: tuple[str, ...] = (
    "Александр", "Алексей", "Анатолий", "Аркадий", "Борис", "Валентин", "Валерий", "Василий",
    "Виктор", "Владимир", "Вячеслав", "Геннадий", "Григорий", "Евгений", "Иван", "Игорь",
    "Леонид", "Михаил", "Николай", "Олег", "Пётр", "Сергей", "Степан", "Фёдор", "Юрий",
)  # fmt: skip
MOTHER_NAMES: tuple[str, ...] = (
    "Алёна", "Алина", "Анастасия", "Анна", "Валерия", "Вера", "Виктория", "Дарья", "Евгения",
    "Екатерина", "Елена", "Ирина", "Кристина", "Ксения", "Людмила", "Марина", "Мария",
    "Надежда", "Наталья", "Оксана", "Ольга", "Полина", "Светлана", "Татьяна", "Юлия", "Яна",
)  # fmt: skip
GRANDMOTHER_NAMES: tuple[str, ...] = (
    "Валентина", "Вера", "Галина", "Зинаида", "Лидия", "Любовь", "Людмила", "Надежда", "Нина",
    "Раиса", "Тамара", "Татьяна",
)  # fmt: skip
BOY_NAMES: tuple[str, ...] = (
    "Александр", "Алексей", "Андрей", "Арсений", "Артём", "Богдан", "Владислав", "Глеб",
    "Даниил", "Денис", "Дмитрий", "Егор", "Иван", "Илья", "Кирилл", "Лев", "Марк", "Матвей",
    "Мирон", "Михаил", "Никита", "Платон", "Роман", "Савелий", "Семён", "Степан", "Тимофей",
    "Фёдор", "Ярослав",
)  # fmt: skip
GIRL_NAMES: tuple[str, ...] = (
    "Александра", "Алёна", "Алиса", "Анастасия", "Анна", "Арина", "Валерия", "Варвара",
    "Василиса", "Вероника", "Виктория", "Дарья", "Диана", "Ева", "Екатерина", "Елизавета",
    "Злата", "Кира", "Ксения", "Маргарита", "Мария", "Милана", "Мирослава", "Полина",
    "София", "Таисия", "Ульяна", "Юлия",
)  # fmt: skip
# Masculine forms; the feminine form follows from the ending (see ``surname_for``).
SURNAMES: tuple[str, ...] = (
    "Абрамов", "Александров", "Алексеев", "Андреев", "Антонов", "Афанасьев", "Баранов",
    "Белоусов", "Белов", "Белых", "Беляев", "Береговой", "Богданов", "Бондаренко", "Борисов",
    "Быков", "Васильев", "Виноградов", "Вишневский", "Власов", "Воробьёв", "Воронин",
    "Высоцкий", "Гаврилов", "Герасимов", "Голубев", "Гончаров", "Горбунов", "Григорьев",
    "Громов", "Давыдов", "Данилов", "Денисов", "Дмитриев", "Ермаков", "Ефимов", "Журавлёв",
    "Жуков", "Казаков", "Калинин", "Карпов", "Киселёв", "Климов", "Ковальский", "Коваленко",
    "Козлов", "Колесников", "Комаров", "Королёв", "Котов", "Крылов", "Кудрявцев", "Кузнецов",
    "Куликов", "Лазарев", "Леонов", "Литвиненко", "Макаров", "Максимов", "Малышев", "Марков",
    "Мартынов", "Маслов", "Матвеев", "Медведев", "Мельников", "Миронов", "Михайлов",
    "Назаров", "Наумов", "Николаев", "Новиков", "Осипов", "Павлов", "Панов", "Петров",
    "Покровский", "Попов", "Прохоров", "Родионов", "Рождественский", "Романов", "Румянцев",
    "Савельев", "Седых", "Семёнов", "Сергеев", "Сидоров", "Скворцов", "Смирнов", "Соболев",
    "Соколов", "Соловьёв", "Сорокин", "Тарасов", "Тимофеев", "Титов", "Ткаченко", "Толстой",
    "Успенский", "Фомин", "Фёдоров", "Филиппов", "Цветков", "Черных", "Чернов", "Шевченко",
    "Щербаков", "Яковлев",
)  # fmt: skip

_TRANSLIT: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}  # fmt: skip


# --- Reference data: what lessons are about -------------------------------------------------------
# A topic list covers the whole school year in order; a lesson takes the topic at its share of
# the year, so neighbouring lessons share a topic as they do in a real course.

TOPICS: dict[tuple[str, str], tuple[str, ...]] = {
    ("primary", "russian"): (
        "Наша речь. Виды речи",
        "Текст. Тема и главная мысль текста",
        "Предложение. Знаки препинания в конце предложения",
        "Главные члены предложения",
        "Слово и его лексическое значение",
        "Однокоренные слова. Корень слова",
        "Слог. Перенос слов",
        "Звуки и буквы. Алфавит",
        "Безударные гласные в корне слова",
        "Правописание сочетаний жи–ши, ча–ща, чу–щу",
        "Парные звонкие и глухие согласные на конце слова",
        "Разделительный мягкий знак",
        "Имя существительное",
        "Глагол",
        "Имя прилагательное",
        "Предлог. Раздельное написание предлогов",
        "Повторение изученного за год",
    ),
    ("primary", "reading"): (
        "Малые жанры фольклора: пословицы и загадки",
        "Русская народная сказка «Гуси-лебеди»",
        "Люблю природу русскую. Осень",
        "А. С. Пушкин. «У лукоморья дуб зелёный…»",
        "И. А. Крылов. «Лебедь, Рак и Щука»",
        "Л. Н. Толстой. «Филиппок»",
        "О братьях наших меньших. Б. С. Житков",
        "Люблю природу русскую. Зима",
        "К. И. Чуковский. «Федорино горе»",
        "С. В. Михалков. «Мой секрет»",
        "Я и мои друзья. В. А. Осеева «Волшебное слово»",
        "Люблю природу русскую. Весна",
        "Ш. Перро. «Кот в сапогах»",
    ),
    ("primary", "math"): (
        "Числа от 1 до 100. Нумерация",
        "Единицы длины: сантиметр, дециметр, метр",
        "Сложение и вычитание в пределах 100",
        "Выражения со скобками. Порядок действий",
        "Периметр многоугольника",
        "Сложение и вычитание двузначных чисел с переходом через десяток",
        "Уравнение. Решение уравнений подбором",
        "Прямой угол. Прямоугольник и квадрат",
        "Умножение. Конкретный смысл действия",
        "Деление. Конкретный смысл действия",
        "Таблица умножения и деления на 2",
        "Таблица умножения и деления на 3",
        "Решение задач на умножение и деление",
        "Повторение: сложение и вычитание в пределах 100",
    ),
    ("primary", "world"): (
        "Родная страна. Москва — столица России",
        "Неживая и живая природа",
        "Явления природы. Термометр",
        "Звёздное небо",
        "Дикорастущие и культурные растения",
        "Дикие и домашние животные",
        "Красная книга России",
        "Жизнь города и села",
        "Здоровье и безопасность",
        "Общение. Правила вежливости",
        "Стороны горизонта. Компас",
        "Формы земной поверхности",
        "Водные богатства нашего края",
        "Путешествие по Москве",
    ),
    ("primary", "english"): (
        "Приветствие и знакомство",
        "Английский алфавит",
        "Моя семья",
        "Мой дом",
        "Цвета и числа",
        "Мои игрушки",
        "Животные",
        "Еда и напитки",
        "Времена года и погода",
        "Мой день",
        "Каникулы",
    ),
    ("primary", "music"): (
        "Россия — Родина моя",
        "Гимн России",
        "П. И. Чайковский. «Детский альбом»",
        "Русские народные инструменты",
        "Музыка в народном стиле",
        "В музыкальном театре. Опера и балет",
        "В концертном зале. Симфонический оркестр",
        "Чтоб музыкантом быть, так надобно уменье",
    ),
    ("primary", "art"): (
        "Чем и как работают художники",
        "Три основные краски",
        "Пастель и цветные мелки",
        "Изображение характера животных",
        "Образ человека в изображении",
        "Цвет как средство выражения",
        "Ритм пятен",
        "Весенний пейзаж",
    ),
    ("primary", "technology"): (
        "Работа с бумагой. Оригами",
        "Аппликация из природных материалов",
        "Лепка из пластилина",
        "Конструирование из картона",
        "Новогодняя игрушка",
        "Работа с нитками",
        "Работа с тканью. Шов «вперёд иголку»",
        "Подарок к празднику",
    ),
    ("primary", "pe"): (
        "Лёгкая атлетика. Бег на 30 м",
        "Прыжок в длину с места",
        "Подвижные игры",
        "Гимнастика с элементами акробатики",
        "Лазание по гимнастической стенке",
        "Лыжная подготовка",
        "Игры с мячом",
        "Метание мяча в цель",
        "Кросс по пересечённой местности",
    ),
    ("basic", "russian"): (
        "Повторение изученного в 5–6 классах",
        "Причастие как часть речи",
        "Причастный оборот. Запятые при причастном обороте",
        "Действительные и страдательные причастия",
        "Н и НН в суффиксах причастий",
        "Деепричастие. Деепричастный оборот",
        "Наречие как часть речи",
        "Правописание наречий",
        "Категория состояния",
        "Предлог как часть речи",
        "Союз как часть речи",
        "Частица как часть речи",
        "Междометие",
        "Повторение изученного в 7 классе",
    ),
    ("basic", "literature"): (
        "Былины. «Вольга и Микула Селянинович»",
        "«Повесть временных лет»",
        "А. С. Пушкин. «Полтава»",
        "А. С. Пушкин. «Станционный смотритель»",
        "М. Ю. Лермонтов. «Песня про царя Ивана Васильевича…»",
        "Н. В. Гоголь. «Тарас Бульба»",
        "И. С. Тургенев. «Бирюк»",
        "Н. А. Некрасов. «Размышления у парадного подъезда»",
        "М. Е. Салтыков-Щедрин. Сказки",
        "Л. Н. Толстой. «Детство»",
        "А. П. Чехов. «Хамелеон»",
        "М. Горький. «Детство»",
        "А. Т. Твардовский. Стихотворения",
        "О. Генри. «Дары волхвов»",
    ),
    ("basic", "algebra"): (
        "Выражения. Тождественные преобразования",
        "Линейное уравнение с одной переменной",
        "Решение задач с помощью уравнений",
        "Функции и их графики",
        "Линейная функция и её график",
        "Степень с натуральным показателем",
        "Одночлены",
        "Сумма и разность многочленов",
        "Произведение одночлена и многочлена",
        "Разложение многочлена на множители",
        "Формулы сокращённого умножения",
        "Системы линейных уравнений",
        "Решение задач с помощью систем уравнений",
    ),
    ("basic", "geometry"): (
        "Начальные геометрические сведения",
        "Измерение отрезков и углов",
        "Смежные и вертикальные углы",
        "Признаки равенства треугольников",
        "Медианы, биссектрисы и высоты треугольника",
        "Равнобедренный треугольник",
        "Задачи на построение",
        "Параллельные прямые",
        "Сумма углов треугольника",
        "Прямоугольные треугольники",
        "Окружность и круг",
    ),
    ("basic", "probability"): (
        "Представление данных: таблицы и диаграммы",
        "Среднее арифметическое",
        "Медиана числового набора",
        "Случайная изменчивость",
        "Графы",
        "Случайные события и вероятность",
    ),
    ("basic", "history"): (
        "Великие географические открытия",
        "Эпоха Возрождения",
        "Реформация в Европе",
        "Образование единого Русского государства",
        "Правление Ивана III",
        "Эпоха Ивана Грозного",
        "Смутное время",
        "Россия при первых Романовых",
        "Соборное уложение 1649 года",
        "Церковный раскол",
        "Культура России в XVI–XVII веках",
    ),
    ("basic", "social"): (
        "Человек в обществе. Социальные нормы",
        "Права и обязанности граждан",
        "Почему важно соблюдать законы",
        "Защита Отечества",
        "Экономика и её роль в жизни общества",
        "Производство и труд",
        "Обмен, торговля, реклама",
        "Деньги и их функции",
        "Экономика семьи",
        "Человек и природа",
    ),
    ("basic", "geography"): (
        "Литосфера и рельеф Земли",
        "Атмосфера и климаты Земли",
        "Мировой океан",
        "Географическая оболочка",
        "Население Земли",
        "Африка",
        "Австралия и Океания",
        "Южная Америка",
        "Антарктида",
        "Северная Америка",
        "Евразия",
    ),
    ("basic", "biology"): (
        "Ботаника — наука о растениях",
        "Строение растительной клетки",
        "Ткани растений",
        "Корень и корневые системы",
        "Побег. Строение почки",
        "Лист. Внешнее и внутреннее строение",
        "Стебель",
        "Цветок и соцветия",
        "Плоды и семена",
        "Многообразие растений",
        "Растительные сообщества",
    ),
    ("basic", "physics"): (
        "Физика и её роль в познании мира",
        "Физические величины. Измерение",
        "Строение вещества. Молекулы",
        "Механическое движение. Скорость",
        "Плотность вещества",
        "Сила тяжести",
        "Сила упругости. Закон Гука",
        "Сила трения",
        "Давление твёрдых тел",
        "Давление газа. Закон Паскаля",
        "Архимедова сила",
        "Механическая работа и мощность",
        "Простые механизмы. Рычаг",
    ),
    ("basic", "english"): (
        "Lifestyles: город и деревня",
        "Present Simple и Present Continuous",
        "Чтение: «Peter Pan»",
        "Мир профессий",
        "Past Simple и Past Continuous",
        "Знаменитые люди",
        "Present Perfect",
        "Средства массовой информации",
        "Экология",
        "Здоровый образ жизни",
        "Каникулы и путешествия",
    ),
    ("basic", "informatics"): (
        "Информация и информационные процессы",
        "Двоичный код",
        "Измерение информации",
        "Устройство компьютера",
        "Программное обеспечение",
        "Файлы и файловая система",
        "Компьютерные сети. Интернет",
        "Обработка текстовой информации",
        "Компьютерная графика",
        "Мультимедийные презентации",
    ),
    ("basic", "pe"): (
        "Лёгкая атлетика. Бег на 60 м",
        "Прыжок в длину с разбега",
        "Баскетбол. Ведение мяча",
        "Волейбол. Передача мяча сверху",
        "Гимнастика. Акробатические упражнения",
        "Лыжная подготовка. Попеременный двушажный ход",
        "Силовые упражнения: подтягивание, отжимания",
        "Футбол",
        "Кросс 1500 м",
    ),
    ("basic", "music"): (
        "Музыка моего края",
        "Народная музыка России",
        "Русская классическая музыка",
        "Жанры музыкального искусства",
        "Симфоническая музыка",
        "Музыкальный театр",
        "Современная музыкальная культура",
    ),
    ("basic", "art"): (
        "Архитектура и дизайн",
        "Шрифт и композиция",
        "Цвет в архитектуре и дизайне",
        "Дизайн предметной среды",
        "Город сквозь времена",
        "Интерьер и вещь в доме",
    ),
    ("basic", "technology"): (
        "Чертёж и технический рисунок",
        "Обработка древесины",
        "Обработка металлов",
        "Технологии обработки пищевых продуктов",
        "Робототехника. Модели роботов",
        "3D-моделирование и прототипирование",
    ),
    ("vocational", "drawing"): (
        "Оформление чертежей по ЕСКД",
        "Геометрические построения",
        "Проекционное черчение",
        "Аксонометрические проекции",
        "Сечения и разрезы",
        "Резьба и резьбовые соединения",
        "Эскизы деталей",
        "Рабочий чертёж детали",
        "Сборочный чертёж",
        "Чтение чертежей",
        "Чертежи в системах автоматизированного проектирования",
    ),
    ("vocational", "mechanics"): (
        "Основные понятия и аксиомы статики",
        "Плоская система сходящихся сил",
        "Пара сил и момент силы",
        "Плоская система произвольно расположенных сил",
        "Центр тяжести",
        "Кинематика точки",
        "Динамика. Работа и мощность",
        "Растяжение и сжатие",
        "Срез и смятие",
        "Кручение",
        "Изгиб",
        "Детали машин. Механические передачи",
    ),
    ("vocational", "metrology"): (
        "Основы метрологии",
        "Международная система единиц",
        "Средства измерений",
        "Погрешности измерений",
        "Штангенинструменты",
        "Микрометрические инструменты",
        "Допуски и посадки",
        "Шероховатость поверхности",
        "Стандартизация",
        "Сертификация продукции",
    ),
    ("vocational", "materials"): (
        "Строение металлов и сплавов",
        "Механические свойства металлов",
        "Диаграмма состояния железо — углерод",
        "Углеродистые стали",
        "Чугуны",
        "Легированные стали",
        "Термическая обработка стали",
        "Химико-термическая обработка",
        "Цветные металлы и сплавы",
        "Неметаллические материалы",
        "Инструментальные материалы",
    ),
    ("vocational", "prof-english"): (
        "Моя будущая профессия",
        "Технический перевод: основные правила",
        "Металлообрабатывающие станки",
        "Измерительные инструменты",
        "Техника безопасности на производстве",
        "Чтение технической документации",
        "Деловая переписка",
        "Собеседование при приёме на работу",
    ),
    ("vocational", "economics"): (
        "Экономика как наука",
        "Потребности и ресурсы",
        "Рынок и рыночный механизм",
        "Спрос и предложение",
        "Организация в рыночной экономике",
        "Издержки производства и себестоимость",
        "Заработная плата",
        "Налоги и налогообложение",
        "Личный финансовый план",
    ),
    ("vocational", "pe"): (
        "Лёгкая атлетика. Бег на 100 м",
        "Кросс 3000 м",
        "Волейбол",
        "Баскетбол",
        "Силовая подготовка",
        "Лыжная подготовка",
        "Общая физическая подготовка",
        "Нормативы комплекса ГТО",
    ),
}

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


# --- Reference data: texts ------------------------------------------------------------------------

# The bot must show this literally: it checks that journal text is escaped for HTML.
HTML_HOSTILE_HOMEWORK = "Решить № 5 <b>и</b> № 7 & подготовить доклад"

# Placeholders: {p} page, {p2} a later page, {n} and {m} exercise numbers, {s} paragraph,
# {w} workbook page, {k} a small counter, {topic} the lesson topic, {poem} a poem.
HOMEWORK: dict[tuple[str, str], tuple[str, ...]] = {
    ("primary", "russian"): (
        "Упр. {n}, с. {p}",
        "Упр. {n} и {m}, с. {p}",
        "Выучить словарные слова на с. {p}",
        "Списать текст упр. {n}, подчеркнуть орфограммы",
    ),
    ("primary", "reading"): (
        "Выразительное чтение, с. {p}–{p2}",
        "Пересказ, с. {p}–{p2}",
        "Ответить на вопросы на с. {p2}",
        "Выучить стихотворение {poem} наизусть",
        "Нарисовать иллюстрацию к прочитанному",
    ),
    ("primary", "math"): (
        "С. {p}, № {n}, {m}",
        "С. {p}, задача № {n}, примеры № {m}",
        "Рабочая тетрадь, с. {w}",
        "Повторить таблицу умножения, с. {p}, № {n}",
    ),
    ("primary", "world"): (
        "Учебник, с. {p}–{p2}, ответить на вопросы",
        "Рабочая тетрадь, с. {w}, № {k}",
        "Подготовить сообщение по теме «{topic}»",
    ),
    ("primary", "english"): (
        "Учебник, с. {p}, упр. {k}",
        "Выучить слова на с. {p}",
        "Рабочая тетрадь, с. {w}, упр. {k}",
    ),
    ("primary", "music"): ("Выучить слова песни",),
    ("primary", "art"): ("Принести альбом и гуашь", "Закончить рисунок"),
    ("primary", "technology"): ("Принести цветную бумагу, ножницы и клей",),
    ("basic", "russian"): (
        "§ {s}, упр. {n}",
        "§ {s}, упр. {n}, {m}",
        "Выучить правило в § {s}, упр. {n}",
        "Написать сочинение-миниатюру (8–10 предложений), § {s}",
    ),
    ("basic", "literature"): (
        "Прочитать: {topic}",
        "Ответить на вопросы на с. {p}",
        "Выучить отрывок наизусть, с. {p}",
        "Письменный ответ на вопрос {k} на с. {p}",
    ),
    ("basic", "algebra"): ("§ {s}, № {n}, {m}", "§ {s}, № {n}–{m}", "Повторить § {s}, № {n}"),
    ("basic", "geometry"): ("П. {s}, задачи № {n}, {m}", "Выучить теорему п. {s}, № {n}"),
    ("basic", "probability"): ("§ {s}, № {n}, {m}",),
    ("basic", "history"): (
        "§ {s}, вопросы на с. {p}",
        "§ {s}, заполнить таблицу в тетради",
        "§ {s}, подготовить сообщение",
    ),
    ("basic", "social"): ("§ {s}, вопросы рубрики «Проверим себя»",),
    ("basic", "geography"): (
        "§ {s}, вопросы на с. {p}",
        "§ {s}, нанести объекты на контурную карту",
    ),
    ("basic", "biology"): ("§ {s}, вопросы после параграфа", "§ {s}, зарисовать схему в тетрадь"),
    ("basic", "physics"): (
        "§ {s}, упр. {k}",
        "§ {s}, задачи № {n}, {m} из сборника",
        "§ {s}, оформить лабораторную работу",
    ),
    ("basic", "english"): ("SB p. {p}, ex. {k}", "WB p. {w}, ex. {k}", "Выучить слова модуля {k}"),
    ("basic", "informatics"): ("§ {s}, вопросы 1–5", "§ {s}, практическое задание № {k}"),
    ("basic", "art"): ("Подобрать иллюстрации по теме «{topic}»",),
    ("basic", "technology"): ("Подготовить эскиз изделия", "Принести материалы для проекта"),
    ("vocational", "drawing"): (
        "Закончить графическую работу № {k}",
        "Выполнить чертёж формата А4 по теме «{topic}»",
    ),
    ("vocational", "mechanics"): (
        "Решить задачи № {n}, {m} по теме «{topic}»",
        "Конспект по теме «{topic}»",
    ),
    ("vocational", "metrology"): (
        "Оформить отчёт по практическому занятию",
        "Конспект по теме «{topic}»",
    ),
    ("vocational", "materials"): (
        "Конспект по теме «{topic}»",
        "Подготовить доклад по теме «{topic}»",
    ),
    ("vocational", "prof-english"): (
        "Перевести текст на с. {p}",
        "Выучить термины по теме «{topic}»",
    ),
    ("vocational", "economics"): (
        "Подготовить сообщение по теме «{topic}»",
        "Решить задачи № {k}–{m} по теме «{topic}»",
    ),
}
POEMS: tuple[str, ...] = (
    "«Уж небо осенью дышало…» А. С. Пушкина",
    "«Берёза» С. А. Есенина",
    "«Зима недаром злится…» Ф. И. Тютчева",
    "«Чародейкою Зимою…» Ф. И. Тютчева",
    "«Весенние воды» Ф. И. Тютчева",
)

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


# (work type, weight, how much harder than the student's usual level)
WORK_OF_ASSESSMENT: dict[str, tuple[str, int, float]] = {
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
SELF_STUDY: tuple[str, int, float] = ("самостоятельная работа", 2, -0.1)
LAB_WORK: tuple[str, int, float] = ("лабораторная работа", 2, 0.1)
PRACTICAL_WORK: tuple[str, int, float] = ("практическая работа", 2, 0.1)
ORAL_WORK: dict[str, tuple[tuple[str, int, float], ...]] = {
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
DEFAULT_ORAL_WORK: tuple[tuple[str, int, float], ...] = (
    ("ответ на уроке", 1, 0.0),
    ("ответ на уроке", 1, 0.0),
    ("домашняя работа", 1, 0.2),
)
# Subjects where the whole class rarely writes a самостоятельная работа.
NO_SELF_STUDY: frozenset[str] = frozenset({"pe", "music", "art", "technology"})

PRAISE: tuple[str, ...] = (
    "Молодец!",
    "Отличный ответ у доски",
    "Аккуратное оформление",
    "Работа выполнена творчески",
)
REPROACH: tuple[str, ...] = (
    "Не выполнено задание № 3",
    "Много ошибок в вычислениях",
    "Работа сдана с опозданием",
    "Неаккуратное оформление",
    "Исправить ошибки в тетради",
)

WEAK_ADVICE: tuple[str, ...] = (
    "Рекомендую повторить тему «{topic}» и прийти на консультацию во вторник после 6-го урока"
    " (каб. {room}).",
    "Есть пробелы по теме «{topic}». Выполните работу над ошибками в последней проверочной"
    " работе и сдайте её до конца недели.",
    "Необходимо регулярно выполнять домашние задания по предмету «{subject}»: за последние"
    " две недели не сдано три работы.",
    "Текущая успеваемость под угрозой неудовлетворительной итоговой оценки. Предлагаю"
    " дополнительные занятия по теме «{topic}».",
)
PRIMARY_WEAK_ADVICE: tuple[str, ...] = (
    "Ежедневно читайте вслух 15–20 минут и пересказывайте прочитанное.",
    "Повторяйте дома таблицу умножения и состав чисел — по 10 минут в день.",
    "Обратите внимание на аккуратность в тетради и проверку написанного.",
)
STRONG_ADVICE: tuple[str, ...] = (
    "Рекомендую принять участие в школьном этапе всероссийской олимпиады школьников по"
    " предмету «{subject}».",
    "Отличная работа! Предлагаю подготовить проект по теме «{topic}» к научно-практической"
    " конференции.",
)
COLLEGE_STRONG_ADVICE: tuple[str, ...] = (
    "Рекомендую участие в чемпионате профессионального мастерства по компетенции"
    " «Токарные работы на станках с ЧПУ».",
    "Предлагаю подготовить доклад по теме «{topic}» к студенческой конференции.",
)
CLASS_TEACHER_ADVICE: tuple[str, ...] = (
    "Обратите внимание на опоздания к первому уроку.",
    "Просьба контролировать ведение дневника и выполнение домашних заданий.",
    "Спасибо за активное участие в жизни класса!",
    "Рекомендую записаться в кружок «Юный техник» (занятия по средам в 15:00).",
    "Прошу подписать согласие на участие в экскурсии и передать его до пятницы.",
)
COLLEGE_TEACHER_ADVICE: tuple[str, ...] = (
    "Необходимо ликвидировать задолженность по практическим занятиям до конца семестра.",
    "Пропуски без уважительной причины: прошу предоставить объяснительную куратору.",
    "Спасибо за помощь в подготовке дня открытых дверей!",
)
