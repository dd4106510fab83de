"""Hypothesis-driven fuzzing of the live exchange API: whatever arrives, never a 500."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import build_web_app
from bot.exchange.document import SECTIONS
from bot.schools.service import create_school
from db.database import Database
from tests.conftest import services_for
from tests.doubles.clock import FakeClock
from tests.exchange_documents import small_school

SECRET = "f" * 40
EXPECTED = {200, 400, 413, 422}
Client = TestClient[web.Request, web.Application]

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", "2026-02-30", "25:99", "<b>x</b>", "5+", "зачёт", "s1", "t1", "q1"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict[str, Any]:
    """The small school with a few fields removed, replaced by junk, or items duplicated."""
    document = small_school()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        section = draw(st.sampled_from([name for name in document if document[name]]))
        items = document[section]
        item = items[draw(st.integers(min_value=0, max_value=len(items) - 1))]
        field = draw(st.sampled_from([*item, "deleted", "extra"]))
        action = draw(st.sampled_from(["drop", "junk", "duplicate", "delete"]))
        if action == "drop":
            item.pop(field, None)
        elif action == "junk":
            item[field] = draw(json_values)
        elif action == "duplicate":
            items.append(dict(item))
        else:
            item["deleted"] = True
    return document


@pytest.fixture
async def live(database: Database, clock: FakeClock) -> AsyncIterator[tuple[Client, str]]:
    async with database.unit_of_work() as uow:
        _, token = await create_school(
            uow, clock, SECRET, name="Fuzz", timezone="Europe/Moscow", actor="test"
        )
    services = services_for(database, clock).with_settings(sync_max_bytes=100_000)
    client = TestClient(TestServer(build_web_app(replace(services, given_secret_key=SECRET))))
    await client.start_server()
    yield client, token
    await client.close()


async def post(client: Client, token: str, body: bytes) -> tuple[int, Any]:
    response = await client.post(
        "/api/v1/sync", data=io.BytesIO(body), headers={"Authorization": f"Bearer {token}"}
    )
    return response.status, await response.json()


def check_answer(status: int, answer: Any) -> None:
    assert status in EXPECTED, answer
    if status == 200:
        assert set(answer) == {"sync_id", "counts", "changes"}
    elif status == 422:
        assert answer["errors"], answer
        assert all(problem["path"] == "" or problem["path"].startswith("/")
                   for problem in answer["errors"])  # fmt: skip
    else:
        assert answer["error"]


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(document=mutated_documents())
async def test_near_valid_documents(live: tuple[Client, str], document: dict[str, Any]) -> None:
    client, token = live
    check_answer(*await post(client, token, json.dumps(document).encode()))


@FUZZ
@given(
    document=st.dictionaries(
        st.sampled_from([*SECTIONS, "grade", "x"]),
        st.lists(st.dictionaries(st.text(max_size=12), json_values, max_size=6), max_size=3)
        | json_values,
        max_size=4,
    )
)
async def test_arbitrary_sections(live: tuple[Client, str], document: dict[str, Any]) -> None:
    client, token = live
    check_answer(*await post(client, token, json.dumps(document).encode()))


@FUZZ
@given(body=st.binary(max_size=300) | json_values.map(lambda value: json.dumps(value).encode()))
async def test_arbitrary_bodies(live: tuple[Client, str], body: bytes) -> None:
    client, token = live
    check_answer(*await post(client, token, body))
