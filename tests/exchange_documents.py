"""A small, hand-checked school as a sync document, for exchange tests."""

from __future__ import annotations

import copy
from typing import Any

# The fake clock's default instant is 2026-09-01 06:00 UTC = 09:00 in Moscow, a Tuesday.
TODAY = "2026-09-01"


def small_school() -> dict[str, Any]:
    document: dict[str, Any] = {
        "periods": [
            {"external_id": "q1", "name": "I четверть", "kind": "quarter",
             "starts_on": "2026-09-01", "ends_on": "2026-10-24"},
        ],
        "subjects": [
            {"external_id": "math", "name": "Математика"},
            {"external_id": "rus", "name": "Русский язык"},
        ],
        "teachers": [
            {"external_id": "t1", "full_name": "Смирнова Ольга Петровна"},
            {"external_id": "t2", "full_name": "Кузнецов Игорь Васильевич"},
        ],
        "classes": [
            {"external_id": "5a", "name": "5А", "level": "basic", "class_teacher_id": "t1"},
        ],
        "students": [
            {"external_id": "s1", "full_name": "Иванов Пётр Сергеевич", "class_id": "5a",
             "birth_date": "2015-03-14"},
            {"external_id": "s2", "full_name": "Петрова Анна Игоревна", "class_id": "5a"},
        ],
        "guardians": [
            {"external_id": "g1", "full_name": "Иванова Мария Николаевна", "student_ids": ["s1"],
             "relation": "mother", "phone": "+7 900 123-45-67"},
        ],
        "curriculum": [
            {"class_id": "5a", "subject_id": "math", "teacher_id": "t1", "period_id": "q1",
             "planned_lessons": 45},
        ],
        "lessons": [
            {"external_id": "l1", "class_id": "5a", "subject_id": "math", "teacher_id": "t1",
             "date": TODAY, "number": 1, "starts_at": "08:30", "ends_at": "09:15",
             "room": "204", "topic": "Натуральные числа", "status": "scheduled"},
            {"external_id": "l2", "class_id": "5a", "subject_id": "rus", "teacher_id": "t2",
             "date": TODAY, "number": 2, "status": "scheduled"},
        ],
        "grades": [
            {"external_id": "gr1", "student_id": "s1", "subject_id": "math", "lesson_id": "l1",
             "date": TODAY, "value": "5", "work_type": "ответ на уроке"},
            {"external_id": "gr2", "student_id": "s2", "subject_id": "math", "date": TODAY,
             "value": "4-", "work_type": "самостоятельная работа", "weight": 2},
        ],
        "homework": [
            {"external_id": "hw1", "class_id": "5a", "subject_id": "math",
             "assigned_on": TODAY, "due_on": "2026-09-02", "text": "№ 5 <b>и</b> № 7 & доклад"},
        ],
        "assessments": [
            {"external_id": "a1", "class_id": "5a", "subject_id": "math", "date": "2026-09-20",
             "kind": "контрольная работа", "topic": "Натуральные числа"},
        ],
        "holidays": [
            {"external_id": "h1", "name": "Осенние каникулы", "starts_on": "2026-10-25",
             "ends_on": "2026-11-03"},
        ],
        "recommendations": [
            {"external_id": "r1", "student_id": "s2", "teacher_id": "t1", "subject_id": "math",
             "date": TODAY, "text": "Повторить таблицу умножения"},
        ],
        "final_grades": [],
    }  # fmt: skip
    return copy.deepcopy(document)
