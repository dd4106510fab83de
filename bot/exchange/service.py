"""The exchange's entry point: raw bytes of a sync document in, counts out."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.exchange.sync import Progress, SyncResult, apply_document
from bot.exchange.validation import DocumentInvalid, ParsedDocument, parse_document
from db.models import School
from db.unit_of_work import UnitOfWork


class MalformedDocument(Exception):
    """Not JSON at all; ``str()`` says where it broke."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def load_json(body: bytes) -> Any:
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except UnicodeDecodeError as error:
        raise MalformedDocument("the body is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise MalformedDocument(
            f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from error
    except (ValueError, RecursionError) as error:
        raise MalformedDocument(f"malformed JSON: {str(error)[:200]}") from error


async def sync_document(
    uow: UnitOfWork,
    clock: Clock,
    school: School,
    raw: Any,
    *,
    source: str,
    document_sha256: str,
    actor: str,
    progress: Progress | None = None,
) -> SyncResult:
    """Validate and apply a parsed JSON document (raises DocumentInvalid, writes nothing)."""
    checked = CheckedDocument(parse_document(raw), document_sha256)
    return await apply_checked(
        uow, clock, school, checked, source=source, actor=actor, progress=progress
    )


@dataclass(frozen=True)
class CheckedDocument:
    """A document parsed and validated on its own, before any database work."""

    parsed: ParsedDocument
    sha256: str


def check_document(body: bytes) -> CheckedDocument:
    """Parse and validate the raw bytes with no database at all (raises MalformedDocument or
    DocumentInvalid), so a caller holds no connection while the client sends or while the
    document is checked."""
    parsed = parse_document(load_json(body))
    if not parsed.ok:
        raise DocumentInvalid(parsed.problems)
    return CheckedDocument(parsed, hashlib.sha256(body).hexdigest())


async def apply_checked(
    uow: UnitOfWork,
    clock: Clock,
    school: School,
    document: CheckedDocument,
    *,
    source: str,
    actor: str,
    progress: Progress | None = None,
) -> SyncResult:
    """Apply a checked document and commit (raises DocumentInvalid for what only the
    database can tell, such as unknown references; then nothing is written)."""
    try:
        result = await apply_document(
            uow, clock, school, document.parsed,
            source=source, document_sha256=document.sha256, progress=progress,
        )  # fmt: skip
    except BaseException:
        # All or nothing, and at once: on SQLite the sync holds the database's write lock.
        await uow.rollback()
        raise
    uow.audit.record(
        at=clock.now(), actor=actor, action="exchange.synced", school_id=school.id,
        subject_type="sync_run", subject_id=result.sync_run_id,
        details={"source": source, "changes": result.changes},
    )  # fmt: skip
    await uow.commit()
    return result
