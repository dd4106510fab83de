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

from datetime import date
from typing import Any

from bot.exchange.demo_builder.changes import plan_changes, settle_statuses
from bot.exchange.demo_builder.homework import homework_items, recommendation_items
from bot.exchange.demo_builder.lessons import Assessment, Lesson, make_lessons, schedule_assessments
from bot.exchange.demo_builder.marks import Grade, final_grade_items, make_grades
from bot.exchange.demo_builder.people import Guardian, Student, make_people
from bot.exchange.demo_builder.school import PLANS, SUBJECTS, TEACHERS, TEACHERS_BY_ID, subject_id
from bot.exchange.demo_builder.school_year import (
    Holiday,
    Period,
    SchoolYear,
    covered_terms,
    school_year_of,
)
from bot.exchange.demo_builder.timetable import curriculum_items, weekly_timetables


def demo_document(today: date) -> dict[str, Any]:
    """The whole demo school as seen by its journal on ``today`` (see the module docstring)."""
    year = school_year_of(today)
    people = make_people(year.start_year)
    timetables = weekly_timetables()
    lessons = make_lessons(year, timetables, today)
    assessments = schedule_assessments(lessons)
    plan_changes(lessons)
    settle_statuses(lessons, today)
    grades = make_grades(lessons, people, today)
    finished = [term for term in _covered_terms_all(year, today) if term.ends_on < today]
    return {
        "periods": [_period_item(period) for period in year.periods],
        "subjects": [
            {"external_id": subject_id(slug), "name": name} for slug, name in SUBJECTS.items()
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
        "curriculum": curriculum_items(year, timetables),
        "lessons": [_lesson_item(lesson) for lesson in lessons],
        "grades": [_grade_item(grade) for grade in grades],
        "homework": homework_items(lessons, year, today),
        "assessments": [_assessment_item(assessment) for assessment in assessments],
        "holidays": [_holiday_item(holiday) for holiday in year.holidays],
        "recommendations": recommendation_items(people, year, today),
        "final_grades": final_grade_items(people, grades, finished),
    }


def _covered_terms_all(year: SchoolYear, today: date) -> list[Period]:
    kinds = dict.fromkeys(plan.term_kind for plan in PLANS)
    return [term for kind in kinds for term in covered_terms(year.terms(kind), today)]


# --- The document's items -------------------------------------------------------------------------


def _period_item(period: Period) -> dict[str, Any]:
    return {
        "external_id": period.external_id,
        "name": period.name,
        "kind": period.kind,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
    }


def _holiday_item(holiday: Holiday) -> dict[str, Any]:
    return {
        "external_id": holiday.external_id,
        "name": holiday.name,
        "starts_on": holiday.starts_on.isoformat(),
        "ends_on": holiday.ends_on.isoformat(),
    }


def _student_item(student: Student) -> dict[str, Any]:
    return {
        "external_id": student.external_id,
        "full_name": student.full_name,
        "class_id": student.plan.external_id,
        "birth_date": student.birth_date.isoformat(),
    }


def _guardian_item(guardian: Guardian) -> dict[str, Any]:
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


def _lesson_item(lesson: Lesson) -> dict[str, Any]:
    starts_at, ends_at = lesson.plan.bells[lesson.number - 1]
    item: dict[str, Any] = {
        "external_id": lesson.external_id,
        "class_id": lesson.plan.external_id,
        "subject_id": subject_id(lesson.slug),
        "teacher_id": lesson.teacher_id,
        "date": lesson.day.isoformat(),
        "number": lesson.number,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "room": TEACHERS_BY_ID[lesson.teacher_id].room,
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


def _grade_item(grade: Grade) -> dict[str, Any]:
    item: dict[str, Any] = {
        "external_id": grade.external_id,
        "student_id": grade.student.external_id,
        "subject_id": subject_id(grade.lesson.slug),
        "lesson_id": grade.lesson.external_id,
        "date": grade.lesson.day.isoformat(),
        "value": grade.value,
        "work_type": grade.work_type,
        "weight": grade.weight,
    }
    if grade.comment is not None:
        item["comment"] = grade.comment
    return item


def _assessment_item(assessment: Assessment) -> dict[str, Any]:
    lesson = assessment.lesson
    return {
        "external_id": assessment.external_id,
        "class_id": lesson.plan.external_id,
        "subject_id": subject_id(lesson.slug),
        "date": lesson.day.isoformat(),
        "kind": assessment.kind,
        "topic": assessment.topic,
    }
