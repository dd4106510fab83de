"""The demo school generator: a valid, consistent, deterministic sync document.

This file checks the document as a whole and the people in it. Its dates and helpers are
shared with ``test_demo_school_timetable`` (calendar, lessons, changes, tests, homework) and
``test_demo_school_marks`` (marks, final grades, recommendations).
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot.exchange.demo_school import DEMO_SCHOOL_NAME, DEMO_TIMEZONE, demo_document

MID_TERM = date(2026, 11, 23)  # a Monday in the II quarter; the I quarter is finished
FIRST_WEEKS = date(2026, 9, 10)  # nothing finished yet
SUMMER = date(2027, 7, 1)  # the year is over: everything in the past
AUTUMN_BREAK = date(2026, 10, 28)
WINTER_BREAK = date(2027, 1, 5)
TODAYS = [MID_TERM, FIRST_WEEKS, SUMMER, AUTUMN_BREAK, WINTER_BREAK]

SECTIONS = [
    "periods",
    "subjects",
    "teachers",
    "classes",
    "students",
    "guardians",
    "curriculum",
    "lessons",
    "grades",
    "homework",
    "assessments",
    "holidays",
    "recommendations",
    "final_grades",
]

Item = dict[str, Any]


@cache
def document(today: date) -> dict[str, Any]:
    """Built once per date for all tests; tests must not change it."""
    return demo_document(today)


def by_id(doc: dict[str, Any], section: str) -> dict[str, Item]:
    return {item["external_id"]: item for item in doc[section]}


def day(value: str) -> date:
    return date.fromisoformat(value)


def term_of(doc: dict[str, Any], class_id: str, on: date) -> Item | None:
    kind = "semester" if class_id == "c-tm21" else "quarter"
    return next(
        (
            period
            for period in doc["periods"]
            if period["kind"] == kind and day(period["starts_on"]) <= on <= day(period["ends_on"])
        ),
        None,
    )


def test_public_names() -> None:
    assert DEMO_SCHOOL_NAME == "МБОУ «Средняя общеобразовательная школа № 7» (демо)"
    assert DEMO_TIMEZONE == "Europe/Moscow"


def test_the_same_day_gives_the_same_document() -> None:
    first, second = demo_document(MID_TERM), demo_document(MID_TERM)
    assert first == second
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert list(first) == SECTIONS


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_the_document_is_plain_json(today: date) -> None:
    def check(value: object, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                assert isinstance(key, str), path
                check(inner, f"{path}/{key}")
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                check(inner, f"{path}/{index}")
        else:
            assert value is None or isinstance(value, str | int | float | bool), path

    doc = document(today)
    check(doc, "")
    assert json.loads(json.dumps(doc)) == doc


def test_a_year_later_shifts_the_dates() -> None:
    now, later = document(MID_TERM), demo_document(MID_TERM + timedelta(days=364))
    assert [p["starts_on"][:4] for p in now["periods"]] != [
        p["starts_on"][:4] for p in later["periods"]
    ]
    for old, new in zip(now["periods"], later["periods"], strict=True):
        assert day(new["starts_on"]).year == day(old["starts_on"]).year + 1
    assert {lesson["date"] for lesson in now["lessons"]}.isdisjoint(
        {lesson["date"] for lesson in later["lessons"]}
    )
    # The same people, a year older.
    assert [s["full_name"] for s in now["students"]] == [s["full_name"] for s in later["students"]]
    assert now["guardians"] == later["guardians"]


def test_a_day_later_only_adds_what_the_day_brings() -> None:
    """Re-syncing the demo the next day must not rewrite the past (it would push noise)."""
    today, tomorrow = document(MID_TERM), demo_document(MID_TERM + timedelta(days=1))
    for section in ("grades", "homework", "recommendations", "final_grades", "assessments"):
        old, new = by_id(today, section), by_id(tomorrow, section)
        assert old.keys() <= new.keys(), section
        assert all(new[key] == item for key, item in old.items()), section
    new_grades = set(by_id(tomorrow, "grades")) - set(by_id(today, "grades"))
    assert new_grades
    lessons = by_id(today, "lessons")
    assert {by_id(tomorrow, "grades")[key]["date"] for key in new_grades} == {MID_TERM.isoformat()}
    for key, lesson in by_id(tomorrow, "lessons").items():
        before = lessons[key]
        if lesson != before:
            # Only today's lessons got held, and changes came into view two weeks ahead.
            assert lesson["date"] == MID_TERM.isoformat() or before["status"] == "scheduled"


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_every_reference_resolves(today: date) -> None:
    doc = document(today)
    ids = {section: set(by_id(doc, section)) for section in SECTIONS if section != "curriculum"}

    def resolves(section: str, value: str | None) -> None:
        assert value in ids[section], (section, value)

    for item in doc["classes"]:
        resolves("teachers", item["class_teacher_id"])
    for item in doc["students"]:
        resolves("classes", item["class_id"])
    for item in doc["guardians"]:
        assert item["student_ids"]
        for student_id in item["student_ids"]:
            resolves("students", student_id)
    for item in doc["curriculum"]:
        resolves("classes", item["class_id"])
        resolves("subjects", item["subject_id"])
        resolves("teachers", item["teacher_id"])
        resolves("periods", item["period_id"])
    for item in doc["lessons"]:
        resolves("classes", item["class_id"])
        resolves("subjects", item["subject_id"])
        resolves("teachers", item["teacher_id"])
        if item["status"] == "substituted":
            resolves("teachers", item["substitute_teacher_id"])
            assert item["substitute_teacher_id"] != item["teacher_id"]
        else:
            assert "substitute_teacher_id" not in item
    for item in doc["grades"]:
        resolves("students", item["student_id"])
        resolves("subjects", item["subject_id"])
        resolves("lessons", item["lesson_id"])
    for section in ("homework", "assessments"):
        for item in doc[section]:
            resolves("classes", item["class_id"])
            resolves("subjects", item["subject_id"])
    for item in doc["recommendations"]:
        resolves("students", item["student_id"])
        resolves("teachers", item["teacher_id"])
        if "subject_id" in item:
            resolves("subjects", item["subject_id"])
    for item in doc["final_grades"]:
        resolves("students", item["student_id"])
        resolves("subjects", item["subject_id"])
        resolves("periods", item["period_id"])


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_external_ids_are_unique_per_entity(today: date) -> None:
    doc = document(today)
    for section in SECTIONS:
        if section == "curriculum":
            keys = [
                (row["class_id"], row["subject_id"], row["teacher_id"], row["period_id"])
                for row in doc[section]
            ]
        else:
            keys = [item["external_id"] for item in doc[section]]
        assert len(keys) == len(set(keys)), section


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_three_classes_with_students_and_guardians(today: date) -> None:
    doc = document(today)
    levels = {c["external_id"]: c["level"] for c in doc["classes"]}
    assert sorted(levels.values()) == ["basic", "primary", "vocational"]
    sizes = Counter(s["class_id"] for s in doc["students"])
    assert set(sizes) == set(levels)
    assert all(20 <= size <= 30 for size in sizes.values())
    guardians_of: Counter[str] = Counter()
    for guardian in doc["guardians"]:
        assert guardian["relation"] in ("mother", "father", "guardian")
        guardians_of.update(guardian["student_ids"])
        if "phone" in guardian:
            assert guardian["phone"].startswith("+7 9")
            assert len(guardian["phone"]) == 16
        if "email" in guardian:
            assert guardian["email"].split("@")[1].startswith("example.")
    assert all(1 <= guardians_of[s["external_id"]] <= 2 for s in doc["students"])
    assert {g["relation"] for g in doc["guardians"]} == {"mother", "father", "guardian"}
    assert any("email" in g for g in doc["guardians"])
    assert len(doc["teachers"]) in range(12, 19)


def test_siblings_share_guardians_across_classes() -> None:
    doc = document(MID_TERM)
    classes = {s["external_id"]: s["class_id"] for s in doc["students"]}
    names = {s["external_id"]: s["full_name"] for s in doc["students"]}
    shared = [g for g in doc["guardians"] if len({classes[i] for i in g["student_ids"]}) > 1]
    assert len(shared) >= 2
    for guardian in shared:
        if guardian["relation"] == "father":
            surnames = {names[i].split()[0].removesuffix("а") for i in guardian["student_ids"]}
            assert surnames == {guardian["full_name"].split()[0]}


def test_names_agree_in_gender() -> None:
    doc = document(MID_TERM)
    masculine = ("ов", "ев", "ёв", "ин", "ын", "ский", "цкий")
    for student in doc["students"]:
        surname, _, patronymic = student["full_name"].split()
        if patronymic.endswith(("вна", "чна")):
            assert not surname.endswith(masculine), student["full_name"]
        else:
            assert patronymic.endswith(("ич",)), student["full_name"]
            assert not surname.endswith(("ова", "ева", "ина", "ская")), student["full_name"]
    for guardian in doc["guardians"]:
        assert len(guardian["full_name"].split()) == 3
        patronymic = guardian["full_name"].split()[2]
        female = guardian["relation"] in ("mother", "guardian")
        assert patronymic.endswith(("вна", "чна")) == female, guardian["full_name"]


def test_ages_fit_the_levels() -> None:
    doc = document(MID_TERM)
    levels = {c["external_id"]: c["level"] for c in doc["classes"]}
    start = date(2026, 9, 1)
    ages: dict[str, list[float]] = defaultdict(list)
    for student in doc["students"]:
        age = (start - day(student["birth_date"])).days / 365.25
        ages[levels[student["class_id"]]].append(age)
    assert min(ages["primary"]) >= 7
    assert max(ages["primary"]) < 9.1
    assert min(ages["basic"]) >= 12
    assert max(ages["basic"]) < 14.1
    assert min(ages["vocational"]) >= 17
    assert max(ages["vocational"]) < 19.1
    adults = [a for a in ages["vocational"] if a + (MID_TERM - start).days / 365.25 >= 18]
    assert adults


@pytest.mark.parametrize("today", [MID_TERM, FIRST_WEEKS, SUMMER], ids=str)
def test_it_is_fast(today: date) -> None:
    started = time.perf_counter()
    demo_document(today)
    assert time.perf_counter() - started < 2.0


def test_the_readme_states_the_demos_marks_for_its_date() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    marks = len(demo_document(date(2026, 12, 2))["grades"])
    assert f"({marks:,} on 2 December 2026;" in " ".join(readme.split())
