"""The demo school's students and their guardians.

Names, families and abilities come from a fixed seed and do not depend on the date; only
birth dates follow the school year, so that a class keeps its age.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.exchange.demo_builder.names import (
    BOY_NAMES,
    FATHER_NAMES,
    GIRL_NAMES,
    GRANDFATHER_NAMES,
    GRANDMOTHER_NAMES,
    MOTHER_NAMES,
    SURNAMES,
    patronymic_of,
    sort_key,
    surname_for,
    translit,
)
from bot.exchange.demo_builder.school import PLANS, SEED, ClassPlan


@dataclass(slots=True)
class Student:
    external_id: str
    plan: ClassPlan
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
    children: list[Student] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Guardian:
    external_id: str
    full_name: str
    relation: str
    student_ids: tuple[str, ...]
    phone: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class People:
    students: tuple[Student, ...]
    guardians: tuple[Guardian, ...]

    def of_class(self, code: str) -> list[Student]:
        return [student for student in self.students if student.plan.code == code]


# A pupil (class, index in creation order) who is the sibling of another one.
_SIBLINGS: dict[tuple[str, int], tuple[str, int]] = {
    ("7b", 0): ("2a", 0),
    ("7b", 1): ("2a", 1),
    ("tm21", 0): ("7b", 2),
}
# Pupils raised by a grandmother who is their legal guardian.
_RAISED_BY_GRANDMOTHER = frozenset({("2a", 7), ("tm21", 5)})


def make_people(start_year: int) -> People:
    rng = random.Random(f"{SEED}/people")
    surnames = list(SURNAMES)
    rng.shuffle(surnames)
    families: dict[tuple[str, int], _Family] = {}
    students: list[Student] = []
    for plan in PLANS:
        pupils: list[tuple[Student, _Family]] = []
        for index in range(plan.size):
            key = (plan.code, index)
            if key in _SIBLINGS:
                family = families[_SIBLINGS[key]]
            else:
                family = _new_family(rng, surnames.pop(), key in _RAISED_BY_GRANDMOTHER)
            families[key] = family
            pupils.append((_new_student(rng, plan, family, start_year), family))
        # Numbers follow the alphabetical order of the class register.
        pupils.sort(key=lambda pair: sort_key(pair[0].full_name))
        for number, (student, family) in enumerate(pupils, start=1):
            student.external_id = f"s-{plan.code}-{number:02d}"
            family.children.append(student)
            students.append(student)
        _assign_profiles(rng, plan, [student for student, _ in pupils])
    unique = list({id(family): family for family in families.values()}.values())
    return People(tuple(students), _guardians(rng, unique))


def _new_family(rng: random.Random, surname: str, by_grandmother: bool) -> _Family:
    own_surname = rng.random() < 0.1  # about one mother in ten kept her own surname
    roll = rng.random()
    members = "both" if roll < 0.62 else "mother" if roll < 0.93 else "father"
    return _Family(
        surname=surname,
        father=rng.choice(FATHER_NAMES),
        father_patronymic=patronymic_of(rng.choice(GRANDFATHER_NAMES), female=False),
        mother=rng.choice(MOTHER_NAMES),
        mother_patronymic=patronymic_of(rng.choice(GRANDFATHER_NAMES), female=True),
        mother_surname=surname_for(rng.choice(SURNAMES) if own_surname else surname, True),
        grandmother=rng.choice(GRANDMOTHER_NAMES),
        grandmother_patronymic=patronymic_of(rng.choice(GRANDFATHER_NAMES), female=True),
        members="grandmother" if by_grandmother else members,
    )


def _new_student(rng: random.Random, plan: ClassPlan, family: _Family, start_year: int) -> Student:
    female = rng.random() >= plan.male_share
    first = rng.choice(GIRL_NAMES if female else BOY_NAMES)
    surname = surname_for(family.surname, female)
    full_name = f"{surname} {first} {patronymic_of(family.father, female)}"
    # One uniform draw whatever the year, so that the rest of the sequence never shifts.
    share = rng.random()
    years, month, day = plan.born_from
    start = date(start_year - years, month, day)
    years, month, day = plan.born_until
    span = (date(start_year - years, month, day) - start).days
    return Student("", plan, full_name, female, start + timedelta(days=int(share * span)))


def _assign_profiles(rng: random.Random, plan: ClassPlan, students: list[Student]) -> None:
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


def _guardians(rng: random.Random, families: list[_Family]) -> tuple[Guardian, ...]:
    guardians: list[Guardian] = []
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
            surname = surname_for(family.surname, True)
            adults.append(("guardian", surname, family.grandmother, family.grandmother_patronymic))
        for index, (relation, surname, first, patronymic) in enumerate(adults, start=1):
            guardians.append(
                Guardian(
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
        email = f"{translit(first)}.{translit(surname)}{rng.randint(70, 99)}@{domain}"
        if email not in taken:
            taken.add(email)
            return email
