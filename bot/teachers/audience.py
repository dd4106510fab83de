"""Whom an announcement is for (pure): the audience within a class, and the class id that
stands for the whole school."""

from __future__ import annotations

from enum import StrEnum

WHOLE_SCHOOL = 0  # the class id that stands for every class (admins only)


class Audience(StrEnum):
    GUARDIANS = "guardians"
    STUDENTS = "students"
    BOTH = "both"
