"""The XLSX side of ``ediary import``: template, reading, error locations, hostile files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.exchange.document import SECTIONS
from bot.exchange.validation import parse_document
from bot.exchange.workbook import (
    WorkbookDocument,
    WorkbookError,
    columns,
    read_workbook,
    write_template,
)

Rows = list[list[object]]


def make_workbook(path: Path, sheets: dict[str, Rows]) -> Path:
    """A workbook as a person would make it; an empty list is a blank row."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


GRADE_HEADER: list[object] = ["external_id", "student_id", "subject_id", "date", "value"]
# Excel has no time zones: a date-and-time cell is naive; in a date column only the date counts.
MOVED_AT = dt.datetime(2024, 9, 4, 10, 0)  # noqa: DTZ001


def grade_rows(count: int) -> Rows:
    rows: Rows = [[f"g{n}", "s1", "math", "2024-09-02", "5"] for n in range(count)]
    return [GRADE_HEADER, *rows]


def test_template_has_a_sheet_per_section_with_its_header(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)

    book = load_workbook(path)
    assert book.sheetnames == ["README", *SECTIONS]
    for section in SECTIONS:
        sheet = book[section]
        header = [cell.value for cell in sheet[1]]
        assert header == [column.name for column in columns(section)]
        assert header[-1] == "deleted"
        assert header.count("deleted") == 1
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.max_row == 1
    lessons = [cell.value for cell in book["lessons"][1]]
    assert lessons[-3:] == ["moved_to.date", "moved_to.number", "deleted"]
    assert "student_ids" in [cell.value for cell in book["guardians"][1]]
    assert "planned_lessons" in [cell.value for cell in book["curriculum"][1]]
    readme = "\n".join(str(cell.value) for cell in book["README"]["A"] if cell.value)
    for format_name in ("YYYY-MM-DD", "ГГГГ-ММ-ДД", "HH:MM"):
        assert format_name in readme


def test_untouched_template_is_an_empty_document(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)

    read = read_workbook(path)

    assert read.document == {}
    assert parse_document(read.document).problems == []


def test_filled_workbook_reads_as_the_json_document(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "school.xlsx",
        {
            "teachers": [["external_id", "full_name"], ["t1", "  Иванова Мария Петровна "]],
            "subjects": [["external_id", "name"], ["math", "Математика"]],
            "classes": [
                ["external_id", "name", "level", "class_teacher_id"],
                ["c1", "5А", "basic", "t1"],
            ],
            "students": [
                ["external_id", "full_name", "class_id", "birth_date"],
                ["s1", "Петров Пётр", "c1", dt.date(2013, 5, 4)],
                ["s2", "Петрова Анна", "c1", None],
            ],
            "guardians": [
                ["external_id", "full_name", "student_ids", "relation", "phone"],
                [17.0, "Петрова Ольга", "s1; s2", "mother", 79001234567],
            ],
            "lessons": [
                [
                    "external_id",
                    "class_id",
                    "subject_id",
                    "teacher_id",
                    "date",
                    "number",
                    "starts_at",
                    "ends_at",
                    "status",
                    "moved_to.date",
                    "moved_to.number",
                ],
                [
                    "l1",
                    "c1",
                    "math",
                    "t1",
                    dt.date(2024, 9, 2),
                    1,
                    dt.time(8, 30),
                    dt.time(9, 15),
                    "moved",
                    MOVED_AT,
                    3.0,
                ],
            ],
            "grades": [
                [*GRADE_HEADER, "lesson_id", "weight", "deleted"],
                ["g1", "s1", "math", dt.date(2024, 9, 2), 5, "l1", 2, None],
                ["g2", "s2", "math", "2024-09-03", "4-", None, None, "нет"],
                [3, "s1", "math", dt.date(2024, 9, 3), 5.0, None, 1.5, False],
                ["g0", "s1", "math", None, None, None, None, "да"],
            ],
        },
    )

    read = read_workbook(path)

    assert read.document == {
        "teachers": [{"external_id": "t1", "full_name": "Иванова Мария Петровна"}],
        "subjects": [{"external_id": "math", "name": "Математика"}],
        "classes": [
            {"external_id": "c1", "name": "5А", "level": "basic", "class_teacher_id": "t1"}
        ],
        "students": [
            {
                "external_id": "s1",
                "full_name": "Петров Пётр",
                "class_id": "c1",
                "birth_date": "2013-05-04",
            },
            {"external_id": "s2", "full_name": "Петрова Анна", "class_id": "c1"},
        ],
        "guardians": [
            {
                "external_id": "17",
                "full_name": "Петрова Ольга",
                "student_ids": ["s1", "s2"],
                "relation": "mother",
                "phone": "79001234567",
            },
        ],
        "lessons": [
            {
                "external_id": "l1",
                "class_id": "c1",
                "subject_id": "math",
                "teacher_id": "t1",
                "date": "2024-09-02",
                "number": 1,
                "starts_at": "08:30",
                "ends_at": "09:15",
                "status": "moved",
                "moved_to": {"date": "2024-09-04", "number": 3},
            },
        ],
        "grades": [
            {
                "external_id": "g1",
                "student_id": "s1",
                "subject_id": "math",
                "date": "2024-09-02",
                "value": "5",
                "lesson_id": "l1",
                "weight": 2,
            },
            {
                "external_id": "g2",
                "student_id": "s2",
                "subject_id": "math",
                "date": "2024-09-03",
                "value": "4-",
            },
            {
                "external_id": "3",
                "student_id": "s1",
                "subject_id": "math",
                "date": "2024-09-03",
                "value": "5",
                "weight": 1.5,
            },
            {"external_id": "g0", "deleted": True},
        ],
    }
    parsed = parse_document(read.document)
    assert parsed.problems == []
    lesson = parsed.sections["lessons"].upserts[0][1]
    assert (lesson.starts_at, lesson.moved_to.date, lesson.moved_to.number) == (
        dt.time(8, 30),
        dt.date(2024, 9, 4),
        3,
    )
    assert parsed.sections["guardians"].upserts[0][1].student_ids == ["s1", "s2"]
    grades = parsed.sections["grades"]
    assert [(grade.value, grade.weight) for _, grade in grades.upserts] == [
        ("5", 2), ("4-", 1), ("5", 1.5),
    ]  # fmt: skip
    assert [(index, item.external_id) for index, item in grades.deletions] == [(3, "g0")]


