"""The demo school's calendar and timetable: terms, lessons, changes, tests and homework."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from bot.exchange.demo_school import HTML_HOSTILE_HOMEWORK
from tests.test_demo_school import (
    AUTUMN_BREAK,
    FIRST_WEEKS,
    MID_TERM,
    SUMMER,
    TODAYS,
    WINTER_BREAK,
    by_id,
    day,
    document,
    term_of,
)


def test_periods_and_holidays_of_the_year() -> None:
    doc = document(MID_TERM)
    periods = by_id(doc, "periods")
    assert Counter(p["kind"] for p in doc["periods"]) == {"quarter": 4, "year": 1, "semester": 2}
    quarters = [p for p in doc["periods"] if p["kind"] == "quarter"]
    assert quarters[0]["starts_on"] == "2026-09-01"
    assert quarters[-1]["ends_on"] == "2027-05-31"
    assert periods["p-2026-year"]["starts_on"] == "2026-09-01"
    holidays = {(h["starts_on"], h["ends_on"]) for h in doc["holidays"]}
    # Each break fills the gap between two quarters exactly.
    for before, after in itertools.pairwise(quarters):
        gap = (
            (day(before["ends_on"]) + timedelta(days=1)).isoformat(),
            (day(after["starts_on"]) - timedelta(days=1)).isoformat(),
        )
        assert gap in holidays
    assert ("2026-11-04", "2026-11-04") in holidays
    assert ("2027-02-23", "2027-02-23") in holidays
    for holiday in doc["holidays"]:
        assert holiday["name"]
        assert holiday["starts_on"] <= holiday["ends_on"]


def test_the_covered_terms_follow_the_rule() -> None:
    def terms(today: date, class_id: str) -> set[str]:
        doc = document(today)
        return {
            term["external_id"]
            for lesson in doc["lessons"]
            if lesson["class_id"] == class_id
            for term in [term_of(doc, class_id, day(lesson["date"]))]
            if term is not None
        }

    assert terms(FIRST_WEEKS, "c-7b") == {"p-2026-q1"}
    assert terms(AUTUMN_BREAK, "c-7b") == {"p-2026-q1", "p-2026-q2"}
    assert terms(MID_TERM, "c-7b") == {"p-2026-q1", "p-2026-q2"}
    assert terms(MID_TERM, "c-tm21") == {"p-2026-s1"}
    assert terms(WINTER_BREAK, "c-tm21") == {"p-2026-s1", "p-2026-s2"}
    assert terms(SUMMER, "c-2a") == {"p-2026-q3", "p-2026-q4"}
    assert terms(SUMMER, "c-tm21") == {"p-2026-s1", "p-2026-s2"}


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_lessons_fill_the_school_days_of_the_covered_terms(today: date) -> None:
    doc = document(today)
    days_off = {
        day(h["starts_on"]) + timedelta(days=offset)
        for h in doc["holidays"]
        for offset in range((day(h["ends_on"]) - day(h["starts_on"])).days + 1)
    }
    by_class: dict[str, set[str]] = defaultdict(set)
    for lesson in doc["lessons"]:
        on = day(lesson["date"])
        assert on.weekday() < 5, lesson["external_id"]
        assert on not in days_off, lesson["external_id"]
        term = term_of(doc, lesson["class_id"], on)
        assert term is not None, lesson["external_id"]
        by_class[lesson["class_id"]].add(term["external_id"])
        assert lesson["starts_at"] < lesson["ends_at"]
        past = on < today
        if lesson["status"] in ("conducted", "scheduled"):
            assert (lesson["status"] == "conducted") == past
    for class_id, terms in by_class.items():
        # The current term and the one before it, nothing else.
        assert 1 <= len(terms) <= 2, class_id
    assert set(by_class) == {"c-2a", "c-7b", "c-tm21"}


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_no_two_lessons_share_a_slot_even_after_moves(today: date) -> None:
    doc = document(today)
    slots = Counter((x["class_id"], x["date"], x["number"]) for x in doc["lessons"])
    assert max(slots.values()) == 1
    targets: list[tuple[str, str, int]] = []
    for lesson in doc["lessons"]:
        if lesson["status"] != "moved":
            assert "moved_to" not in lesson
            continue
        target = lesson["moved_to"]
        assert day(target["date"]) > day(lesson["date"])
        slot = (lesson["class_id"], target["date"], target["number"])
        assert slot not in slots
        targets.append(slot)
        assert day(target["date"]).weekday() < 5
    assert len(targets) == len(set(targets))


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_no_teacher_is_in_two_places_at_once(today: date) -> None:
    doc = document(today)
    seen: Counter[tuple[str, str, str, int]] = Counter()
    for lesson in doc["lessons"]:
        campus = "college" if lesson["class_id"] == "c-tm21" else "school"
        if lesson["status"] in ("scheduled", "conducted", "substituted"):
            teacher = lesson.get("substitute_teacher_id", lesson["teacher_id"])
            seen[(teacher, campus, lesson["date"], lesson["number"])] += 1
        if lesson["status"] == "moved":
            target = lesson["moved_to"]
            seen[(lesson["teacher_id"], campus, target["date"], target["number"])] += 1
    assert max(seen.values()) == 1


def test_the_coming_week_shows_every_kind_of_change_in_every_class() -> None:
    doc = document(MID_TERM)
    window = {(MID_TERM + timedelta(days=offset)).isoformat() for offset in range(7)}
    for class_id in ("c-2a", "c-7b", "c-tm21"):
        statuses = {
            lesson["status"]
            for lesson in doc["lessons"]
            if lesson["class_id"] == class_id and lesson["date"] in window
        }
        assert {"substituted", "moved", "cancelled", "scheduled"} <= statuses, class_id


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_the_past_was_mostly_held_and_the_far_future_is_plain(today: date) -> None:
    doc = document(today)
    past = Counter(x["status"] for x in doc["lessons"] if day(x["date"]) < today)
    assert "scheduled" not in past
    if past.total() >= 100:
        assert past["conducted"] > 0.75 * past.total()
    far = [x for x in doc["lessons"] if day(x["date"]) >= today + timedelta(days=14)]
    assert all(x["status"] == "scheduled" for x in far)


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_the_curriculum_matches_the_lessons(today: date) -> None:
    doc = document(today)
    held: Counter[tuple[str, str, str]] = Counter()
    for lesson in doc["lessons"]:
        term = term_of(doc, lesson["class_id"], day(lesson["date"]))
        assert term is not None
        held[(lesson["class_id"], lesson["subject_id"], term["external_id"])] += 1
    kinds = {p["external_id"]: p["kind"] for p in doc["periods"]}
    for row in doc["curriculum"]:
        expected = "semester" if row["class_id"] == "c-tm21" else "quarter"
        assert kinds[row["period_id"]] == expected
        key = (row["class_id"], row["subject_id"], row["period_id"])
        if key in held:
            assert row["planned_lessons"] == held[key], key


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_assessments_are_test_lessons(today: date) -> None:
    doc = document(today)
    tests = {
        (x["class_id"], x["subject_id"], x["date"])
        for x in doc["lessons"]
        if x["kind"] in ("test", "exam")
    }
    assessments = {(a["class_id"], a["subject_id"], a["date"]) for a in doc["assessments"]}
    assert assessments == tests
    per_term: Counter[tuple[str, str, str]] = Counter()
    for item in doc["assessments"]:
        term = term_of(doc, item["class_id"], day(item["date"]))
        assert term is not None
        per_term[(item["class_id"], item["subject_id"], term["external_id"])] += 1
        assert item["kind"]
        assert item["topic"]
    assert set(per_term.values()) <= {1, 2, 3}
    for lesson in doc["lessons"]:
        if lesson["kind"] in ("test", "exam"):
            assert lesson["status"] in ("conducted", "scheduled")


def test_topics_and_rooms_are_filled_in() -> None:
    doc = document(MID_TERM)
    for lesson in doc["lessons"]:
        assert lesson["topic"]
        assert lesson["room"]
    kinds = Counter(lesson["kind"] for lesson in doc["lessons"])
    assert kinds["lesson"] > kinds["test"] > 0
    assert kinds["lab"] > 0
    assert kinds["practice"] > 0


@pytest.mark.parametrize("today", [MID_TERM, FIRST_WEEKS, SUMMER], ids=str)
def test_the_html_hostile_homework_is_there(today: date) -> None:
    texts = [item["text"] for item in document(today)["homework"]]
    assert HTML_HOSTILE_HOMEWORK in texts
    assert "<b>" in HTML_HOSTILE_HOMEWORK
    assert "&" in HTML_HOSTILE_HOMEWORK


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_homework_is_due_at_the_next_lesson_of_the_subject(today: date) -> None:
    doc = document(today)
    lesson_days: dict[tuple[str, str], set[str]] = defaultdict(set)
    for lesson in doc["lessons"]:
        lesson_days[(lesson["class_id"], lesson["subject_id"])].add(lesson["date"])
    for item in doc["homework"]:
        days = lesson_days[(item["class_id"], item["subject_id"])]
        assert item["assigned_on"] in days
        assert item["due_on"] in days
        assert item["assigned_on"] < item["due_on"]
        assert day(item["assigned_on"]) <= today + timedelta(days=7)
        assert item["text"].strip()
        assert "{" not in item["text"]
    if today < SUMMER:
        assert len(doc["homework"]) > 50
