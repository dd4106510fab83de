"""Sync documents read as a stream: chunks of any size, problems deep in large documents,
truncated bodies, sections in any order; the answers are those of a document read whole."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import build_web_app
from bot.exchange.reading import DocumentReader, MalformedDocument, SurrogateWatch
from bot.exchange.service import checked
from bot.exchange.validation import BATCH, MAX_REPORTED_PROBLEMS, DocumentInvalid, parse_document
from bot.schools.service import create_school
from db.database import Database
from db.models import ChangeRecord, Grade, Student, SyncRun
from tests.conftest import SECRET_KEY, ClientFactory, services_for
from tests.doubles.clock import FakeClock
from tests.exchange_documents import TODAY, small_school

# Several batches of validation and of the sync.
GRADES = 2 * BATCH + 345


def large_school() -> dict[str, Any]:
    document = small_school()
    document["grades"] = [
        {"external_id": f"g{i}", "student_id": f"s{1 + i % 2}", "subject_id": "math",
         "date": TODAY, "value": "54"[i % 2], "weight": 1 + i % 3}
        for i in range(GRADES)
    ]  # fmt: skip
    return document


def read_in_chunks(body: bytes, size: int) -> Any:
    reader = DocumentReader()
    for start in range(0, len(body), size):
        reader.feed(body[start : start + size])
    return reader.finish()


async def snapshot(database: Database) -> dict[str, int]:
    async with database.unit_of_work() as uow:
        return {
            model.__name__: int(
                (await uow.session.execute(select(func.count()).select_from(model))).scalar_one()
            )
            for model in (Grade, Student, ChangeRecord, SyncRun)
        }


@pytest.fixture
async def post(database: Database, clock: FakeClock, client_for: ClientFactory) -> Any:
    async with database.unit_of_work() as uow:
        _, token = await create_school(
            uow, clock, SECRET_KEY, name="Школа", timezone="Europe/Moscow", actor="test"
        )
    client = await client_for(build_web_app(services_for(database, clock)))

    async def send(body: bytes, chunk: int = 64 * 1024) -> tuple[int, Any]:
        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), chunk):
                yield body[start : start + chunk]

        response = await client.post(
            "/api/v1/sync", data=chunks(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )  # fmt: skip
        return response.status, await response.json()

    return send


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_any_chunking_reads_the_same_items(size: int) -> None:
    document = small_school()
    document["homework"][0]["text"] = "Эмодзи \ud83d\ude00 в задании"  # a pair, escaped
    body = json.dumps(document).encode()  # ensure_ascii: every Cyrillic letter is an escape
    parsed, sha256 = read_in_chunks(body, size)
    whole = parse_document(json.loads(body))
    assert parsed.problems == []
    assert {name: s.upserts for name, s in parsed.sections.items()} == {
        name: s.upserts for name, s in whole.sections.items()
    }
    assert parsed.sections["homework"].upserts[0][1].text == "Эмодзи 😀 в задании"
    parsed.store.close()
    at_once, same = read_in_chunks(body, len(body))
    at_once.store.close()
    assert sha256 == same


@pytest.mark.parametrize("size", [1, 5, 4096])
def test_a_lone_surrogate_split_across_chunks_is_still_refused_with_its_path(size: int) -> None:
    body = b'{"subjects": [{"external_id": "m", "name": "x"}, '
    body += b'{"external_id": "n\\udc00", "name": "y"}]}'
    with pytest.raises(DocumentInvalid) as refused:
        checked(*read_in_chunks(body, size))
    assert [p.path for p in refused.value.problems] == ["/subjects/1/external_id"]
    assert "Unicode" in refused.value.problems[0].message


def test_the_surrogate_watch_judges_pairs_across_chunks() -> None:
    for text, lone in ((rb'"\ud83d\ude00"', False), (rb'"\ud83d x"', True), (rb'"\ude00"', True)):
        for size in (1, 3, 6, 13):
            watch = SurrogateWatch()
            for start in range(0, len(text), size):
                watch.feed(text[start : start + size])
            watch.feed(b"", final=True)
            assert watch.found is lone, (text, size)


async def test_a_document_streamed_in_small_chunks_is_applied(
    post: Any, database: Database
) -> None:
    body = json.dumps(large_school(), ensure_ascii=False).encode()
    status, answer = await post(body, chunk=997)
    assert status == 200, answer
    assert answer["counts"]["grades"] == {
        "created": GRADES, "updated": 0, "deleted": 0, "unchanged": 0,
    }  # fmt: skip
    assert (await snapshot(database))["Grade"] == GRADES
    status, answer = await post(body, chunk=65_536)
    assert answer["counts"]["grades"]["unchanged"] == GRADES
    assert answer["changes"] == 0


async def test_sections_in_any_order_are_applied_referenced_first(
    post: Any, database: Database
) -> None:
    document = small_school()
    reversed_document = {name: document[name] for name in reversed(document)}
    status, answer = await post(json.dumps(reversed_document).encode(), chunk=64)
    assert status == 200, answer
    assert list(answer["counts"]) == list(document)  # the answer lists them in sync order
    assert (await snapshot(database))["Student"] == 2


async def test_an_invalid_grade_deep_in_a_large_document_is_422_and_nothing_is_applied(
    post: Any, database: Database
) -> None:
    document = large_school()
    deep = GRADES - 7
    document["grades"][deep]["value"] = "6"
    before = await snapshot(database)
    status, answer = await post(json.dumps(document).encode(), chunk=1000)
    assert status == 422
    assert answer["errors"] == [
        {"path": f"/grades/{deep}/value",
         "message": "'6' is not a mark; use 1-5 with an optional + or -, 'зачёт' or 'незачёт'"}
    ]  # fmt: skip
    assert await snapshot(database) == before


async def test_an_unknown_reference_deep_in_a_large_document_is_422_and_nothing_is_applied(
    post: Any, database: Database
) -> None:
    document = large_school()
    document["grades"][BATCH + 10]["student_id"] = "s404"
    document["grades"][GRADES - 1]["student_id"] = "s404"
    before = await snapshot(database)
    status, answer = await post(json.dumps(document).encode())
    assert status == 422
    assert [error["path"] for error in answer["errors"]] == [
        f"/grades/{BATCH + 10}/student_id", f"/grades/{GRADES - 1}/student_id",
    ]  # fmt: skip
    assert "no students item with external_id 's404'" in answer["errors"][0]["message"]
    assert await snapshot(database) == before


async def test_many_bad_rows_are_counted_all_and_listed_up_to_the_cap(
    post: Any, database: Database
) -> None:
    document = large_school()
    for grade in document["grades"]:
        grade["date"] = "2026-02-30"
    status, answer = await post(json.dumps(document).encode())
    assert status == 422
    assert answer["total"] == GRADES
    assert len(answer["errors"]) == MAX_REPORTED_PROBLEMS
    assert answer["errors"][0]["path"] == "/grades/0/date"
    assert (await snapshot(database))["Grade"] == 0


@pytest.mark.parametrize("cut", [0.5, 0.999])
async def test_a_truncated_document_is_400_and_nothing_is_applied(
    post: Any, database: Database, cut: float
) -> None:
    body = json.dumps(large_school()).encode()
    before = await snapshot(database)
    status, answer = await post(body[: int(len(body) * cut)], chunk=4096)
    assert status == 400
    assert "malformed JSON" in answer["error"]
    assert await snapshot(database) == before


async def test_malformed_json_after_invalid_items_is_still_400(post: Any) -> None:
    body = json.dumps({"grades": [{"external_id": "x", "value": "6"}]}).encode() + b" trailing"
    status, answer = await post(body, chunk=3)
    assert status == 400
    assert "malformed JSON" in answer["error"]


async def test_a_section_sent_twice_is_refused_rather_than_half_lost(
    post: Any, database: Database
) -> None:
    body = b'{"subjects": [{"external_id": "a", "name": "A"}], "subjects": []}'
    status, answer = await post(body)
    assert status == 422
    assert answer["errors"] == [
        {"path": "/subjects", "message": "this section appears twice in the document"}
    ]
    assert (await snapshot(database))["SyncRun"] == 0


def test_nesting_beyond_any_document_is_malformed() -> None:
    body = b'{"grades": [{"x": ' + b"[" * 5000 + b"]" * 5000 + b"}]}"
    with pytest.raises(MalformedDocument, match="nested too deeply"):
        read_in_chunks(body, 4096)
