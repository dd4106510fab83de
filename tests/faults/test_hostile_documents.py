"""Hostile sync documents, on both databases: text PostgreSQL cannot store (NUL, lone
surrogates) and deletions that would silently take other synced items with them. Either is
refused as a whole with the item's JSON pointer, and nothing is written."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.app import build_web_app
from bot.exchange.document import SECTIONS, MovedTo
from bot.exchange.sections import DEPENDENTS
from bot.exchange.service import sync_document
from bot.exchange.sync import SyncResult
from bot.exchange.validation import DocumentInvalid, Problem, pointer
from bot.schools.service import create_school
from db.base import Base
from db.database import Database
from db.models import ChangeRecord, Grade, Lesson, School
from tests.conftest import SECRET_KEY, ClientFactory, services_for
from tests.doubles.clock import FakeClock
from tests.exchange_documents import TODAY, small_school

Path = tuple[object, ...]
# Fields whose values are not free text: a NUL there is refused as a bad date, time or choice.
NOT_TEXT = {
    "starts_on", "ends_on", "birth_date", "date", "starts_at", "ends_at", "assigned_on",
    "due_on", "deferred_until", "level", "relation", "status",
}  # fmt: skip
CHOICES = {("periods", "kind"), ("lessons", "kind")}
# The small school's one curriculum row, as a deletion.
CURRICULUM = {"class_id": "5a", "subject_id": "math", "teacher_id": "t1", "period_id": "q1",
              "planned_lessons": 45, "deleted": True}  # fmt: skip


def every_field_school() -> dict[str, Any]:
    """The small school with every field of every section set somewhere."""
    document = small_school()
    document["guardians"][0]["email"] = "ivanova@example.org"
    document["lessons"] += [
        {"external_id": "l3", "class_id": "5a", "subject_id": "rus", "teacher_id": "t2",
         "date": TODAY, "number": 3, "kind": "test", "status": "substituted",
         "substitute_teacher_id": "t1"},
        {"external_id": "l4", "class_id": "5a", "subject_id": "math", "teacher_id": "t1",
         "date": TODAY, "number": 4, "status": "moved",
         "moved_to": {"date": "2026-09-03", "number": 2}},
    ]  # fmt: skip
    document["grades"][1]["comment"] = "Отвечал у доски"
    document["final_grades"] = [
        {"external_id": "fg1", "student_id": "s1", "subject_id": "math", "period_id": "q1",
         "value": "5", "status": "final"},
        {"external_id": "fg2", "student_id": "s2", "subject_id": "math", "period_id": "q1",
         "status": "deferred", "deferred_until": "2026-11-10", "reason": "болезнь"},
    ]  # fmt: skip
    return document


def with_deletions(document: dict[str, Any]) -> dict[str, Any]:
    """Plus an item to delete in every section: its external ids are text too."""
    for section in SECTIONS:
        gone = {"external_id": f"gone-{section}", "deleted": True}
        document[section].append(
            {**CURRICULUM, "teacher_id": "t2"} if section == "curriculum" else gone
        )
    return document


def text_values(document: dict[str, Any], section: str) -> Iterator[tuple[Path, str]]:
    """Every string in a section, with its path (into lists and nested objects too)."""
    for index, item in enumerate(document[section]):
        for name, value in item.items():
            if isinstance(value, str):
                yield (section, index, name), value
            elif isinstance(value, list):
                for position, entry in enumerate(value):
                    yield (section, index, name, position), entry
            elif isinstance(value, dict):
                for key, entry in value.items():
                    if isinstance(entry, str):
                        yield (section, index, name, key), entry


def poisoned(document: dict[str, Any], path: Path, value: str) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(document))
    container: Any = copy
    for part in path[:-1]:
        container = container[part]
    container[path[-1]] = value
    return copy


async def new_school(database: Database, clock: FakeClock) -> tuple[School, str]:
    async with database.unit_of_work() as uow:
        return await create_school(
            uow, clock, SECRET_KEY, name="Школа № 1", timezone="Europe/Moscow", actor="test"
        )


async def sync(database: Database, clock: FakeClock, school: School, document: Any) -> SyncResult:
    async with database.unit_of_work() as uow:
        return await sync_document(
            uow, clock, school, document, source="test", document_sha256="-", actor="test"
        )


async def problems_of(
    database: Database, clock: FakeClock, school: School, document: Any
) -> list[Problem] | None:
    """The problems a refused document was answered with; None when it was applied."""
    try:
        await sync(database, clock, school, document)
    except DocumentInvalid as refusal:
        return refusal.problems
    return None


async def snapshot(database: Database) -> dict[str, int]:
    """Rows in every table."""
    counts: dict[str, int] = {}
    async with database.unit_of_work() as uow:
        for table in Base.metadata.sorted_tables:
            statement = select(func.count()).select_from(table)
            counts[table.name] = (await uow.session.execute(statement)).scalar_one()
    return counts


def is_text(path: Path) -> bool:
    field = path[-1] if isinstance(path[-1], str) else path[-2]
    return field not in NOT_TEXT and (path[0], field) not in CHOICES


async def misread_fields(
    database: Database, clock: FakeClock, school: School, sections: list[str],
    hostile: str, says: str,
) -> list[tuple[str, list[Problem] | None]]:  # fmt: skip
    """Every text value of the sections, one at a time with ``hostile`` inside: those not
    refused with exactly their own path (and, for free text, a message saying ``says``)."""
    document = with_deletions(every_field_school())
    wrong = []
    for section in sections:
        for path, value in text_values(document, section):
            changed = poisoned(document, path, value[:1] + hostile + value[1:])
            problems = await problems_of(database, clock, school, changed)
            expected = pointer(*path)
            if (
                problems is None
                or [problem.path for problem in problems] != [expected]
                or (is_text(path) and says not in problems[0].message)
            ):
                wrong.append((expected, problems))
    return wrong


@pytest.mark.parametrize("section", list(SECTIONS))
async def test_a_nul_in_any_text_field_is_refused_with_its_path(
    database: Database, clock: FakeClock, section: str
) -> None:
    school, _ = await new_school(database, clock)
    before = await snapshot(database)
    assert await misread_fields(database, clock, school, [section], "\x00", "NUL") == []
    assert await snapshot(database) == before
    # Without the NUL the same document is fine: it was refused for the NUL alone.
    result = await sync(database, clock, school, with_deletions(every_field_school()))
    assert result.counts[section].created >= 1


async def test_a_lone_surrogate_in_any_text_field_is_refused_with_its_path(
    database: Database, clock: FakeClock
) -> None:
    school, _ = await new_school(database, clock)
    before = await snapshot(database)
    surrogate = "\ud800"  # half of a UTF-16 pair: no UTF-8 encoding exists for it
    assert await misread_fields(database, clock, school, list(SECTIONS), surrogate, "Unicode") == []
    assert await snapshot(database) == before


def test_the_document_sets_every_field_of_every_section() -> None:
    """Guards the tests above: a field the document never sets would go unchecked."""
    document = with_deletions(every_field_school())
    for section, model in SECTIONS.items():
        assert {name for item in document[section] for name in item} == set(model.model_fields)
    moved_to = [item["moved_to"] for item in document["lessons"] if "moved_to" in item]
    assert {name for item in moved_to for name in item} == set(MovedTo.model_fields)


async def test_the_api_answers_a_nul_with_422_and_its_path(
    database: Database, clock: FakeClock, client_for: ClientFactory
) -> None:
    _, token = await new_school(database, clock)
    client = await client_for(build_web_app(services_for(database, clock)))
    document = every_field_school()
    document["grades"][1]["comment"] = "Отвечал\x00 у доски"
    before = await snapshot(database)

    async def post(body: bytes) -> tuple[int, Any]:
        response = await client.post(
            "/api/v1/sync", data=io.BytesIO(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )  # fmt: skip
        return response.status, await response.json()

    # json.dumps escapes it as \u0000, as a journal's JSON library would.
    status, answer = await post(json.dumps(document).encode())
    assert status == 422
    assert [error["path"] for error in answer["errors"]] == ["/grades/1/comment"]
    assert "NUL" in answer["errors"][0]["message"]
    # A lone surrogate, in an item or even in a section's name, is answered too (the answer
    # itself must still be UTF-8).
    status, answer = await post(b'{"subjects": [{"external_id": "m\\ud800", "name": "x"}]}')
    assert (status, answer["errors"][0]["path"]) == (422, "/subjects/0/external_id")
    status, answer = await post(b'{"sub\\udfffjects": []}')
    assert (status, answer["errors"][0]["path"]) == (422, "/sub\\udfffjects")
    assert await snapshot(database) == before


# The item to delete → what it still has in every_field_school(), and what to delete with it.
CASES: dict[str, tuple[tuple[str, str], str, dict[str, list[str]]]] = {
    "period": (("periods", "q1"), "2 final grades, 1 curriculum row",
               {"final_grades": ["fg1", "fg2"], "curriculum": []}),
    "subject": (("subjects", "math"),
                "2 lessons, 2 grades, 2 final grades, 1 curriculum row, 1 homework, 1 assessment",
                {"lessons": ["l1", "l4"], "grades": ["gr1", "gr2"], "final_grades": ["fg1", "fg2"],
                 "curriculum": [], "homework": ["hw1"], "assessments": ["a1"]}),
    "teacher": (("teachers", "t1"), "2 lessons, 1 curriculum row, 1 recommendation",
                {"lessons": ["l1", "l4"], "curriculum": [], "recommendations": ["r1"]}),
    "class": (("classes", "5a"),
              "4 lessons, 2 students, 1 curriculum row, 1 homework, 1 assessment",
              {"students": ["s1", "s2"], "lessons": ["l1", "l2", "l3", "l4"], "curriculum": [],
               "homework": ["hw1"], "assessments": ["a1"], "grades": ["gr1", "gr2"],
               "recommendations": ["r1"], "final_grades": ["fg1", "fg2"]}),
    "student": (("students", "s2"), "1 grade, 1 recommendation, 1 final grade",
                {"grades": ["gr2"], "recommendations": ["r1"], "final_grades": ["fg2"]}),
}  # fmt: skip
# Deletions families hear about (lessons: of today or later, as all of these are).
RECORDED = {"grades": "grade", "lessons": "lesson", "final_grades": "final_grade"}


def deleting(items: dict[str, list[str]]) -> dict[str, list[dict[str, Any]]]:
    return {
        section: [CURRICULUM] if section == "curriculum"
        else [{"external_id": external_id, "deleted": True} for external_id in external_ids]
        for section, external_ids in items.items()
    }  # fmt: skip


async def loaded_school(database: Database, clock: FakeClock) -> School:
    school, _ = await new_school(database, clock)
    await sync(database, clock, school, every_field_school())
    return school


@pytest.mark.parametrize("case", list(CASES))
async def test_deleting_an_item_that_still_has_dependents_is_refused(
    database: Database, clock: FakeClock, case: str
) -> None:
    school = await loaded_school(database, clock)
    (section, external_id), still_has, _ = CASES[case]
    before = await snapshot(database)
    # Other work in the same document is refused with it: nothing at all is written.
    document = deleting({section: [external_id]})
    document["holidays"] = [{"external_id": "h2", "name": "Зимние каникулы",
                             "starts_on": "2026-12-29", "ends_on": "2027-01-08"}]  # fmt: skip
    problems = await problems_of(database, clock, school, document) or []
    assert [problem.path for problem in problems] == [f"/{section}/0"]
    assert problems[0].message.startswith(f"cannot delete: it still has {still_has};")
    assert await snapshot(database) == before


@pytest.mark.parametrize("case", list(CASES))
async def test_deleting_an_item_together_with_its_dependents_is_applied_and_recorded(
    database: Database, clock: FakeClock, case: str
) -> None:
    school = await loaded_school(database, clock)
    (section, external_id), _, dependents = CASES[case]
    result = await sync(database, clock, school, deleting({section: [external_id], **dependents}))
    assert result.counts[section].deleted == 1
    for name, external_ids in dependents.items():
        assert result.counts[name].deleted == max(len(external_ids), 1), name
    async with database.unit_of_work() as uow:
        records = await uow.session.execute(
            select(ChangeRecord.entity, ChangeRecord.external_id).where(
                ChangeRecord.sync_run_id == result.sync_run_id, ChangeRecord.action == "deleted"
            )
        )
        recorded = {(entity, external_id) for entity, external_id in records.all()}
    expected = {
        (RECORDED[name], external_id)
        for name, external_ids in dependents.items() if name in RECORDED
        for external_id in external_ids
    }  # fmt: skip
    assert recorded == expected
    assert result.changes == len(expected)


async def test_only_the_dependents_the_document_leaves_behind_are_named(
    database: Database, clock: FakeClock
) -> None:
    school = await loaded_school(database, clock)
    before = await snapshot(database)
    document = deleting({"grades": ["gr1", "gr2"], "subjects": ["math"], "homework": ["hw1"]})
    problems = await problems_of(database, clock, school, document) or []
    assert [(problem.path, problem.message) for problem in problems] == [
        ("/subjects/0",
         "cannot delete: it still has 2 lessons, 2 final grades, 1 curriculum row, "
         "1 assessment; delete or re-point them first, or in the same document "
         "(lessons, final_grades, curriculum, assessments still refer to it)"),
    ]  # fmt: skip
    assert await snapshot(database) == before


async def test_dependents_the_document_points_elsewhere_do_not_block(
    database: Database, clock: FakeClock
) -> None:
    school = await loaded_school(database, clock)
    lessons = [lesson for lesson in every_field_school()["lessons"] if lesson["teacher_id"] == "t2"]
    for lesson in lessons:
        lesson["teacher_id"] = "t1"
    document = {"teachers": [{"external_id": "t2", "deleted": True}], "lessons": lessons}
    result = await sync(database, clock, school, document)
    assert (result.counts["teachers"].deleted, result.counts["lessons"].updated) == (1, 2)


async def test_every_deletion_is_named_and_checked_at_once(
    database: Database, clock: FakeClock
) -> None:
    school = await loaded_school(database, clock)
    document = deleting({"students": ["s1", "nobody", "s2"]})
    problems = await problems_of(database, clock, school, document) or []
    assert [(problem.path, problem.message.split(";")[0]) for problem in problems] == [
        ("/students/0", "cannot delete: it still has 1 grade, 1 final grade"),
        ("/students/2", "cannot delete: it still has 1 grade, 1 recommendation, 1 final grade"),
    ]


async def test_deleting_a_lesson_keeps_its_grades(database: Database, clock: FakeClock) -> None:
    """A grade outlives its lesson (it only loses the link): not a dependent."""
    school = await loaded_school(database, clock)
    result = await sync(database, clock, school, deleting({"lessons": ["l1"]}))
    assert result.counts["lessons"].deleted == 1
    async with database.unit_of_work() as uow:
        grades = await uow.session.execute(select(Grade.external_id, Grade.lesson_id))
        lessons = await uow.session.scalar(select(func.count()).select_from(Lesson))
    assert ({tuple(row) for row in grades.all()}, lessons) == ({("gr1", None), ("gr2", None)}, 3)


def test_the_dependents_of_each_section() -> None:
    """The rule, from the foreign keys: who would lose items to a deletion."""
    assert {
        section: sorted({dependent.section for dependent in dependents})
        for section, dependents in DEPENDENTS.items()
    } == {
        "periods": ["curriculum", "final_grades"],
        "subjects": ["assessments", "curriculum", "final_grades", "grades", "homework", "lessons"],
        "teachers": ["curriculum", "lessons", "recommendations"],
        "classes": ["assessments", "curriculum", "homework", "lessons", "students"],
        "students": ["final_grades", "grades", "recommendations"],
    }


async def test_the_check_is_set_based(database: Database, clock: FakeClock) -> None:
    """As many statements for sixty deletions as for two: never a query per item."""
    school = await loaded_school(database, clock)
    await sync(database, clock, school, {
        "students": [{"external_id": f"x{n}", "full_name": f"Ученик {n}", "class_id": "5a"}
                     for n in range(60)],
        "grades": [{"external_id": f"xg{n}", "student_id": f"x{n}", "subject_id": "math",
                    "date": TODAY, "value": "5"} for n in range(60)],
    })  # fmt: skip
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    async def statements_for(document: dict[str, Any]) -> int:
        statements.clear()
        event.listen(database.engine.sync_engine, "before_cursor_execute", seen)
        problems = await problems_of(database, clock, school, document) or []
        event.remove(database.engine.sync_engine, "before_cursor_execute", seen)
        assert len(problems) == len(document["students"])
        return len(statements)

    two = await statements_for(deleting({"students": ["x0", "x1"]}))
    assert await statements_for(deleting({"students": [f"x{n}" for n in range(60)]})) == two
