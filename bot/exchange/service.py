"""The exchange's entry point: raw bytes of a sync document in, counts out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.exchange.reading import DocumentReader, MalformedDocument
from bot.exchange.sync import Progress, SyncResult, apply_document
from bot.exchange.validation import DocumentInvalid, ParsedDocument, parse_document
from db.models import School
from db.unit_of_work import UnitOfWork

__all__ = ["MalformedDocument", "apply_checked", "check_document", "checked", "sync_document"]


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
    document = CheckedDocument(parse_document(raw), document_sha256)
    return await apply_checked(
        uow, clock, school, document, source=source, actor=actor, progress=progress
    )


@dataclass(frozen=True)
class CheckedDocument:
    """A document parsed and validated on its own, before any database work."""

    parsed: ParsedDocument
    sha256: str

    def close(self) -> None:
        """Drop the valid items waiting in a temporary file (the digest stays)."""
        self.parsed.store.close()


def checked(parsed: ParsedDocument, sha256: str) -> CheckedDocument:
    """The document of a :class:`DocumentReader` (raises DocumentInvalid)."""
    if not parsed.ok:
        parsed.store.close()
        raise DocumentInvalid(parsed.problems, parsed.total)
    return CheckedDocument(parsed, sha256)


def check_document(body: bytes) -> CheckedDocument:
    """Parse and validate raw bytes with no database at all (raises MalformedDocument or
    DocumentInvalid), so a caller holds no connection while the document is checked."""
    reader = DocumentReader()
    reader.feed(body)
    return checked(*reader.finish())


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
    finally:
        document.close()
    uow.audit.record(
        at=clock.now(), actor=actor, action="exchange.synced", school_id=school.id,
        subject_type="sync_run", subject_id=result.sync_run_id,
        details={"source": source, "changes": result.changes},
    )  # fmt: skip
    await uow.commit()
    return result
