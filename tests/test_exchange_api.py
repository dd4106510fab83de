"""POST /api/v1/sync over HTTP: auth, validation, idempotency, deletion, isolation."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.app import build_web_app
from bot.schools.service import create_school
from db.database import Database
from db.models import (
    ChangeRecord,
    Grade,
    GuardianStudent,
    Lesson,
    School,
    Student,
    SyncRun,
)
from tests.conftest import services_for
from tests.doubles.clock import FakeClock
from tests.exchange_documents import small_school

SECRET = "x" * 40
Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def api(database: Database, clock: FakeClock) -> AsyncIterator[Client]:
    services = services_for(database, clock).with_settings(sync_max_bytes=200_000)
    client = TestClient(TestServer(build_web_app(replace(services, given_secret_key=SECRET))))
    await client.start_server()
    yield client
    await client.close()


SchoolFactory = Callable[[str], Awaitable[tuple[School, str]]]


@pytest.fixture
def new_school(database: Database, clock: FakeClock) -> SchoolFactory:
    async def make(name: str) -> tuple[School, str]:
        async with database.unit_of_work() as uow:
            return await create_school(
                uow, clock, SECRET, name=name, timezone="Europe/Moscow", actor="test"
            )

    return make


async def sync(client: Client, token: str, document: Any) -> tuple[int, Any]:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    response = await client.post(
        "/api/v1/sync",
        data=io.BytesIO(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    return response.status, await response.json()


async def count(database: Database, model: Any, **where: Any) -> int:
    async with database.unit_of_work() as uow:
        statement = select(func.count()).select_from(model)
        for name, value in where.items():
            statement = statement.where(getattr(model, name) == value)
        return int((await uow.session.execute(statement)).scalar_one())


async def snapshot(database: Database) -> dict[str, int]:
    models = (Grade, Lesson, Student, GuardianStudent, ChangeRecord, SyncRun)
    return {model.__name__: await count(database, model) for model in models}


async def test_a_whole_school_is_created_with_references_inside_the_document(
    api: Client, new_school: SchoolFactory, database: Database
) -> None:
    school, token = await new_school("Школа № 1")
    status, answer = await sync(api, token, small_school())
    assert status == 200, answer
    assert answer["counts"]["grades"] == {"created": 2, "updated": 0, "deleted": 0, "unchanged": 0}
    assert answer["counts"]["students"]["created"] == 2
    assert answer["counts"]["curriculum"]["created"] == 1
    assert await count(database, Grade, school_id=school.id) == 2
    assert await count(database, GuardianStudent) == 1
    async with database.unit_of_work() as uow:
        grade = (
            await uow.session.execute(select(Grade).where(Grade.external_id == "gr2"))
        ).scalar_one()
    assert (grade.value, grade.score, grade.weight) == ("4-", 4.0, 2.0)
    # New grades, new homework and a new recommendation are news for families.
    assert answer["changes"] == 4


async def test_resending_the_same_document_changes_nothing(
    api: Client, new_school: SchoolFactory, database: Database
) -> None:
    _, token = await new_school("Школа № 1")
    await sync(api, token, small_school())
    before = await snapshot(database)
    status, answer = await sync(api, token, small_school())
    assert status == 200
    assert all(c["created"] == c["updated"] == c["deleted"] == 0 for c in answer["counts"].values())
    assert answer["changes"] == 0
    after = await snapshot(database)
    assert after == {**before, "SyncRun": before["SyncRun"] + 1}


async def test_changes_are_recorded_for_families(
    api: Client, new_school: SchoolFactory, database: Database
) -> None:
    _, token = await new_school("Школа № 1")
    await sync(api, token, small_school())
    status, answer = await sync(
        api,
        token,
        {
            "grades": [{"external_id": "gr1", "student_id": "s1", "subject_id": "math",
                        "date": "2026-09-01", "value": "4"}],
            "lessons": [{"external_id": "l2", "class_id": "5a", "subject_id": "rus",
                         "teacher_id": "t2", "date": "2026-09-01", "number": 2,
                         "status": "substituted", "substitute_teacher_id": "t1"}],
        },
    )  # fmt: skip
    assert status == 200, answer
    assert answer["counts"]["grades"]["updated"] == 1
    assert answer["changes"] == 2
    async with database.unit_of_work() as uow:
        newest = select(ChangeRecord).order_by(ChangeRecord.id.desc()).limit(2)
        records = (await uow.session.execute(newest)).scalars().all()
    grade, lesson = records  # newest first; lessons are applied before grades
    assert (lesson.entity, lesson.action) == ("lesson", "updated")
    assert lesson.details["after"]["status"] == "substituted"
    assert lesson.details["before"]["status"] == "scheduled"
    assert (grade.entity, grade.action) == ("grade", "updated")
    assert grade.details["before"]["value"] == "5"
    assert grade.details["after"]["value"] == "4"


async def test_deleted_items_are_removed_and_announced(
    api: Client, new_school: SchoolFactory, database: Database
) -> None:
    school, token = await new_school("Школа № 1")
    await sync(api, token, small_school())
    status, answer = await sync(
        api, token, {"grades": [{"external_id": "gr1", "deleted": True},
                                {"external_id": "never-was", "deleted": True}]}
    )  # fmt: skip
    assert status == 200, answer
    assert answer["counts"]["grades"] == {"created": 0, "updated": 0, "deleted": 1, "unchanged": 1}
    assert await count(database, Grade, school_id=school.id) == 1
    assert await count(database, ChangeRecord, entity="grade", action="deleted") == 1


@pytest.mark.parametrize(
    ("headers", "reason"),
    [({}, "Bearer"), ({"Authorization": "Bearer edb_wrong"}, "unknown API token"),
     ({"Authorization": "Basic dXNlcjpwYXNz"}, "Bearer")],
)  # fmt: skip
async def test_missing_or_wrong_token_is_401_and_writes_nothing(
    api: Client, new_school: SchoolFactory, database: Database, headers: dict[str, str],
    reason: str,
) -> None:  # fmt: skip
    await new_school("Школа № 1")
    before = await snapshot(database)
    response = await api.post("/api/v1/sync", json=small_school(), headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert reason in (await response.json())["error"]
    assert await snapshot(database) == before


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b'{"grades": [NaN]}', b"[" * 100_000])
async def test_malformed_json_is_400_and_writes_nothing(
    api: Client, new_school: SchoolFactory, database: Database, body: bytes
) -> None:
    _, token = await new_school("Школа № 1")
    before = await snapshot(database)
    status, answer = await sync(api, token, body)
    assert status == 400
    assert "JSON" in answer["error"] or "UTF-8" in answer["error"]
    assert await snapshot(database) == before


async def test_over_the_size_limit_is_413_and_writes_nothing(
    api: Client, new_school: SchoolFactory, database: Database
) -> None:
    _, token = await new_school("Школа № 1")
    document = small_school()
    document["homework"][0]["text"] = "x" * 9000
    document["holidays"] = [
        {"external_id": f"h{i}", "name": "Каникулы " * 20, "starts_on": "2026-12-29",
         "ends_on": "2027-01-08"} for i in range(1000)
    ]  # fmt: skip
    before = await snapshot(database)
    status, answer = await sync(api, token, document)
    assert status == 413
    assert "larger than 200000 bytes" in answer["error"]
    assert await snapshot(database) == before


async def test_invalid_items_are_422_with_paths_and_nothing_is_written(
    api: Client, new_school: SchoolFactory, database: Database
) -> None:
    _, token = await new_school("Школа № 1")
    document = small_school()
    document["grades"][1]["value"] = "7"
    document["grades"].append({"external_id": "gr3", "student_id": "s99", "subject_id": "math",
                               "date": "2026-09-01", "value": "5"})  # fmt: skip
    document["lessons"][0]["status"] = "substituted"
    document["lessons"][1]["date"] = "2026-02-30"
    document["gradez"] = []
    before = await snapshot(database)
    status, answer = await sync(api, token, document)
    assert status == 422
    problems = {error["path"]: error["message"] for error in answer["errors"]}
    assert set(problems) == {"/grades/1/value", "/lessons/0", "/lessons/1/date", "/gradez"}
    assert "not a mark" in problems["/grades/1/value"]
    assert "substitute_teacher_id" in problems["/lessons/0"]
    assert answer["total"] == 4
    assert await snapshot(database) == before
    # With the item errors fixed, the unresolved reference is what remains.
    document = small_school()
    document["grades"].append({"external_id": "gr3", "student_id": "s99", "subject_id": "math",
                               "date": "2026-09-01", "value": "5"})  # fmt: skip
    status, answer = await sync(api, token, document)
    assert status == 422
    assert answer["errors"] == [
        {"path": "/grades/2/student_id",
         "message": "no students item with external_id 's99' in this document or stored for "
                    "this school"}
    ]  # fmt: skip
    assert await snapshot(database) == before


async def test_items_of_one_school_never_touch_another(
    api: Client, new_school: SchoolFactory, database: Database
) -> None:
    first, first_token = await new_school("Школа № 1")
    second, second_token = await new_school("Школа № 2")
    await sync(api, first_token, small_school())
    # The second school cannot reference the first school's students ...
    status, answer = await sync(
        api, second_token, {"grades": [{"external_id": "x", "student_id": "s1",
                                        "subject_id": "math", "date": "2026-09-01", "value": "2"}]}
    )  # fmt: skip
    assert status == 422
    assert answer["errors"][0]["path"] == "/grades/0/student_id"
    # ... nor delete them, whatever ids it sends ...
    status, answer = await sync(
        api, second_token, {"students": [{"external_id": "s1", "deleted": True}]}
    )
    assert status == 200
    assert answer["counts"]["students"] == {
        "created": 0,
        "updated": 0,
        "deleted": 0,
        "unchanged": 1,
    }
    # ... and the same external ids make separate items of its own.
    status, answer = await sync(api, second_token, small_school())
    assert status == 200
    assert answer["counts"]["grades"]["created"] == 2
    assert await count(database, Grade, school_id=first.id) == 2
    assert await count(database, Grade, school_id=second.id) == 2
    assert await count(database, Student, school_id=first.id) == 2


async def test_deleting_a_teacher_still_teaching_is_refused(
    api: Client, new_school: SchoolFactory, database: Database
) -> None:
    _, token = await new_school("Школа № 1")
    await sync(api, token, small_school())
    before = await snapshot(database)
    status, answer = await sync(api, token, {"teachers": [{"external_id": "t2", "deleted": True}]})
    assert status == 422
    assert answer["errors"][0]["path"] == "/teachers/0"
    assert "lessons still refer to it" in answer["errors"][0]["message"]
    assert await snapshot(database) == before
    # Deleting the lesson in the same document makes it possible.
    status, answer = await sync(
        api, token, {"teachers": [{"external_id": "t2", "deleted": True}],
                     "lessons": [{"external_id": "l2", "deleted": True}]}
    )  # fmt: skip
    assert status == 200, answer
    assert answer["counts"]["teachers"]["deleted"] == 1


async def test_a_guardians_children_follow_the_journal(
    api: Client, new_school: SchoolFactory, database: Database
) -> None:
    _, token = await new_school("Школа № 1")
    await sync(api, token, small_school())
    guardian = small_school()["guardians"][0]
    guardian["student_ids"] = ["s1", "s2"]
    status, answer = await sync(api, token, {"guardians": [guardian]})
    assert status == 200
    assert answer["counts"]["guardians"] == {
        "created": 0,
        "updated": 1,
        "deleted": 0,
        "unchanged": 0,
    }
    assert await count(database, GuardianStudent) == 2


async def test_referring_to_an_item_deleted_in_the_same_document_is_refused(
    api: Client, new_school: SchoolFactory
) -> None:
    _, token = await new_school("Школа № 1")
    await sync(api, token, small_school())
    status, answer = await sync(
        api, token,
        {"students": [{"external_id": "s1", "deleted": True}],
         "grades": [{"external_id": "gr9", "student_id": "s1", "subject_id": "math",
                     "date": "2026-09-01", "value": "3"}]},
    )  # fmt: skip
    assert status == 422
    assert answer["errors"][0]["path"] == "/grades/0/student_id"
    assert "this document deletes" in answer["errors"][0]["message"]


async def test_openapi_document_is_served(api: Client) -> None:
    response = await api.get("/api/v1/openapi.json")
    assert response.status == 200
    spec = await response.json()
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]["/api/v1/sync"]["post"]["responses"]) == {
        "200",
        "400",
        "401",
        "413",
        "422",
    }
    assert "GradeItem" in spec["components"]["schemas"]
    assert "value" in spec["components"]["schemas"]["GradeItem"]["properties"]
