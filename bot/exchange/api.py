"""``POST /api/v1/sync`` and ``GET /api/v1/openapi.json`` (thin: parse, call, answer)."""

from __future__ import annotations

import asyncio
import json
from functools import partial
from importlib.metadata import PackageNotFoundError, version

from aiohttp import web

from bot.exchange.api_models import (
    ErrorAnswer,
    InvalidDocumentAnswer,
    ProblemModel,
    SectionCounts,
    SyncAnswer,
)
from bot.exchange.openapi import openapi_document
from bot.exchange.reading import DocumentReader
from bot.exchange.service import CheckedDocument, MalformedDocument, apply_checked, checked
from bot.exchange.validation import DocumentInvalid
from bot.schools.service import school_for_token
from bot.web.keys import SERVICES_KEY


def _json(data: object, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Russian stays readable in the answer instead of \u-escapes.
    return web.json_response(
        data, status=status, headers=headers, dumps=partial(json.dumps, ensure_ascii=False)
    )


def _error(status: int, message: str, **headers: str) -> web.Response:
    return _json(ErrorAnswer(error=message).model_dump(), status, headers or None)


def _bearer_token(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class BodyTooLarge(Exception):
    pass


async def _receive(request: web.Request, limit: int, within: float) -> CheckedDocument:
    """Parse and validate the body as it arrives (bounded memory, see bot.exchange.reading),
    checked against the limit before and while reading; raises TimeoutError when the client
    spends more than ``within`` seconds in all sending it (our own work is not counted)."""
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge
    reader = DocumentReader()
    loop = asyncio.get_running_loop()
    left = within
    try:
        while True:
            started = loop.time()
            async with asyncio.timeout(left):
                chunk = await request.content.readany()
            left -= loop.time() - started
            if not chunk:
                break
            if reader.size + len(chunk) > limit:
                raise BodyTooLarge
            reader.feed(chunk)
        # The last batch, and a re-reading in the rare case that needs it, off the event loop.
        return checked(*await asyncio.to_thread(reader.finish))
    except BaseException:
        reader.discard()
        raise


async def post_sync(request: web.Request) -> web.Response:
    """Holds a database connection only for the token check and for applying a document
    already read and validated: a client that sends slowly (or stalls) costs a socket and
    its bytes, never a connection that others need."""
    services = request.app[SERVICES_KEY]
    max_bytes, within = services.settings.sync_max_bytes, services.settings.sync_read_timeout
    token = _bearer_token(request)
    unauthorized = {"WWW-Authenticate": 'Bearer realm="ediary-bot exchange"'}
    if token is None:
        return _error(
            401, "send the school's API token as 'Authorization: Bearer …'", **unauthorized
        )
    async with services.database.unit_of_work() as uow:
        school = await school_for_token(uow, services.secret_key, token)
    if school is None:
        return _error(401, "unknown API token; ask the administrator for a new one",
                      **unauthorized)  # fmt: skip
    try:
        document = await _receive(request, max_bytes, within)
    except BodyTooLarge:
        return _error(413, f"the document is larger than {max_bytes} bytes; send it "
                      "in parts (each section may come in its own document)")  # fmt: skip
    except TimeoutError:
        return _error(408, f"the document did not arrive within {within:.0f} s; "
                      "send it again")  # fmt: skip
    except MalformedDocument as error:
        return _error(400, str(error))
    except DocumentInvalid as error:
        return _invalid(error)
    try:
        async with services.database.unit_of_work() as uow:
            result = await apply_checked(
                uow, services.clock, school, document, source="api", actor=f"api:school:{school.id}"
            )
    except DocumentInvalid as error:
        return _invalid(error)
    return _json(
        SyncAnswer(
            sync_id=result.sync_run_id,
            counts={name: SectionCounts(**c.as_dict()) for name, c in result.counts.items()},
            changes=result.changes,
        ).model_dump()
    )


def _invalid(error: DocumentInvalid) -> web.Response:
    answer = InvalidDocumentAnswer(
        errors=[ProblemModel(path=p.path, message=p.message) for p in error.problems],
        total=error.total,
    )
    return _json(answer.model_dump(), 422)


def _package_version() -> str:
    try:
        return version("ediary-bot")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0"


async def get_openapi(request: web.Request) -> web.Response:
    return _json(openapi_document(_package_version()))


def add_exchange_routes(app: web.Application) -> None:
    app.router.add_post("/api/v1/sync", post_sync)
    app.router.add_get("/api/v1/openapi.json", get_openapi)