def test_a_bad_cell_is_located_by_sheet_row_and_column(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "bad.xlsx",
        {
            "grades": [
                GRADE_HEADER,
                ["g1", "s1", "math", dt.date(2024, 9, 2), 5],
                [],  # blank rows do not shift the numbers people see
                ["g2", "s1", "math", dt.date(2024, 9, 2), "7"],
            ]
        },
    )

    read = read_workbook(path)
    problems = parse_document(read.document).problems

    assert [problem.path for problem in problems] == ["/grades/1/value"]
    assert read.locate(problems[0].path) == 'sheet "grades", row 4, column "value"'


def test_blank_and_whitespace_rows_keep_excel_row_numbers(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "gaps.xlsx",
        {
            "Grades": [
                GRADE_HEADER,
                [],
                ["  ", None, ""],
                ["g1", "s1", "math", dt.date(2024, 9, 2), 5],
                [],
                [],
                ["g2", "s1", "math", dt.date(1990, 9, 2), 5],
            ]
        },
    )

    read = read_workbook(path)
    problems = parse_document(read.document).problems

    assert read.rows == {"grades": [4, 7]}
    assert [read.locate(problem.path) for problem in problems] == [
        'sheet "Grades", row 7, column "date"'
    ]


def test_locate_nested_fields_lists_sections_and_the_document() -> None:
    read = WorkbookDocument(
        document={"lessons": [{}] * 4, "guardians": [{}] * 3, "foo": []},
        sheets={"lessons": "lessons", "guardians": "Guardians", "foo": "foo"},
        rows={"lessons": [2, 3, 5, 9], "guardians": [2, 3, 4]},
    )

    assert (
        read.locate("/lessons/3/moved_to/date") == 'sheet "lessons", row 9, column "moved_to.date"'
    )
    assert read.locate("/guardians/2/student_ids/1") == (
        'sheet "Guardians", row 4, column "student_ids"'
    )
    assert read.locate("/lessons/1") == 'sheet "lessons", row 3'
    assert read.locate("/foo") == 'sheet "foo"'
    assert read.locate("") == "the workbook"


def test_deleted_words_and_curriculum_deletions(tmp_path: Path) -> None:
    curriculum = ["class_id", "subject_id", "teacher_id", "period_id", "planned_lessons"]
    path = make_workbook(
        tmp_path / "deleted.xlsx",
        {
            "curriculum": [
                [*curriculum, "deleted"],
                ["c1", "math", "t1", "q1", 34.0, "YES"],
                ["c1", "rus", "t1", "q1", 40, 0],
            ],
            "subjects": [["external_id", "name", "deleted"], ["x", "X", "maybe"], [5, None, 1]],
        },
    )

    read = read_workbook(path)

    assert read.document["curriculum"] == [
        {"class_id": "c1", "subject_id": "math", "teacher_id": "t1", "period_id": "q1",
         "planned_lessons": 34, "deleted": True},
        {"class_id": "c1", "subject_id": "rus", "teacher_id": "t1", "period_id": "q1",
         "planned_lessons": 40},
    ]  # fmt: skip
    assert read.document["subjects"] == [
        {"external_id": "x", "name": "X", "deleted": "maybe"},
        {"external_id": "5", "deleted": True},
    ]
    parsed = parse_document(read.document)
    assert [read.locate(problem.path) for problem in parsed.problems] == [
        'sheet "subjects", row 2, column "deleted"'
    ]
    assert len(parsed.sections["curriculum"].deletions) == 1


def test_unknown_sheets_are_reported_and_readme_and_empty_sheets_ignored(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "extra.xlsx",
        {
            "README": [["anything at all"]],
            "Sheet": [],
            "foo": [["a"], [1]],
            "subjects": [["external_id", "name", "note"], ["m", "Math", "kept"]],
        },
    )

    read = read_workbook(path)
    problems = parse_document(read.document).problems

    assert read.document == {
        "foo": [],
        "subjects": [{"external_id": "m", "name": "Math", "note": "kept"}],
    }
    assert [(read.locate(problem.path), problem.message.split(";")[0]) for problem in problems] == [
        ('sheet "foo"', "unknown section")
    ]


def test_duplicate_header_later_column_wins(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "dup.xlsx",
        {"subjects": [["external_id", "name", "Name "], ["m", "old", "new"], ["n", "only", None]]},
    )

    assert read_workbook(path).document == {
        "subjects": [{"external_id": "m", "name": "new"}, {"external_id": "n"}]
    }


def test_a_value_under_an_unnamed_column_is_refused(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "unnamed.xlsx", {"subjects": [["external_id", None, "name"], ["m", "x", "M"]]}
    )

    with pytest.raises(WorkbookError) as raised:
        read_workbook(path)

    assert str(raised.value) == 'sheet "subjects", cell B2 has a value but no column name'
